"""Skills named in the six languages (issue 25 §4): a CV or a posting in German, Dutch, French, Spanish or
Portuguese names its skills as people write them there, and the vocabulary gives the canonical skill.

The cases are a table of (form as written, canonical skill) per language, each put into a CV line and a
posting sentence of that language; the forms are written here as people write them (with and without
accents, umlauts spelled out, inflected), not copied from jobagent/data/skills_translations.tsv. Ordinary
prose and posting boilerplate in each language must name no skill at all.
"""

from __future__ import annotations

import pytest

from jobagent.cv.vocabulary import _key, find_skills, skill_index, skill_translations, skills
from jobagent.postings.matching import matched_skills
from jobagent.text import count_word

# language -> (CV line, posting sentence): "{}" is the skill as written
TEMPLATES = {
    "en": ("- {}: four years, daily work.", "You bring solid experience in {} and enjoy working in a team."),
    "de": ("- {}: vier Jahre Praxis im Betrieb.",
           "Sie bringen fundierte Erfahrung in {} mit und arbeiten gern im Team."),
    "nl": ("- {}: vier jaar ervaring in de praktijk.",
           "Je hebt aantoonbare ervaring met {} en werkt graag in een team."),
    "fr": ("- {} : quatre ans de pratique au quotidien.",
           "Vous justifiez d'une solide expérience en {} et aimez le travail en équipe."),
    "es": ("- {}: cuatro años de práctica diaria.",
           "Buscamos una persona con experiencia demostrable en {} y ganas de trabajar en equipo."),
    "pt": ("- {}: quatro anos de prática diária.",
           "Procuramos alguém com experiência comprovada em {} e gosto pelo trabalho em equipa."),
}

