"""CV reading and extraction on real files: PDFs from reportlab, DOCX from python-docx, plain text."""

from __future__ import annotations

import zipfile
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from jobagent.cv import extract_profile
from jobagent.cv.vocabulary import occupations, skills
from jobagent.errors import InvalidInput
from tests.cv_reading import read_cv
from tests.documents import make_pdf

TODAY = date(2026, 11, 28)

PDF_LINES = [
    "Priya Sharma",
    "Location: Amsterdam, Netherlands",
    "priya.sharma@example.net | Phone: +31 6 1234 5678",
    "",
    "Summary",
    "Backend Engineer who enjoys going deep on performance problems in distributed systems.",
    "",
    "Experience",
    "Senior Backend Engineer, Canalbank, Jan 2019 - Present",
    "Services in Go and C++ on k8s, storage in postgres, queues in Apache Kafka.",
    "Software Engineer, Tulip Labs, Sep 2015 - Dec 2018",
    "Built internal tools in Python and C# and ran the Jenkins CI/CD setup.",
    "",
    "Education",
    "M.Sc. Computer Science, TU Delft, 2010 - 2015",
]


def _make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Lisbon, Portugal | marco.rossi@example.com"
    for line in ["Marco Rossi", "Data Scientist", "", "Work Experience",
                 "Data Scientist at Oceanic Retail, Mar 2017 - Jun 2022",
                 "Forecasting demand with scikit-learn and PyTorch; dashboards in Tableau.",
                 "Data Analyst at Farol Insights, 2014 - 2017",
                 "Reporting and A/B testing for e-commerce clients using SQL and pandas."]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Core skills"
    table.cell(0, 1).text = "Machine Learning, Statistics, Apache Spark"
    table.cell(1, 0).text = "Languages"
    table.cell(1, 1).text = "Italian, English, Portuguese"
    document.add_paragraph("Education")
    document.add_paragraph("B.Sc. Statistics, Universidade de Lisboa, 2008 - 2013")
    document.save(str(path))
    return path


def test_pdf_cv_is_read_and_extracted(tmp_path: Path) -> None:
    doc = read_cv(str(make_pdf(tmp_path / "cv.pdf", PDF_LINES)))
    assert doc.kind == "pdf" and "Canalbank" in doc.text
    p = extract_profile(doc.text, today=TODAY)
    assert p.location == "Amsterdam, Netherlands"
    expected = {"Go", "C++", "Kubernetes", "PostgreSQL", "Apache Kafka", "Python", "C#", "Jenkins", "CI/CD"}
    assert expected <= set(p.skills)
    assert "C" not in p.skills  # "C++" and "C#" are not the C language
    # Titles held come from the entries, with their level (issue 13); suggestions stay at that level.
    assert p.titles_held == ["Senior Backend Engineer", "Software Engineer"]
    assert p.suggested_titles[:2] == ["Senior Backend Engineer", "Senior Software Engineer"]
    assert all(t.startswith("Senior ") for t in p.suggested_titles)
    assert [(e.employer, e.start, e.end) for e in p.experience] == [("Canalbank", "2019-01", None),
                                                                     ("Tulip Labs", "2015-09", "2018-12")]
    # Sep 2015 to Nov 2026; the 2010 - 2015 degree is study, not work.
    assert p.years_experience == 11


def test_docx_cv_with_header_and_table(tmp_path: Path) -> None:
    doc = read_cv(str(_make_docx(tmp_path / "cv.docx")))
    assert doc.kind == "docx"
    assert doc.text.splitlines()[0].startswith("Lisbon, Portugal")  # the page header comes first
    assert "Machine Learning, Statistics, Apache Spark" in doc.text  # table cells are read
    p = extract_profile(doc.text, today=TODAY)
    assert p.location == "Lisbon, Portugal"
    assert {"scikit-learn", "PyTorch", "Tableau", "SQL", "Pandas", "Machine Learning", "Apache Spark",
            "A/B Testing", "Italian"} <= set(p.skills)
    assert p.titles_held == ["Data Scientist", "Data Analyst"]
    assert p.years_experience == 8  # Jan 2014 to Jun 2022


def test_sample_cv_for_demo() -> None:
    source = str(resources.files("jobagent") / "data" / "sample_cv.md")
    p = extract_profile(read_cv(source).text)
    assert p.location == "Berlin, Germany"
    assert p.suggested_titles[0] == "Senior Backend Engineer"  # the current title, at its level
    assert [e.employer for e in p.experience][:2] == ["Parcelway GmbH", "Brightpath Analytics"]
    assert p.years_experience == 7  # stated explicitly, so it does not drift with today's date
    assert {"Python", "PostgreSQL", "Redis", "Docker", "Kubernetes", "AWS", "SQL", "Django", "FastAPI", "Git",
            "CI/CD"} <= set(p.skills)


FILLER = " ".join(["worked on many different things with several teams across the company"] * 4)


