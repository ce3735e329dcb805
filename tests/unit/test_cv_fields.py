"""Structured CVs of 19 professions in six layouts, plus the three cases measured on main (issue 13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jobagent.cv import extract_profile
from jobagent.cv.dates import find_range
from jobagent.cv.extraction import years_from_entries
from jobagent.cv.schema import ExperienceEntry, ExtractedProfile
from jobagent.cv.titles import in_band, person_level
from jobagent.cv.vocabulary import LEVEL_RANK, find_skills, occupations, parse_title
from tests import cv_corpus as corpus
from tests.cv_reading import parse_cv_file

TODAY = date(2026, 11, 28)
FIELDS = {c.key for c in corpus.CASES}


def _profile(case: corpus.Case, fmt: str, tmp_path: Path) -> ExtractedProfile:
    doc = parse_cv_file(str(corpus.write(case, fmt, tmp_path)))
    return extract_profile(doc.text, today=TODAY)


def _check(p: ExtractedProfile, case: corpus.Case) -> None:
    assert p.location == case.location
    assert p.level == case.level
    assert p.titles_held == case.titles
    assert case.key_skills <= set(p.skills), case.key_skills - set(p.skills)
    assert abs((p.years_experience or 0) - case.years) <= 1 and p.years_experience == case.years
    assert p.suggested_titles, "a real CV never ends without titles to search for"
    _, band = person_level(occupations().by_title.get(case.titles[0]), case.years)
    assert all(in_band(t, band) for t in p.suggested_titles), (band, p.suggested_titles)
    assert len({t.lower() for t in p.suggested_titles}) == len(p.suggested_titles)
    assert [e.employer for e in p.experience] == [j.employer for j in case.jobs]
    assert [e.bullets for e in p.experience] == [j.bullets for j in case.jobs]


def test_corpus_covers_the_fields() -> None:
    assert len(FIELDS) >= 18
    assert {"software", "data", "infrastructure", "mechanical", "electrical", "civil", "healthcare", "pharmacy",
            "accounting", "sales", "marketing", "hr", "education", "hospitality", "logistics", "legal", "design",
            "trades"} <= FIELDS


@pytest.mark.parametrize("fmt", corpus.FORMATS)
@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.key)
def test_every_field_in_every_layout(case: corpus.Case, fmt: str, tmp_path: Path) -> None:
    p = _profile(case, fmt, tmp_path)
    _check(p, case)
    assert p.field == case.key  # every case key is the name of its field
    assert p.education and p.education[0].degree


def test_manufacturing_engineer_two_column_pdf_table(tmp_path: Path) -> None:
    case = corpus.MANUFACTURING
    p = _profile(case, "pdf_table", tmp_path)
    _check(p, case)
    assert p.years_experience == 12  # the stated figure
    assert p.field == "mechanical"
    assert {"P.Eng", "Six Sigma Green Belt"} <= set(p.certifications)
    assert p.suggested_titles[0] == "Senior Manufacturing Engineer"
    assert not any(t.startswith(("Junior", "Graduate")) for t in p.suggested_titles)
    first = p.experience[0]
    assert (first.employer, first.location, first.start, first.current) == \
        ("Magna International", "Toronto, ON", "2020-01", True)


def test_junior_accountant_docx_tables_internship_does_not_count(tmp_path: Path) -> None:
    case = next(c for c in corpus.CASES if c.key == "accounting")
    p = _profile(case, "docx_tables", tmp_path)
    _check(p, case)
    assert p.years_experience == 2  # Feb 2024 to Nov 2026; the 3-month internship of 2023 is not counted
    assert p.experience[-1].internship and p.experience[-1].title == "Finance Intern"
    assert not any("Senior" in t for t in p.suggested_titles)
    assert {"Junior Accountant", "Accountant"} <= set(p.suggested_titles)
    assert p.location == "Dublin 8, Ireland"


def test_senior_sre_terse_text_with_month_year_ranges() -> None:
    p = extract_profile(corpus.SRE_TEXT, today=TODAY)
    assert p.titles_held == corpus.SRE.titles
    assert p.years_experience == 17 and p.level == "senior" and p.location == "Amsterdam, NL"
    assert corpus.SRE.key_skills <= set(p.skills)
    titles = p.suggested_titles
    assert "Senior Site Reliability Engineer" in titles and "Staff Site Reliability Engineer" in titles
    assert any("Platform" in t for t in titles) and any("Infrastructure" in t for t in titles)
    assert not any("Linux Administrator" in t or t.endswith("Systems Engineer") for t in titles)
    assert not {"SRE", "Site Reliability Engineer"} & set(titles)  # one canonical title, at the level
    assert [(e.start, e.end) for e in p.experience] == [("2016-03", None), ("2012-06", "2016-02"),
                                                        ("2009-11", "2012-05")]


def test_icu_nurse_is_not_offered_lesser_roles(tmp_path: Path) -> None:
    case = next(c for c in corpus.CASES if c.key == "healthcare")
    p = _profile(case, "pdf", tmp_path)
    assert p.years_experience == 7
    assert "Patient Assessment" in p.skills
    assert not any(("Assistant" in t or "Care Worker" in t) for t in p.suggested_titles)
    assert "Senior ICU Nurse" in p.suggested_titles


def test_no_recognised_title_still_gets_titles_from_field_and_skills() -> None:
    text = ("Jo Bloggs\nDublin, Ireland\nExperience\nMar 2019 – Present, Byrne Holdings\n"
            "- Prepared VAT returns, bank reconciliations and year-end accounts on Xero and Sage.\n"
            + "I keep books tidy and deadlines met for small firms across the city every single month. " * 3)
    p = extract_profile(text, today=TODAY)
    assert p.field == "accounting" and p.suggested_titles
    assert all(occupations().by_title[t].field == "accounting" for t in p.suggested_titles)


@pytest.mark.parametrize(("line", "start", "end"), [
    ("Mar 2019 – Present", (2019, 3), None),
    ("03/2016 – present", (2016, 3), None),
    ("2019–2021", (2019, 1), (2021, 1)),
    ("Sept. 2020 to date", (2020, 9), None),
    ("January 2015 - June 2018", (2015, 1), (2018, 6)),
    ("since 2020", (2020, 1), None),
    ("06.2012 — 02.2016", (2012, 6), (2016, 2)),
])
def test_date_forms(line: str, start: tuple[int, int], end: tuple[int, int] | None) -> None:
    found = find_range(f"Engineer, Acme, {line}")
    assert found is not None and found.start == start and found.end == end


def test_years_are_the_union_of_work_intervals() -> None:
    entries = [ExperienceEntry(title="A", start="2015-01", end="2018-12"),
               ExperienceEntry(title="B", start="2017-01", end="2019-12"),  # overlaps: counted once
               ExperienceEntry(title="Intern", start="2012-01", end="2014-12", internship=True)]
    assert years_from_entries(entries, (2026, 11)) == 5


@pytest.mark.parametrize(("text", "skill"), [
    ("CI/CD (GitLab CI)", "GitLab CI"), ("CI/CD (GitLab CI)", "CI/CD"), ("GD&T", "GD&T"), ("k8s", "Kubernetes"),
    ("ACCA", "ACCA"), ("APQP/PPAP", "PPAP"), ("SPC", "Statistical Process Control"), ("P.Eng", "P.Eng"),
    ("ISO 9001:2015", "ISO 9001"), ("year-end accounts", "Year-End Accounts"), ("FRS 102", "FRS 102"),
    ("patient assessment", "Patient Assessment"), ("HACCP", "Food Safety"), ("Lean", "Lean Manufacturing"),
])
def test_alias_forms_resolve_to_canonical_skills(text: str, skill: str) -> None:
    assert skill in find_skills(f"Skills: {text}, teamwork")


def test_occupation_list_has_levels_fields_and_related_titles() -> None:
    occ = occupations()
    assert len(occ.by_title) >= 600
    assert {o.level for o in occ.by_title.values()} == set(LEVEL_RANK)
    assert len({o.field for o in occ.by_title.values()}) >= 18
    assert parse_title("Sr. SRE").title == "Senior Site Reliability Engineer"  # type: ignore[union-attr]
    assert parse_title("ICU Staff Nurse").base == "ICU Nurse"  # type: ignore[union-attr]
    assert parse_title("Nursing Assistant").level == "entry"  # type: ignore[union-attr]


THREE_LINE_HEADERS = """JOHN MURPHY
Galway, Ireland · john.murphy@example.ie · 087 123 4567