# language -> (skill as a CV or a posting in that language writes it, canonical skill)
CASES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("stock management", "Inventory Management"), ("menu planning", "Menu Development"),
           ("troubleshooting", "Fault Finding"), ("care planning", "Care Planning"), ("HACCP", "Food Safety"),
           ("wound care", "Wound Care"), ("lesson planning", "Lesson Planning"), ("bookkeeping", "Bookkeeping"),
           ("month-end close", "Month-End Close"), ("key account management", "Key Account Management"),
           ("recruitment", "Recruiting"), ("employment law", "Employment Law"),
           ("route planning", "Transport Management"),
           ("warehouse management", "Warehouse Management"), ("reinforced concrete", "Reinforced Concrete"),
           ("structural analysis", "Structural Analysis"), ("dispensing", "Dispensing"),
           ("pharmacovigilance", "Pharmacovigilance"), ("root cause analysis", "Root Cause Analysis"),
           ("PLC programming", "PLC Programming"), ("typography", "Typography"),
           ("contract drafting", "Contract Drafting")),
    "de": (("Lagerhaltung", "Inventory Management"), ("Bestandsmanagement", "Inventory Management"),
           ("Menüplanung", "Menu Development"), ("Menueplanung", "Menu Development"), ("Fehlersuche", "Fault Finding"),
           ("Störungsbeseitigung", "Fault Finding"), ("Pflegeplanung", "Care Planning"),
           ("Wundversorgung", "Wound Care"), ("Unterrichtsplanung", "Lesson Planning"), ("Buchführung", "Bookkeeping"),
           ("Monatsabschluss", "Month-End Close"), ("Großkundenbetreuung", "Key Account Management"),
           ("Grosskundenbetreuung", "Key Account Management"), ("Personalbeschaffung", "Recruiting"),
           ("Arbeitsrecht", "Employment Law"), ("Tourenplanung", "Transport Management"),
           ("Stahlbeton", "Reinforced Concrete"), ("Lebensmittelhygiene", "Food Safety"),
           ("SPS-Programmierung", "PLC Programming"), ("Ladungssicherung", "Load Securing"),
           ("Vertragsgestaltung", "Contract Drafting"), ("Infusionstherapie", "IV Therapy")),
    "nl": (("voorraadbeheer", "Inventory Management"), ("menuplanning", "Menu Development"),
           ("storingzoeken", "Fault Finding"), ("zorgplannen", "Care Planning"), ("wondzorg", "Wound Care"),
           ("lesvoorbereiding", "Lesson Planning"), ("boekhouden", "Bookkeeping"),
           ("maandafsluitingen", "Month-End Close"), ("werving en selectie", "Recruiting"),
           ("arbeidsrecht", "Employment Law"), ("ritplanning", "Transport Management"),
           ("magazijnbeheer", "Warehouse Management"), ("gewapend beton", "Reinforced Concrete"),
           ("voedselveiligheid", "Food Safety"), ("PLC-programmering", "PLC Programming"),
           ("revalidatie", "Physiotherapy"), ("manuele therapie", "Manual Therapy"),
           ("infectiepreventie", "Infection Control"), ("debiteurenbeheer", "Accounts Receivable"),
           ("leidinggeven", "Leadership"), ("onderhandelen", "Negotiation"), ("typografie", "Typography")),
    "fr": (("gestion des stocks", "Inventory Management"), ("gestion de stock", "Inventory Management"),
           ("élaboration de menus", "Menu Development"), ("elaboration des menus", "Menu Development"),
           ("dépannage", "Fault Finding"), ("plan de soins", "Care Planning"), ("soins des plaies", "Wound Care"),
           ("préparation des cours", "Lesson Planning"), ("saisie comptable", "Bookkeeping"),
           ("clôture mensuelle", "Month-End Close"), ("gestion des grands comptes", "Key Account Management"),
           ("recrutement", "Recruiting"), ("droit du travail", "Employment Law"),
           ("planification des tournées", "Transport Management"), ("béton armé", "Reinforced Concrete"),
           ("beton arme", "Reinforced Concrete"), ("hygiène alimentaire", "Food Safety"),
           ("management d'équipe", "Leadership"), ("management d’équipe", "Leadership"),
           ("programmation d'automates", "PLC Programming"), ("rédaction de contrats", "Contract Drafting"),
           ("cuisine française", "French Cuisine")),
    "es": (("gestión de inventarios", "Inventory Management"), ("gestion de stocks", "Inventory Management"),
           ("elaboración de menús", "Menu Development"), ("diagnóstico de averías", "Fault Finding"),
           ("plan de cuidados", "Care Planning"), ("triaje", "Triage"), ("cuidados intensivos", "Critical Care"),
           ("vía venosa", "IV Therapy"), ("planificación de clases", "Lesson Planning"),
           ("cierre mensual", "Month-End Close"), ("gestión de cuentas clave", "Key Account Management"),
           ("selección de personal", "Recruiting"), ("derecho laboral", "Employment Law"),
           ("planificación de rutas", "Transport Management"), ("hormigón armado", "Reinforced Concrete"),
           ("seguridad alimentaria", "Food Safety"), ("dispensación", "Dispensing"),
           ("formulación magistral", "Compounding"), ("atención farmacéutica", "Clinical Pharmacy"),
           ("farmacovigilancia", "Pharmacovigilance"), ("programación de PLC", "PLC Programming"),
           ("redacción de contratos", "Contract Drafting")),
    "pt": (("gestão de stocks", "Inventory Management"), ("gestao de estoques", "Inventory Management"),
           ("elaboração de menus", "Menu Development"), ("diagnóstico de avarias", "Fault Finding"),
           ("plano de cuidados", "Care Planning"), ("tratamento de feridas", "Wound Care"),
           ("planificação de aulas", "Lesson Planning"), ("fecho mensal", "Month-End Close"),
           ("recrutamento e seleção", "Recruiting"), ("direito do trabalho", "Employment Law"),
           ("planeamento de rotas", "Transport Management"), ("betão armado", "Reinforced Concrete"),
           ("segurança alimentar", "Food Safety"), ("manutenção preventiva", "Preventive Maintenance"),
           ("hidráulica", "Hydraulics"), ("pneumática", "Hydraulics"), ("soldadura", "Welding"),
           ("programação de PLC", "PLC Programming"), ("farmacovigilância", "Pharmacovigilance"),
           ("gestão de armazém", "Warehouse Management"), ("negociação", "Negotiation"),
           ("redação de contratos", "Contract Drafting")),
}

# Ordinary prose and posting boilerplate per language: none of it names a skill. The words that were left
# out of the vocabulary because they are common outside the skill appear here on purpose.
PROSE = {
    "en": ("Last weekend we took the train to the coast, walked along the beach and had lunch in a small cafe. "
           "The service was slow but friendly, and my sister bought postcards for the whole family. "
           "We offer a competitive salary, flexible hours, a friendly team and a modern office near the station. "
           "Please send your application by the end of the month; we read every letter."),
    "de": ("Am Wochenende sind wir mit dem Zug an die Ostsee gefahren, haben am Strand gegessen und abends den "
           "Einkauf für die Woche erledigt. Der Service im Hotel war freundlich, das Wetter leider durchwachsen. "
           "Wir bieten eine strukturierte Einarbeitung, Weiterbildung, flexible Arbeitszeiten und ein motiviertes "
           "Team. Hinweise zum Datenschutz finden Sie auf unserer Webseite. Wir freuen uns auf Ihre Bewerbung!"),
    "nl": ("Afgelopen zaterdag zijn we met de fiets naar het strand gegaan en hebben we op een terras koffie "
           "gedronken. De bediening was vriendelijk en mijn broer vertelde over de uitvoering van zijn plannen. "
           "Wij bieden goede arbeidsvoorwaarden, een passende beloning, een prettige werkplek en ruimte om te "
           "groeien. Je wordt goed ingewerkt door je collega's. Solliciteer vandaag nog!"),
    "fr": ("Dimanche, nous avons pris le train pour la mer, déjeuné dans une petite brasserie et fait quelques "
           "achats au marché. Le service était lent mais agréable, et la couverture du livre m'a plu. "
           "Nous offrons un poste stable, des horaires flexibles et une équipe dynamique. Suivez-nous sur les "
           "réseaux sociaux. Conformément à la loi, vos données sont traitées en toute confidentialité."),
    "es": ("El domingo fuimos en tren a la costa, comimos en un restaurante del puerto e hicimos las compras de "
           "la semana. Desde los tejados se veía el mar y los pisos del barrio viejo. "
           "Ofrecemos contrato indefinido, retribución competitiva, horario flexible y un buen ambiente de trabajo. "
           "Síguenos en redes sociales. Consulta nuestra política de privacidad antes de enviar tu candidatura."),
    "pt": ("No domingo fomos de comboio até à praia, almoçámos numa tasca e fizemos as compras da semana. "
           "O empregado deu-nos explicações sobre os telhados antigos e os andares do prédio. "
           "Oferecemos contrato sem termo, horário flexível, seguro de saúde e um excelente ambiente. Siga-nos nas "
           "redes sociais. Os seus dados são tratados em conformidade com a lei."),
}


