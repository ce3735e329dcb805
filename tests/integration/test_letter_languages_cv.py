"""Issue 25 §6 on real CVs: each generated CV (German, Dutch, French, Spanish, Portuguese; PDF, read back) and a
posting in its language give a letter in that language that the grounding check accepts as it stands, and
a sentence with an invented employer, put in by a model, is dropped while the rest of the letter stands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jobagent.cv import extract_profile
from jobagent.postings.letters import repair_letter, ungrounded_claims, write_grounded_letter
from jobagent.postings.phrases import Phrases
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from tests.cv_languages import CVS, LangCV, render
from tests.cv_reading import read_cv

POSTINGS = {  # lang -> (title, company, city, description)
    "de": ("Elektroniker für Betriebstechnik (m/w/d)", "Siemens Mobility GmbH", "München",
           "Wir suchen Elektroniker mit SPS und Siemens S7 für die Fehlersuche an Anlagen."),
    "nl": ("Docent wiskunde", "Stedelijk Lyceum B.V.", "Utrecht", "Wij zoeken een docent wiskunde voor havo en vwo."),
    "fr": ("Ingénieur logiciel Python (H/F)", "Esker SA", "Lyon", "Python, Django et PostgreSQL."),
    "es": ("Enfermera de urgencias", "Hospital Clínico San Carlos", "Madrid", "Enfermera con triaje y RCP."),
    "pt": ("Técnico de manutenção industrial", "Bosch Termotecnologia", "Aveiro", "Técnico com PLC."),
}
INVENTED = {"de": "Zuvor war ich bei Globex Industries GmbH tätig.", "nl": "Eerder werkte ik bij Globex B.V.",
            "fr": "J'ai aussi travaillé chez Globex Industries.", "es": "También trabajé en Globex Industries.",
            "pt": "Também trabalhei na Globex Industries."}
LANG_CVS = [c for c in CVS if c.key != "de-meister"]


def _profile(cv: LangCV, tmp_path: Path) -> ProfileFacts:
    p = extract_profile(read_cv(str(render(cv, "pdf", tmp_path))).text, today=date(2026, 12, 1))
    return ProfileFacts(name=cv.name, email="me@example.org", location=p.location, skills=p.skills,
                        years_experience=p.years_experience, titles_held=p.titles_held,
                        experience=[e.model_dump() for e in p.experience],
                        education=[e.model_dump() for e in p.education], languages=p.languages)


@pytest.mark.parametrize("cv", LANG_CVS, ids=[c.key for c in LANG_CVS])
def test_a_real_cv_gets_a_grounded_letter_in_the_posting_s_language(cv: LangCV, tmp_path: Path) -> None:
    profile = _profile(cv, tmp_path)
    title, company, city, description = POSTINGS[cv.lang]
    posting = PostingData(source="t", external_id=cv.key, title=title, company=company, location=city,
                          description=description, language=cv.lang)
    match = MatchResult(posting=posting, score=80,
                        matched_skills=[s for s in profile.skills if s.lower() in description.lower()])
    notes = f"- 4 open roles at {company} among the postings found.\n- Locations: {city}, Porto."
    letter, warnings = write_grounded_letter(profile, match, notes)
    assert warnings == [], warnings  # every true fact (employer, city, company, years) accepted
    ph = Phrases(cv.lang)
    assert letter.startswith(ph.say("greeting", company=company) + "\n")
    assert ph.say("sign_off") in letter and company in letter
    assert cv.jobs[0].employer in letter  # the current employer, named after the language's preposition
    assert ungrounded_claims(letter, profile, match, notes) == []

    lines = letter.split("\n")
    lines[2] = f"{lines[2]} {INVENTED[cv.lang]}"  # a model adds an employer the CV never held
    repaired, problems = repair_letter("\n".join(lines), profile, match, notes)
    assert [p for p in problems if p.startswith("employer Globex")], problems
    assert repaired is not None and "Globex" not in repaired and cv.jobs[0].employer in repaired
