"""Employment kinds (issue 24 §4) in six languages, from titles, bodies and the sources' own type fields,
with the false friends that a word list gets wrong: "Praktische Erfahrung", "stage manager", "Lehrer"."""

from __future__ import annotations

import pytest

from jobagent.postings.employment import (
    KINDS,
    fits_types,
    kind_name,
    kinds_text,
    parse_kinds,
    stored_kinds,
    trainee_title,
)
from jobagent.postings.filters import PostingFilters, apply_filters
from jobagent.postings.schema import PostingData

# (title, body, the source's type field, expected kinds); the language is detected from title + body.
CASES = [
    # English
    ("Software Engineering Intern", "Join our summer internship programme in London.", None, {"internship"}),
    ("Marketing Internship (6 months)", "", None, {"internship"}),
    ("Electrician Apprentice", "A four-year apprenticeship with day release to college.", None, {"apprenticeship"}),
    ("Backend Engineer", "This is a full-time, permanent role based in Manchester.", None, {"full_time"}),
    ("Customer Support Agent", "Part-time, 20 hours per week, flexible shifts.", None, {"part_time"}),
    ("Senior Data Engineer (Contract)", "Six-month contract, outside IR35.", None, {"contract"}),
    ("Freelance Copywriter", "We are looking for a freelance copywriter.", None, {"contract"}),
    ("Warehouse Operative", "Temporary role over the Christmas peak, fixed-term until January.", None,
     {"temporary"}),
    ("Graduate Programme 2027 – Finance", "Our two-year graduate programme rotates through four teams.", None,
     {"graduate"}),
    ("Volunteer Coordinator", "Help run our food bank; this is a volunteer role.", None, {"volunteer"}),
    ("Working Student Data Analytics", "", None, {"working_student"}),
    ("Stage Manager", "We need a stage manager for our touring theatre production.", None, set()),
    ("Senior Product Manager", "Early-stage startup. You will mentor our interns and volunteer at events.",
     None, set()),
    ("Backend Developer", "", "FULL_TIME", {"full_time"}),
    ("Backend Developer", "", "Internship", {"internship"}),
    # German
    ("Werkstudent*in Marketing (m/w/d)", "Teilzeit, 20 Stunden pro Woche in München.", None,
     {"working_student", "part_time"}),
    ("Ausbildung zum Elektroniker für Betriebstechnik (m/w/d)", "Deine Ausbildung dauert 3,5 Jahre.", None,
     {"apprenticeship"}),
    ("Auszubildende Kauffrau für Büromanagement", "", None, {"apprenticeship"}),
    ("Pflichtpraktikum im Bereich Controlling", "Wir bieten ein spannendes Praktikum.", None, {"internship"}),
    ("Praktikant (m/w/d) Vertrieb", "", None, {"internship"}),
    ("Lehre als Koch/Köchin", "Starte deine Lehre bei uns im Hotel.", None, {"apprenticeship"}),
    ("Softwareentwickler (m/w/d)", "Praktische Erfahrung mit Java ist von Vorteil. Vollzeit, unbefristet.",
     None, {"full_time"}),
    ("Lehrer für Mathematik (m/w/d)", "Wir suchen eine Lehrkraft für die Oberstufe.", None, set()),
    ("Projektmanager (m/w/d)", "Die Stelle ist auf zwei Jahre befristet.", None, {"temporary"}),
    ("Entwickler (m/w/d) freiberuflich", "Projekt auf Honorarbasis.", None, {"contract"}),
    ("Sachbearbeiter Lohnbuchhaltung", "Wir bieten freiwillige Sozialleistungen und Weiterbildung.", None,
     set()),
    # Dutch
    ("Stage Marketing & Communicatie", "Ben jij een student die een meewerkstage zoekt? Wij bieden een stage.",
     None, {"internship"}),
    ("Stagiair Data Science", "", None, {"internship"}),
    ("BBL Monteur Elektrotechniek", "Je volgt een BBL-opleiding en werkt vier dagen per week.", None,
     {"apprenticeship"}),
    ("Verpleegkundige", "Een vaste baan, deeltijd 24 uur per week.", None, {"part_time"}),
    ("Leerkracht basisonderwijs", "Wij zoeken een leerkracht voor groep 5, fulltime.", None, {"full_time"}),
    ("Intern begeleider", "Als intern begeleider ondersteun je leerkrachten op onze basisschool.", None,
     set()),
    ("Vrijwilliger buurthuis", "Word vrijwilliger bij ons buurthuis.", None, {"volunteer"}),
    # French
    ("Stagiaire développeur web", "Stage de 6 mois à Paris, à partir de janvier.", None, {"internship"}),
    ("Stage - Assistant(e) marketing", "Nous recherchons un(e) stagiaire pour notre équipe.", None,
     {"internship"}),
    ("Alternance - Chargé de recrutement", "Contrat d'apprentissage de 24 mois.", None, {"apprenticeship"}),
    ("Comptable (H/F)", "CDD de 6 mois, temps plein, à Lyon.", None, {"temporary", "full_time"}),
    ("Infirmier (H/F)", "Poste à temps partiel en CDI.", None, {"part_time"}),
    ("Bénévole accueil", "Association cherche bénévole pour l'accueil du public.", None, {"volunteer"}),
    ("Chef de projet", "Vous aurez une expérience de la mise en scène et de la gestion de projet.", None, set()),
    # Spanish
    ("Prácticas en Marketing Digital", "Buscamos estudiante para prácticas de 6 meses.", None, {"internship"}),
    ("Becario/a de Finanzas", "", None, {"internship"}),
    ("Aprendiz de cocina", "Formación dual en hostelería.", None, {"apprenticeship"}),
    ("Enfermero/a", "Contrato temporal a jornada completa en Madrid.", None, {"temporary", "full_time"}),
    ("Dependiente (media jornada)", "Buscamos dependiente para tienda en Sevilla.", None, {"part_time"}),
    ("Desarrollador backend", "Aplicamos buenas prácticas de ingeniería en todo el equipo.", None, set()),
    # Portuguese
    ("Estágio em Engenharia de Software", "Bolsa de estágio e vale-transporte.", None, {"internship"}),
    ("Estagiário de Contabilidade", "", None, {"internship"}),
    ("Jovem Aprendiz Administrativo", "Programa jovem aprendiz em São Paulo.", None, {"apprenticeship"}),
    ("Desenvolvedor Java", "Regime CLT, tempo integral, São Paulo.", None, {"full_time"}),
    ("Programa de Trainee 2027", "Nosso programa de trainee dura 18 meses.", None, {"graduate"}),
    ("Analista de dados", "Contrato temporário de 6 meses.", None, {"temporary"}),
    ("Voluntário para ONG", "Procuramos voluntário para projetos sociais.", None, {"volunteer"}),
]


