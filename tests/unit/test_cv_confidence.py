"""The grades the profile gives each field it reads from a CV (jobagent.cv.confidence, issue 26 §3)."""

from __future__ import annotations

from datetime import date

import pytest

from jobagent.cv.confidence import CONFIDENCE_KEY, split_edits, uncertain
from jobagent.cv.extraction import extract_profile

TODAY = date(2026, 12, 15)
BODY = """
Experience
Senior Accountant, Grant Thornton, 03/2019 – Present
- Prepared monthly management accounts and VAT returns in Sage and Microsoft Excel.
- Led the month-end close for twelve clients and trained two junior colleagues.
Accountant, KPMG, 01/2014 – 02/2019
- Bookkeeping, payroll and financial reporting for small businesses.

Education
BA Accounting, University of Leeds, 2010 – 2013

Skills
Bookkeeping, Financial Reporting, Sage, Microsoft Excel, Payroll

Languages
English (native), French (B2)
"""


def _grades(text: str) -> dict[str, object]:
    return extract_profile(text, today=TODAY).confidence


@pytest.mark.parametrize(("header", "location", "grade"), [
    ("Jane Doe\n12 Park Row, Leeds LS6 1AA\njane@example.org", "Leeds", "high"),  # postcode + city in the header
    ("Jane Doe\nAddress: 4 Quay St, Galway\njane@example.org", "4 Quay St", "high"),  # labelled
    ("Jane Doe\njane@example.org", None, "missing"),
])
def test_location_grade_follows_where_it_was_found(header: str, location: str | None, grade: str) -> None:
    profile = extract_profile(header + "\n" + BODY, today=TODAY)
    assert (location is None) == (profile.location is None)
    if location:
        assert location in (profile.location or "")
    assert profile.confidence["location"] == grade


def test_a_city_only_on_an_employer_line_is_low() -> None:
    text = "Jane Doe\njane@example.org\n" + BODY.replace(
        "Senior Accountant, Grant Thornton, 03/2019", "Senior Accountant | Grant Thornton | Manchester | 03/2019", 1)
    profile = extract_profile(text, today=TODAY)
    # No home address: the only place is where the current job is, which may not be where she lives.
    assert profile.location and "Manchester" in profile.location
    assert profile.confidence["location"] == "low"


def test_a_title_that_states_its_level_is_sure_a_bare_one_is_inferred() -> None:
    senior = _grades("Jane Doe\nLeeds LS6 1AA\n" + BODY)
    assert senior["level"] == "high" and senior["years_experience"] == "high" and "level" not in uncertain(senior)
    bare = _grades("Jane Doe\nLeeds LS6 1AA\n" + BODY.replace("Senior Accountant", "Accountant"))
    assert bare["level"] == "medium" and "level" in uncertain(bare)


def test_entry_parts_not_found_are_missing() -> None:
    text = "Jane Doe\nLeeds LS6 1AA\n" + BODY.replace("Accountant, KPMG, 01/2014", "Accountant   01/2014")
    grades = _grades(text)
    entries = grades["entries"]
    assert isinstance(entries, list) and entries[1]["employer"] == "missing" and entries[0]["employer"] == "high"
    assert grades["experience"] == "missing" and "experience" in uncertain(grades)


def test_languages_named_only_in_passing_are_low_and_none_at_all_missing() -> None:
    text = "Jane Doe\nLeeds LS6 1AA\n" + BODY.split("\nSkills")[0] + "\nAlso fluent in French and English."
    profile = extract_profile(text, today=TODAY)
    assert profile.languages == ["French", "English"] and profile.confidence["languages"] == "low"
    assert _grades("Jane Doe\nLeeds LS6 1AA\n" + BODY.split("\nLanguages")[0])["languages"] == "missing"


def test_an_edit_settles_the_field_it_changes() -> None:
    stored = {"location": "Leeds", CONFIDENCE_KEY: {"location": "missing", "level": "medium", "skills": "high"}}
    edits, grades = split_edits(stored)
    assert edits == {"location": "Leeds"}
    assert grades == {"location": "edited", "level": "medium", "skills": "high"}
    assert uncertain(grades) == ["level"]


PT_TEACHER = """Ana Costa
Rua Ferreira Borges 5, 3000-141 Coimbra
Experiência profissional
Professora de matemática, Escola Secundária José Falcão, Coimbra, 09/2016 – atual
- Planificação de aulas e avaliação de turmas do ensino secundário.
Professora de matemática, Colégio São Teotónio, Coimbra, 09/2012 – 07/2016
- Preparação de alunos para os exames nacionais de matemática.
Formação
Mestrado em Ensino da Matemática, Universidade de Coimbra (2012)
Línguas
Português (nativo)
Inglês (C1)
"""


def test_a_portuguese_professor_is_a_school_teacher_unless_the_title_says_university() -> None:
    profile = extract_profile(PT_TEACHER.replace("Professora", "Professor"), today=TODAY)
    assert profile.cv_language == "pt"
    assert [e.title for e in profile.experience] == ["Teacher", "Teacher"]
    assert profile.level == "senior" and profile.confidence["level"] == "medium"  # 14 years, a bare title
    assert not {"Professor", "Lecturer"} & set(profile.suggested_titles), profile.suggested_titles
    chair = extract_profile(PT_TEACHER.replace("Professora de matemática, Escola Secundária José Falcão",
                                               "Professor Auxiliar, Universidade de Coimbra", 1), today=TODAY)
    assert chair.experience[0].title == "Professor"
