"""Issue 25 §6: template letters and tailored CVs in the posting's language, grounded in every language.

One person and one posting per language (en, de, nl, fr, es, pt). The letter opens and closes the way that
language does, names the company, cites the CV bullet, says nothing the profile lacks and has no English
left in it; the grounding check accepts the CV's employers and the posting's company and city after every
language's prepositions, and refuses an invented employer, number, degree or skill in each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from jobagent.cv.vocabulary import find_skills
from jobagent.postings.letters import ungrounded_claims, write_grounded_letter
from jobagent.postings.phrases import Phrases
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from jobagent.postings.tailored_cv import tailored_markdown, write_tailored_cv


@dataclass(frozen=True)
class Case:
    lang: str
    title: str
    employer: str
    bullet: str
    posting_title: str
    company: str
    city: str
    description: str
    greeting: str
    sign_off: str
    degree: str  # a degree the person does not hold, as this language writes it


CASES = [
    Case("en", "Supply Planner", "Acme Foods Ltd", "Cut stock-outs by 30% with S&OP planning in SAP.",
         "Demand Planner", "Northwind Ltd", "Dublin", "You will plan demand in SAP and run S&OP meetings.",
         "Dear Northwind Ltd hiring team,", "Kind regards,", "Master of Science"),
    Case("de", "Disponent", "Müller Logistik GmbH", "Planung in SAP für 3 Werke.",
         "Disponent (m/w/d)", "Schenker Deutschland AG", "Hamburg", "Sie planen Touren mit SAP und Excel.",
         "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen", "Diplom"),
    Case("nl", "Planner", "Van Dijk Transport B.V.", "Planning van 40 ritten per dag in SAP.",
         "Logistiek planner", "Bakker Logistiek B.V.", "Rotterdam", "U plant ritten in SAP.",
         "Geachte heer/mevrouw,", "Met vriendelijke groet,", "Master of Science"),
    Case("fr", "Développeur backend", "Esker SA", "Conception de 14 API REST en Django.",
         "Développeur Python (H/F)", "Doctolib SAS", "Paris", "Vous développez des API en Python et Django.",
         "Madame, Monsieur,",
         "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.", "Doctorat"),
    Case("es", "Técnica de mantenimiento", "Gestamp Automoción S.A.", "Programación de PLC en 3 líneas de montaje.",
         "Técnico de mantenimiento", "Seat S.A.", "Barcelona", "Buscamos experiencia con PLC en planta.",
         "Estimado equipo de selección de Seat S.A.:", "Atentamente,", "Máster"),
    Case("pt", "Técnico de manutenção", "Continental Mabor", "Manutenção preventiva de 12 prensas com PLC.",
         "Técnico de manutenção industrial", "Bosch Termotecnologia", "Aveiro", "Procuramos técnico com PLC.",
         "Prezada equipa de recrutamento da Bosch Termotecnologia,", "Com os melhores cumprimentos,", "Mestrado"),
]
IDS = [c.lang for c in CASES]
ENGLISH = ("Dear ", "Kind regards", "I am applying", " and ", "experience", "I would welcome", "Your posting")


def _profile(case: Case) -> ProfileFacts:
    return ProfileFacts(
        name="Alex Kowalski", email="alex@example.org", location=case.city, skills=find_skills(case.bullet),
        years_experience=6, titles_held=[case.title],
        experience=[{"title": case.title, "title_as_written": case.title, "employer": case.employer,
                     "start": "2020-03", "end": None, "current": True, "bullets": [case.bullet]}],
        education=[{"degree": "Berufsausbildung", "institution": "Berufsschule", "end_year": 2019}])


def _match(case: Case, language: str | None = None) -> MatchResult:
    posting = PostingData(source="t", external_id=case.lang, title=case.posting_title, company=case.company,
                          location=case.city, description=case.description, language=language or case.lang)
    wanted = set(find_skills(f"{case.posting_title} {case.description}"))
    return MatchResult(posting=posting, score=80, matched_skills=[s for s in find_skills(case.bullet) if s in wanted])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_letter_greets_cites_and_closes_in_the_posting_s_language(case: Case) -> None:
    profile, match = _profile(case), _match(case)
    assert match.matched_skills  # the bullet proves a requirement: the letter must cite it
    notes = f"- 3 open roles at {case.company} among the postings found."
    letter, warnings = write_grounded_letter(profile, match, notes)
    assert warnings == [] and letter
    lines = letter.splitlines()
    assert lines[0] == case.greeting
    assert lines[-3:] == [case.sign_off, profile.name, profile.email]
    assert case.company in letter
    bullet = case.bullet.rstrip(".")
    assert bullet in letter or bullet.partition(" ")[2] in letter  # quoted, or told in the first person
    assert case.employer in letter
    assert ungrounded_claims(letter, profile, match, notes) == []
    if case.lang != "en":
        assert not [w for w in ENGLISH if w in letter], letter
    assert "&amp;" not in letter and "B.V.," not in letter and "B.V.." not in letter


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_true_facts_are_never_refused_after_any_preposition(case: Case) -> None:
    profile, match = _profile(case), _match(case)
    ph = Phrases(case.lang)
    true = [ph.say("cite_employer", employer=case.employer), ph.say("closing_line", company=case.company),
            ph.say("place_city", location=case.city), ph.say("greeting", company=case.company),
            ph.say("intro_current_at", n_years=ph.years(6), title=ph.title(case.title), employer=case.employer)]
    for preposition in ph.prepositions:
        true += [f"{preposition} {case.employer}.", f"{preposition} {case.company}.", f"{preposition} {case.city}."]
    for sentence in true:
        assert ungrounded_claims(sentence, profile, match) == [], sentence


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_invented_facts_never_pass_in_any_language(case: Case) -> None:
    profile, match = _profile(case), _match(case)
    ph = Phrases(case.lang)
    for preposition in ph.prepositions:
        for invented in ("Globex Industries", "Globex B.V.", "Möller Logistik GmbH"):
            found = ungrounded_claims(f"{preposition} {invented}", profile, match)
            assert any(p.startswith("employer ") for p in found), (preposition, invented)
    assert "number 17" in ungrounded_claims(ph.say("n_years", years=17), profile, match)
    assert f"degree {case.degree}" in ungrounded_claims(f"{case.degree}.", profile, match)
    assert "skill Kubernetes" in ungrounded_claims(ph.say("hl_skilled", skills="Kubernetes"), profile, match)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_phrase_filled_with_true_facts_passes_the_check(case: Case) -> None:
    """The phrase tables' own words must never read as a claim (a skill, an employer, a degree)."""
    profile, match = _profile(case), _match(case)
    ph = Phrases(case.lang)
    values = {"company": case.company, "role": case.posting_title, "place": "", "location": case.city,
              "n_years": ph.years(6), "years": 6, "title": case.title, "titles": case.title,
              "employer": case.employer, "skills": profile.skills[0], "where": "", "bullet": case.bullet, "verb": "cut",
              "rest": "costs", "quote": case.description, "about": case.description, "industry": "retail",
              "count": 6, "places": case.city}
    import json
    from importlib import resources

    table = json.loads((resources.files("jobagent") / "data" / "letter_phrases.json").read_text("utf-8"))
    for key, phrase in table[case.lang].items():
        if isinstance(phrase, str) and key not in ("and", "title_case", "n_years_one"):
            text = ph.say(key, **values)
            assert ungrounded_claims(text, profile, match, case.description) == [], (key, text)


