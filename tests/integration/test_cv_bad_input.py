"""CVs that cannot become a profile are refused with one line and leave no rows (issue 26, "Bad input");
a scanned, image-only PDF is read with Tesseract inside the sandbox, or refused with one line naming the
package when Tesseract is missing.

Real files generated here (pypdf, reportlab, python-docx, Pillow), through the real CLI in embedded mode.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.documents import make_pdf

SCANNED_LINES = ["Sam Lee", "Location: Lyon, France", "sam.lee@example.org", "",
                 "Pastry Chef with 9 years of experience.", "", "Experience",
                 "Pastry Chef, Maison Bernard, 2016 - 2025",
                 "Created seasonal desserts and managed the pastry section.", "",
                 "Skills", "Baking, Chocolate, Sugar work, Food safety"]


def _empty_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(str(path))
    return path


def _locked_pdf(path: Path, algorithm: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(make_pdf(path.with_name("plain.pdf")))))
    writer.encrypt("secret", algorithm=algorithm)
    writer.write(str(path))
    return path


def _empty_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    assert not document.paragraphs and not document.tables  # python-docx's template body is empty
    document.save(str(path))
    return path


def _long_pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for number in range(1, pages + 1):
        c.drawString(50, 800, f"Alex Morgan, Data Engineer: page {number} of my CV")
        c.showPage()
    c.save()
    return path


def scanned_pdf(path: Path, lines: list[str] = SCANNED_LINES) -> Path:
    """An image-only PDF, as a scanner makes it: the text rendered with Pillow, the picture the only page."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=30)
    for number, line in enumerate(lines):
        draw.text((90, 100 + 48 * number), line, fill=0, font=font)
    image.save(str(path), "PDF", resolution=150)
    return path


def _create(tmp_path: Path, cv: Path, *flags: str, **environ: str) -> tuple[int, list[str], str]:
    out = run_cli("profile", "create", "--name", "Sam Lee", "--email", "sam@example.org", "--cv", str(cv),
                  "--wait", *flags, environ={"JOBAGENT_DATA_DIR": str(tmp_path / "data"), **environ})
    return out.returncode, [line for line in out.stderr.splitlines() if line.startswith("error:")], out.stdout


def _rows(tmp_path: Path) -> dict[str, int]:
    database = tmp_path / "data" / "jobagent.sqlite3"
    if not database.exists():
        return {}
    with sqlite3.connect(database) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("runs", "workflow_executions", "cv_documents", "user_profiles")}


@pytest.mark.parametrize("kind, expected", [
    ("empty_pdf", "CV PDF is empty"),
    ("locked_rc4", "password-protected"),
    ("locked_aes", "password-protected"),
    ("empty_docx", "CV is empty"),
    ("forty_pages", "CV PDF has 40 pages; at most 20 are read"),
])
def test_a_cv_that_cannot_be_read_is_refused_with_one_line_and_no_rows(tmp_path: Path, kind: str,
                                                                         expected: str) -> None:
    files = {"empty_pdf": lambda p: _empty_pdf(p / "empty.pdf"),
             "locked_rc4": lambda p: _locked_pdf(p / "locked.pdf", "RC4-128"),
             "locked_aes": lambda p: _locked_pdf(p / "locked.pdf", "AES-256"),
             "empty_docx": lambda p: _empty_docx(p / "empty.docx"),
             "forty_pages": lambda p: _long_pdf(p / "long.pdf", 40)}
    cv = files[kind](tmp_path)
    code, errors, _ = _create(tmp_path, cv)
    assert code == 3 and len(errors) == 1 and expected in errors[0], (code, errors)
    assert str(cv) in errors[0]
    assert not any(_rows(tmp_path).values()), _rows(tmp_path)


def test_the_page_cap_is_a_setting(tmp_path: Path) -> None:
    code, errors, _ = _create(tmp_path, _long_pdf(tmp_path / "long.pdf", 12), JOBAGENT_CV_MAX_PAGES="10")
    assert code == 3 and len(errors) == 1 and "has 12 pages; at most 10 are read" in errors[0], errors


def test_a_scanned_pdf_is_read_with_tesseract(tmp_path: Path) -> None:
    """The profile built from the scan is the one the same lines give as text: city and title included."""
    from jobagent.cv.extraction import extract_profile

    code, errors, out = _create(tmp_path, scanned_pdf(tmp_path / "scan.pdf"), "--json")
    assert code == 0 and not errors, (errors, out)
    result = json.loads(out)["result"]
    truth = extract_profile("\n".join(SCANNED_LINES))
    assert truth.location and "Lyon" in truth.location and truth.titles_held
    assert result["location"] == truth.location
    assert result["titles_held"] == truth.titles_held and result["years_experience"] == truth.years_experience
    assert _rows(tmp_path)["cv_documents"] == 1


def test_a_scanned_pdf_without_tesseract_is_refused_naming_the_package(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "tesseract"
    code, errors, _ = _create(tmp_path, scanned_pdf(tmp_path / "scan.pdf"), JOBAGENT_CV_TESSERACT=str(missing))
    assert code == 3 and len(errors) == 1, errors
    assert "scanned image" in errors[0] and "OCR is not installed" in errors[0] and "tesseract-ocr" in errors[0]
    assert not any(_rows(tmp_path).values()), _rows(tmp_path)