def _cases() -> list[tuple[str, str, str, str]]:
    out = []
    for lang, rows in CASES.items():
        cv, posting = TEMPLATES[lang]
        for written, canonical in rows:
            out.append((lang, "cv", cv.format(written), canonical))
            out.append((lang, "posting", posting.format(written), canonical))
    return out


ALL = _cases()


def test_every_language_has_forty_cases() -> None:
    per_language = {lang: sum(1 for c in ALL if c[0] == lang) for lang in TEMPLATES}
    assert min(per_language.values()) >= 40, per_language


@pytest.mark.parametrize(("lang", "style", "sentence", "canonical"), ALL,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(ALL)])
def test_sentence_gives_the_canonical_skill(lang: str, style: str, sentence: str, canonical: str) -> None:
    assert find_skills(sentence) == [canonical]


@pytest.mark.parametrize(("lang", "sentence", "canonical"), [(c[0], c[2], c[3]) for c in ALL if c[1] == "posting"])
def test_profile_skill_matches_a_posting_in_another_language(lang: str, sentence: str, canonical: str) -> None:
    """The profile holds the canonical name; the posting writes the skill in its own language."""
    assert matched_skills([canonical, "Kubernetes"], sentence) == [canonical]


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_ordinary_prose_names_no_skill(lang: str) -> None:
    assert find_skills(PROSE[lang]) == []


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_prose_matches_no_profile_skill_under_another_name(lang: str) -> None:
    """Posting boilerplate ("strukturierte Einarbeitung", "réseaux sociaux") is no skill of any profile:
    the other names of a skill add no match to the ones its own name makes (a profile skill written
    "SEM" still matches Portuguese "sem", as it did before the translations)."""
    every = sorted(skills())
    by_name = [s for s in every if count_word(PROSE[lang].lower(), s.lower(), stop_at=1)]
    assert matched_skills(every, PROSE[lang]) == by_name
    assert len(by_name) <= 1


def test_translations_name_known_skills_and_keep_their_meaning() -> None:
    """Every row names a skill of skills.tsv, and each of its forms resolves to that skill: a form that an
    English alias or another row already holds would be silently ignored by the phrase index."""
    known = skills()
    index = skill_index()
    table = skill_translations()
    assert len(table) >= 200
    for name, by_lang in table.items():
        assert name in known
        assert set(by_lang) == {"de", "nl", "fr", "es", "pt"}
        for lang, forms in by_lang.items():
            assert forms, (name, lang)
            for form in forms:
                assert index.lookup(_key(form.removeprefix("="))) == name, (name, lang, form)


def test_relevance_personas_skills_are_known() -> None:
    """Each skill a non-English persona of the relevance bench lists is found in its own language."""
    from tests.relevance_corpus import PERSONAS

    missing = [(p.key, written) for p in PERSONAS if p.lang != "en" for written in p.skills
               if not find_skills(written)]
    assert missing == []


def test_cv_truth_skills_have_their_translations() -> None:
    """Every skill the generated CVs of tests/cv_truth.py draw on has a row in every language, except the
    products and standards that every language writes the same way ("Figma", "IFRS", "Incoterms")."""
    from tests.cv_truth_words import PROFESSIONS

    same_everywhere = {"Adobe Illustrator", "Adobe Photoshop", "AutoCAD", "Docker", "Figma", "Git", "IFRS",
                       "Incoterms", "Java", "Kubernetes", "MS Project", "PostgreSQL", "Python", "Revit", "SAP",
                       "SCADA", "Salesforce"}
    drawn = {s for _, named, _ in PROFESSIONS.values() for s in named}
    assert drawn - set(skill_translations()) == same_everywhere