@pytest.mark.parametrize(
    ("snippet", "present", "absent"),
    [
        ("We are going to Google with Django and MongoDB. Go-to-market.", {"Django", "MongoDB"}, {"Go"}),
        ("Services written in golang, then Go.", {"Go"}, set()),
        ("Worked in R&D. Contact John R. Smith.", set(), {"R"}),
        ("Statistics in R, Python/SQL.", {"R", "Python", "SQL", "Statistics"}, set()),
        ("Teams react quickly; we rust-proofed cars.", set(), {"React", "Rust"}),
        ("Frontend in React and TypeScript, JavaScript-based.", {"React", "TypeScript", "JavaScript"}, set()),
        ("Used PostgreSQL and JavaScript daily.", {"PostgreSQL", "JavaScript"}, {"SQL", "Java"}),
        ("Built ASP.NET apps and .NET Core services.", {"ASP.NET", ".NET"}, set()),
        ("See www.python.org and github.com/someone for more.", set(), {"Python", "GitHub"}),
    ],
)
def test_skill_matching_boundaries(snippet: str, present: set[str], absent: set[str]) -> None:
    p = extract_profile(f"Software Engineer. {snippet} {FILLER}")
    assert present <= set(p.skills)
    assert not absent & set(p.skills)


def test_explicit_years_win_and_titles_are_found_in_spelling_variants() -> None:
    text = (f"Senior Back-end Engineer with 4+ years of professional experience. Full-stack Developer, "
            f"2001 - 2020. {FILLER}")
    p = extract_profile(text, today=TODAY)
    assert p.years_experience == 4
    # One dated line, one entry: its title is the held title (titles come from entries, issue 13).
    assert p.titles_held == ["Senior Backend Engineer"]


def test_titles_suggested_from_skills_when_none_held() -> None:
    text = f"Jo Bloggs\nI build things with Python, SQL, Airflow and Apache Spark every day. {FILLER}"
    p = extract_profile(text)
    assert p.titles_held == []
    assert p.suggested_titles[0] == "Data Engineer" and len(p.suggested_titles) <= 5
    assert p.location is None and p.years_experience is None


def test_vocabularies_are_consistent() -> None:
    known = skills()
    occ = occupations()
    assert len(known) >= 450 and len(occ.by_title) >= 600
    # Every key skill and related title an occupation names exists, so suggestions can be built from them.
    assert {s for o in occ.by_title.values() for s in o.skills} <= set(known)
    assert {r for o in occ.by_title.values() for r in o.related} <= set(occ.forms)


def _error(source: str, **kwargs) -> str:
    with pytest.raises(InvalidInput) as info:
        read_cv(source, **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_bad_files_are_refused_with_one_clear_line(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4 garbage")
    assert _error(str(corrupt)).startswith(f"CV file is not a readable PDF: {corrupt} (")
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"just some words")
    assert "not a readable PDF" in _error(str(fake))
    assert _error(str(tmp_path / "nope.pdf")) == f"CV file not found: {tmp_path / 'nope.pdf'}"
    assert "directory" in _error(str(tmp_path))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n ")
    assert _error(str(empty)) == f"CV is empty: {empty}"
    odd = tmp_path / "cv.xyz"
    odd.write_text("Python developer")
    message = _error(str(odd))
    assert "unsupported CV file type .xyz" in message and "PDF" in message and ".docx" in message
    archive = tmp_path / "cv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("notes.txt", "hello")
    assert "not a Word document" in _error(str(archive))
    big = tmp_path / "big.txt"
    big.write_text("Python " * 400)
    assert "larger than 1 KB" in _error(str(big), max_bytes=1024)


def test_scanned_and_encrypted_pdfs(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    scanned = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scanned))
    c.rect(50, 50, 200, 200, fill=1)  # a drawing and no text or image: nothing to read, not even by OCR
    c.save()
    assert "CV PDF is empty" in _error(str(scanned))

    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=PdfReader(str(make_pdf(tmp_path / "plain.pdf", PDF_LINES))))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(str(locked))
    assert "password-protected" in _error(str(locked))


def test_text_files_fall_back_to_latin1_and_markdown_is_read(tmp_path: Path) -> None:
    latin = tmp_path / "cv.txt"
    head = "José Muñoz\nLocation: Málaga, Spain\n".encode("latin-1")
    latin.write_bytes(head + FILLER.encode() + b" Python")
    doc = read_cv(str(latin))
    assert doc.kind == "text" and doc.text.startswith("José Muñoz")
    assert extract_profile(doc.text).location == "Málaga, Spain"
    renamed = tmp_path / "cv.md"
    renamed.write_bytes(make_pdf(tmp_path / "x.pdf", PDF_LINES).read_bytes())
    assert read_cv(str(renamed)).kind == "pdf"  # the bytes decide, not the name


def test_non_cv_text_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "list.txt"
    short.write_text("hello world\nmilk\neggs\nbread\n")
    with pytest.raises(InvalidInput, match="does not look like a CV: only 5 words"):
        extract_profile(read_cv(str(short)).text)
    shopping = ("hello world, shopping list for the weekend: milk, eggs, bread, butter, two apples, "
                "bananas, a bag of rice, olive oil, tomatoes, onions, garlic, fresh basil, cheese, "
                "yoghurt, coffee beans, tea, orange juice, dish soap and kitchen paper. Call grandma.")
    with pytest.raises(InvalidInput, match="not look like a CV: no skills, job titles or experience found"):
        extract_profile(shopping)
