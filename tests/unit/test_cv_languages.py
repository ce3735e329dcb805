"""CVs in German, Dutch, French, Spanish and Portuguese (issue 25 §5, issue 26 §2): generated from a
structured truth (tests/cv_languages.py) and read back as Markdown, plain text, PDF and DOCX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jobagent.cv import extract_profile
from jobagent.cv.dates import find_range
from jobagent.cv.places import find_location
from jobagent.cv.sections import heading_kind
from jobagent.cv.spoken import spoken_languages
from jobagent.cv.titles import written_level
from jobagent.text import fold, month_number
from tests.cv_languages import CVS, LAYOUTS, TODAY, LangCV, render
from tests.cv_reading import parse_cv_file

_TODAY = date(TODAY[0], TODAY[1], 1)


def _read(cv: LangCV, layout: str, tmp_path: Path) -> tuple[str, object]:
    text = parse_cv_file(str(render(cv, layout, tmp_path))).text
    return text, extract_profile(text, today=_TODAY)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cv", CVS, ids=[c.key for c in CVS])
def test_every_field_in_every_layout(cv: LangCV, layout: str, tmp_path: Path) -> None:
    text, p = _read(cv, layout, tmp_path)
    assert p.location == cv.location  # type: ignore[attr-defined]
    entries = p.experience  # type: ignore[attr-defined]
    assert [(e.title_as_written, e.employer, e.start, e.end) for e in entries] == \
        [(j.clean_title, j.employer.rstrip("."), j.start, j.end) for j in cv.jobs]
    current = [e for e in entries if e.current]
    assert [(e.title_as_written, e.employer) for e in current] == [(cv.jobs[0].clean_title, cv.jobs[0].employer)]
    assert abs((p.years_experience or 0) - cv.years) <= 1, p.years_experience  # type: ignore[attr-defined]
    assert p.level == cv.level  # type: ignore[attr-defined]
    assert p.languages == list(cv.languages)  # type: ignore[attr-defined]
    assert p.cv_language == cv.lang  # type: ignore[attr-defined]
    titles = p.suggested_titles  # type: ignore[attr-defined]
    assert titles[0] == cv.first_title, titles
    # Every suggestion is one of the person's own titles, in the CV's language: nothing they never wrote.
    assert all(fold(t) in fold(text) for t in titles), titles
    if cv.apprenticeship:
        assert cv.apprenticeship in [e.degree for e in p.education], p.education  # type: ignore[attr-defined]
        assert cv.apprenticeship not in [e.title_as_written for e in entries]


@pytest.mark.parametrize("written, expected", [
    ("seit 09/2022", ("2022-09", None)),
    ("09/2019 – heute", ("2019-09", None)),
    ("März 2018 bis Juni 2020", ("2018-03", "2020-06")),
    ("sinds 2021", ("2021-01", None)),
    ("2019 – heden", ("2019-01", None)),
    ("depuis 2020", ("2020-01", None)),
    ("desde 2018 – actualidad", ("2018-01", None)),
    ("2017 – atual", ("2017-01", None)),
    ("2022-03 – heute", ("2022-03", None)),
    ("janvier 2019 – présent", ("2019-01", None)),
    ("juil. 2019 – déc. 2020", ("2019-07", "2020-12")),
    ("marzo de 2015 a junio de 2018", ("2015-03", "2018-06")),
    ("setembro de 2017 até ao presente", ("2017-09", None)),
    ("maart 2016 tot heden", ("2016-03", None)),
    ("von 03.2015 bis 08.2016", ("2015-03", "2016-08")),
])
def test_date_ranges_in_each_language(written: str, expected: tuple[str, str | None]) -> None:
    found = find_range(f"Elektroniker, Acme GmbH, {written}")
    assert found is not None and found.iso() == expected


def test_month_names_in_all_six_languages() -> None:
    assert [month_number(m) for m in ("März", "mrt", "février", "agosto", "outubro", "Dezember", "juil.")] == \
        [3, 3, 2, 8, 10, 12, 7]


@pytest.mark.parametrize("line, kind", [
    ("Berufserfahrung", "experience"), ("Beruflicher Werdegang", "experience"), ("Werdegang", "experience"),
    ("Schulischer Werdegang", "education"), ("**Kenntnisse**", "skills"), ("#### Fähigkeiten", "skills"),
    ("SPRACHEN", "languages"), ("Profil", "summary"), ("Werkervaring", "experience"), ("Opleiding", "education"),
    ("Vaardigheden", "skills"), ("Talen", "languages"), ("Profiel", "summary"),
    ("Expérience professionnelle", "experience"), ("Formation", "education"), ("Compétences", "skills"),
    ("Langues", "languages"), ("Experiencia profesional", "experience"), ("Educación", "education"),
    ("Habilidades", "skills"), ("Idiomas", "languages"), ("Perfil", "summary"),
    ("Experiência profissional", "experience"), ("Formação", "education"), ("Competências", "skills"),
    ("Línguas", "languages"),
])
def test_headings_in_six_languages(line: str, kind: str) -> None:
    found = heading_kind(line)
    assert found is not None and found[0] == kind


def test_a_sentence_is_not_a_heading() -> None:
    assert heading_kind("Erfahrung in der SPS-Programmierung") is None


@pytest.mark.parametrize("header, location", [
    ("80797 München", "München"), ("28006 Madrid", "Madrid"), ("3011 AB Rotterdam", "Rotterdam"),
    ("75011 Paris", "Paris"), ("1200-195 Lisboa", "Lisboa"), ("Leeds LS6", "Leeds"),
    ("Brooklyn, NY 11201", "Brooklyn, NY"), ("Hauptstraße 1, 20457 Hamburg, Deutschland", "Hamburg, Deutschland"),
])
def test_postcode_and_city_is_the_location(header: str, location: str) -> None:
    assert find_location(f"Jane Doe\n{header} · jane@example.org\n", [header]) == location


def test_the_header_place_wins_over_an_employer_line() -> None:
    text = ("# Lucía Fernández\n\nEnfermera · Madrid, España · lucia@example.org\n\n## Experiencia\n\n"
            "### Enfermera — Hospital La Paz, Madrid\n")
    assert find_location(text, [line for line in text.splitlines() if line][:10]) == "Madrid, España"
    assert find_location("Enfermera\nHospital La Paz, Madrid\n", ["Enfermera", "Hospital La Paz, Madrid"]) is None


@pytest.mark.parametrize("title, level", [
    ("Elektroniker Geselle", "mid"), ("Facharbeiter Metall", "mid"), ("Staatlich geprüfter Techniker", "senior"),
    ("Elektromeister", "lead"), ("Industriemeister Metall", "lead"), ("Teamleiter Instandhaltung", "lead"),
    ("Praktikant Marketing", "entry"), ("Elektroniker für Betriebstechnik", None),
])
def test_german_vocational_levels(title: str, level: str | None) -> None:
    assert written_level(title) == level


def test_spoken_languages_with_levels() -> None:
    assert spoken_languages(["- Deutsch: Muttersprache", "- Englisch – verhandlungssicher (C1)",
                             "- Französisch: Grundkenntnisse"]) == ["German (native)", "English (C1)", "French (basic)"]


def test_a_teacher_is_not_offered_lecturer_or_tutor(tmp_path: Path) -> None:
    text = "\n".join([
        "# Emma Clarke", "Leeds, UK | emma.clarke@example.org", "", "## Experience",
        "Teacher, Roundhay School, Leeds | Sep 2018 – Present", "- Taught mathematics to classes of 30.",
        "Teacher, Leeds City Academy, Leeds | Sep 2015 – Aug 2018", "- Planned lessons for Key Stage 3.", "",
        "## Education", "PGCE Secondary Mathematics, University of Leeds, 2014 – 2015", "",
        "## Skills", "Lesson planning, classroom management, curriculum development, safeguarding"])
    p = extract_profile(text, today=_TODAY)
    assert p.suggested_titles and not any("Lecturer" in t or "Tutor" in t for t in p.suggested_titles), \
        p.suggested_titles


def test_compound_role_words_only_in_german_and_dutch() -> None:
    from jobagent.cv.entries import is_role

    assert is_role("Industrieelektroniker") and is_role("Berufskraftfahrer") and is_role("Wiskundedocent")
    assert not is_role("Discharge planning")  # the French "chargé" never ends an English word