def test_a_language_outside_the_six_falls_back_to_english() -> None:
    case = CASES[1]
    letter = write_grounded_letter(_profile(case), _match(case, language="ru"), "")[0]
    assert letter.startswith("Dear Schenker Deutschland AG hiring team,")
    assert "Kind regards," in letter


def test_a_forced_language_wins_over_the_posting_s() -> None:
    case = CASES[1]
    english = write_grounded_letter(_profile(case), _match(case), "", language="en")[0]
    assert english.startswith("Dear Schenker Deutschland AG hiring team,")
    french = write_grounded_letter(_profile(case), _match(case), "", language="fr")[0]
    assert french.startswith("Madame, Monsieur,")


def test_a_user_template_for_one_language_wins(tmp_path: Path) -> None:
    (tmp_path / "cover_letter.de.md.j2").write_text("{{ greeting }} ({{ language }})\n{{ name }}\n")
    case = CASES[1]
    letter, _ = write_grounded_letter(_profile(case), _match(case), "", templates_dir=str(tmp_path))
    assert letter == "Sehr geehrte Damen und Herren, (de)\nAlex Kowalski\n"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tailored_cv_headings_are_in_the_posting_s_language(case: Case, tmp_path: Path) -> None:
    import docx

    ph = Phrases(case.lang)
    md = tailored_markdown(_profile(case), _match(case))
    for kind in ("experience", "skills", "education"):
        assert f"## {ph.cv(kind)}" in md
    assert f"{ph.cv('months')[2]} 2020 – {ph.cv('present')}" in md
    if case.lang != "en":
        assert "## Experience" not in md and "present" not in md and "Prepared for" not in md
    paths = write_tailored_cv(_profile(case), _match(case), tmp_path, 1)
    headings = [p.text for p in docx.Document(paths["docx"]).paragraphs if p.style.name.startswith("Heading")]
    assert ph.cv("experience") in headings
    assert case.bullet in Path(paths["markdown"]).read_text(encoding="utf-8")  # S&OP, B.V. as written


def test_german_bullets_are_ranked_by_content_words_not_function_words() -> None:
    """ "für", "eine", "oder", "einer" shared with the posting make no bullet relevant; "Schaltschrankbau" does,
    with or without the full stop after it."""
    case = CASES[1]
    filler = "Planung für eine Baustelle oder einer Halle."
    relevant = "Schaltschrankbau und Inbetriebnahme."
    profile = _profile(case).model_copy(update={"experience": [{
        "title": "Elektroniker", "employer": "Müller Elektro GmbH", "start": "2020-03", "current": True,
        "bullets": [filler, relevant]}]})
    match = _match(case).model_copy(update={"posting": _match(case).posting.model_copy(update={
        "description": "Sie übernehmen Schaltschrankbau, Inbetriebnahme oder Wartung einer Anlage für eine Fabrik."})})
    md = tailored_markdown(profile, match)
    assert md.index(relevant) < md.index(filler)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_posting_with_no_stored_language_gets_a_letter_in_the_language_it_is_written_in(case: Case) -> None:
    match = _match(case)
    unknown = match.model_copy(update={"posting": match.posting.model_copy(update={
        "language": None, "description": f"{case.description} {case.description}"})})
    letter = write_grounded_letter(_profile(case), unknown, "")[0]
    assert letter.startswith(case.greeting), letter[:80]
    assert case.sign_off in letter