@pytest.mark.parametrize(("title", "body", "typed", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_kinds_in_six_languages(title: str, body: str, typed: str | None, expected: set[str]) -> None:
    assert parse_kinds(title, body, typed) == expected


def test_enough_cases_and_negatives() -> None:
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if not c[3]) >= 6


def test_trainee_words_in_the_body_alone_do_not_make_a_trainee_post() -> None:
    """A senior post that mentions interns, apprentices or a working-student team is not one of them."""
    body = "You will lead a team of engineers, apprentices and working students and mentor two interns."
    assert parse_kinds("Engineering Manager", body) == set()


def test_similar_jobs_far_down_the_body_are_not_read() -> None:
    body = "We build payment systems. " * 80 + "Similar jobs: Part-time barista, Freelance designer"
    assert parse_kinds("Payments Engineer", body) == set()


def test_language_exceptions_follow_the_posting_language() -> None:
    assert parse_kinds("Stage Manager", "", language="en") == set()
    assert parse_kinds("Stage Manager", "", language="fr") == {"internship"}
    assert not trainee_title("Stage Manager", "en")
    assert trainee_title("Marketing Intern")  # a search's words: no language to go by, every phrase counts


def test_stored_form_round_trips_in_a_fixed_order() -> None:
    text = kinds_text({"internship", "part_time"})
    assert text == "part_time internship"
    assert stored_kinds(text) == {"internship", "part_time"}
    assert kinds_text(set()) is None


@pytest.mark.parametrize(("typed", "kind"), [("apprenticeship", "apprenticeship"),
                                             ("Working-Student", "working_student"), ("full time", "full_time"),
                                             ("freelance", "contract"), ("intern", "internship"),
                                             ("graduate", "graduate")])
def test_kind_names_people_type(typed: str, kind: str) -> None:
    assert kind_name(typed) == kind


def test_unknown_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown employment type 'fulltimer'.*working-student"):
        kind_name("fulltimer")


def test_fits_types() -> None:
    assert fits_types(frozenset({"apprenticeship"}), ["apprenticeship"])
    assert not fits_types(frozenset(), ["apprenticeship"])  # trainee posts say so in their titles
    assert fits_types(frozenset(), ["part_time"])  # most adverts never state their hours
    assert not fits_types(frozenset({"full_time"}), ["part_time"])
    assert set(KINDS) >= {"full_time", "part_time", "contract", "temporary", "apprenticeship", "internship",
                          "working_student", "volunteer", "graduate"}


def test_type_filter_keeps_only_the_asked_type() -> None:
    def posting(title: str) -> PostingData:
        return PostingData(source="t", external_id=title, title=title, company="Acme")

    postings = [posting("Ausbildung zum Elektroniker (m/w/d)"), posting("Elektroniker (m/w/d)")]
    kept, counts = apply_filters(postings, PostingFilters(employment_types=["Apprenticeship"]))
    assert [p.title for p in kept] == ["Ausbildung zum Elektroniker (m/w/d)"]
    assert counts["not the employment type asked for"] == 1
    assert PostingFilters(employment_types=["part-time"]).merged(PostingFilters()).employment_types == ["part_time"]
    with pytest.raises(ValueError, match="unknown employment type"):
        PostingFilters(employment_types=["wizard"])