PROFESSIONAL SUMMARY
Registered general nurse with a passion for emergency care and patient safety in busy hospitals.

WORK HISTORY
University Hospital Galway — Galway
Emergency Department Staff Nurse
June 2020 – Present
• Triage of up to 40 patients per shift using the Manchester Triage System.
• Cannulation, IV therapy and wound care.

Beaumont Hospital, Dublin
Staff Nurse, Medical Ward
Sept. 2017 to May 2020
• Medication administration and care planning for 28 patients.

EDUCATION
BSc General Nursing
NUI Galway, 2013 - 2017
"""


def test_employer_title_and_dates_on_three_lines() -> None:
    p = extract_profile(THREE_LINE_HEADERS, today=TODAY)
    assert [(e.employer, e.location, e.title, e.start, e.end) for e in p.experience] == [
        ("University Hospital Galway", "Galway", "Emergency Nurse", "2020-06", None),
        ("Beaumont Hospital", "Dublin", "Registered Nurse", "2017-09", "2020-05")]
    assert p.experience[1].bullets == ["Medication administration and care planning for 28 patients."]
    assert (p.education[0].degree, p.education[0].institution, p.education[0].end_year) == \
        ("BSc General Nursing", "NUI Galway", 2017)
    assert p.years_experience == 9 and p.level == "senior" and p.location == "Galway, Ireland"
    assert not any("Assistant" in t for t in p.suggested_titles)


def test_docx_sidebar_in_a_text_box_is_read_once(tmp_path: Path) -> None:
    case = next(c for c in corpus.CASES if c.key == "design")
    doc = parse_cv_file(str(corpus.write_docx_text_box(case, tmp_path / "box.docx")))
    assert doc.text.count(corpus.email_of(case)) == 1  # the VML copy is not read twice
    p = extract_profile(doc.text, today=TODAY)
    assert p.location == case.location
    assert case.key_skills <= set(p.skills)
    assert p.titles_held == case.titles and p.years_experience == case.years
