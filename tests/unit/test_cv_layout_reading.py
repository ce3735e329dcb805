"""The CV parser reads layout, not only lines (issue 26 §2): page footers, headings and entry shapes that
real templates use. Each CV here is built on the spot (python-docx, plain text) and read as the worker does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jobagent.cv import extract_profile
from tests.cv_reading import parse_cv_file

TODAY = date(2026, 11, 28)
BODY = ["Anna Weber", "Data Engineer", "", "Experience",
        "Data Engineer, Rheinwerk GmbH, Köln, 2019 - Present",
        "Built batch pipelines in Python and Apache Airflow for the finance team.",
        "Analyst, Nordlicht AG, Hamburg, 2015 - 2019",
        "Reporting in SQL and Tableau for twelve regional sales offices.",
        "", "Education", "B.Sc. Informatik, Universität Hamburg, 2011 - 2015"]


def test_docx_city_only_in_the_page_footer(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "anna.weber@example.org | +49 160 1234567"
    document.sections[0].footer.paragraphs[0].text = "Lindenstraße 4, 80797 München, Deutschland"
    for line in BODY:
        document.add_paragraph(line)
    path = tmp_path / "cv.docx"
    document.save(str(path))
    text = parse_cv_file(str(path)).text
    assert text.splitlines()[0].startswith("anna.weber@")  # header first, footer last: document order
    assert text.splitlines()[-1] == "Lindenstraße 4, 80797 München, Deutschland"
    assert extract_profile(text, today=TODAY).location == "München, Deutschland"


def test_page_footer_line_beats_the_current_jobs_place() -> None:
    text = "\n".join(["anna.weber@example.org · +49 160 1234567", *BODY,
                      "Anna Weber · 80797 München · Seite 1"])
    assert extract_profile(text, today=TODAY).location == "München"


def test_unknown_title_takes_the_place_the_other_entries_show() -> None:
    text = "\n".join(["Théo Dubois", "5 place du Capitole, 31000 Toulouse, France", "", "Expérience professionnelle",
                      "Atelier Martin SAS — Responsable logistique, Toulouse | 2024 – 2026",
                      "• Mise en place de SAP MM et de Incoterms, 20 collègues formés.",
                      "Vinci Construction — Planificateur logistique, Toulouse | 2019 – 2023",
                      "• Utilisation quotidienne de Inventory Management dans une équipe de 16 personnes."])
    entries = extract_profile(text, today=TODAY).experience
    assert [(e.title_as_written, e.employer) for e in entries] == [
        ("Responsable logistique", "Atelier Martin SAS"), ("Planificateur logistique", "Vinci Construction")]


def test_two_word_headings_and_institution_names_of_the_six_languages() -> None:
    text = "\n".join(["Sanne de Vries", "3011 AB Rotterdam", "", "Werkervaring",
                      "Verpleegkundige, Erasmus MC, Rotterdam, 2019 – heden",
                      "– Dagelijks werken met Wound Care en Triage in een team van 22 mensen.",
                      "Opleidingen en cursussen", "Bachelor Verpleegkunde, Fontys Hogescholen (2018)",
                      "Languages spoken", "Nederlands (moedertaal)", "Engels: C1"])
    p = extract_profile(text, today=TODAY)
    assert [(e.institution, e.end_year) for e in p.education] == [("Fontys Hogescholen", 2018)]
    assert p.languages == ["Dutch (native)", "English (C1)"]


def test_unknown_titles_beside_organisation_names() -> None:
    text = "\n".join(["Jürgen Huber", "70173 Stuttgart", "", "Berufserfahrung",
                      "Kommunikationsdesigner, Nordlicht AG, Stuttgart   2022 – heute",
                      "- Einführung von Figma, Schulung von 21 Kollegen.",
                      "Grafikdesignerin, Huber & Partner GmbH, Stuttgart   2014 – 2019",
                      "- Täglicher Einsatz von Adobe Illustrator in einem Team von 4 Personen."])
    entries = extract_profile(text, today=TODAY).experience
    assert [(e.title_as_written, e.employer) for e in entries] == [
        ("Kommunikationsdesigner", "Nordlicht AG"), ("Grafikdesignerin", "Huber & Partner GmbH")]


def test_language_levels_in_their_own_table_cell() -> None:
    text = "\n".join(["Anna Weber", "70173 Stuttgart", "", "Berufserfahrung",
                      "Personalreferentin, Nordlicht AG, Stuttgart   2018 – heute",
                      "• Täglicher Einsatz von Onboarding und HRIS in einem Team von 11 Personen.",
                      "Sprachen", "Deutsch   Muttersprache", "Spanisch   Grundkenntnisse", "Englisch | C1"])
    assert extract_profile(text, today=TODAY).languages == ["German (native)", "Spanish (basic)", "English (C1)"]


def test_a_job_word_in_a_title_is_not_a_skill() -> None:
    text = "\n".join(["Tom Baker", "Leeds LS6 1AA", "", "Experience",
                      "Head Chef, The Old Bell Hotel, Leeds   2019 – Present",
                      "– Ran menu planning and food safety (HACCP) for a kitchen team of 12.",
                      "Sous Chef, Harbour Restaurant, York   2015 – 2019",
                      "– Introduced stock control and trained 4 colleagues."])
    assert "Chef" not in extract_profile(text, today=TODAY).skills
    ops = text + "\n\nSkills\nChef, Ansible, Terraform"
    assert "Chef" in extract_profile(ops, today=TODAY).skills  # named outside the titles: the tool
