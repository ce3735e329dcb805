"""PDF pages read in order from glyph positions (jobagent/cv/pdf_words.py + pdf_layout.arrange, issue 26 §2).

Each PDF is drawn on the spot with reportlab and read through ``read_cv_bytes``, as the sandboxed child
reads it: a skills column next to language names is a table, not two columns, because only a bold or
larger line is a heading; a right-aligned date drawn over the end of a long role line stays apart from
it; a wrapped line with a hanging indent is joined to the line it continues.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from jobagent.cv.pdf_words import pdf_pages
from jobagent.cv.readers import read_cv_bytes


def _pdf(path: Path, rows: list[tuple[float, float, str, str]]) -> bytes:
    """(x, y, font, text) drawn one by one, in the order given (the content stream's order)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for x, y, font, text in rows:
        c.setFont(font, 10)
        c.drawString(x, y, text)
    c.save()
    return path.read_bytes()


def test_glyphs_become_runs_with_real_widths_and_weights(tmp_path: Path) -> None:
    data = _pdf(tmp_path / "cv.pdf", [(50, 800, "Helvetica-Bold", "Experience"),
                                      (50, 780, "Helvetica", "Data Engineer, Rheinwerk GmbH"),
                                      (300, 780, "Helvetica", "2019 - 2023")])
    (words,) = list(pdf_pages(data, 5))
    assert [(w.text, w.bold) for w in words] == [("Experience", True), ("Data Engineer, Rheinwerk GmbH", False),
                                                 ("2019 - 2023", False)]
    engineer = words[1]
    assert engineer.x == 50 and 140 < engineer.width < 160  # Helvetica's own widths, not an estimate


def test_a_skill_that_reads_like_a_heading_does_not_split_a_table_into_columns(tmp_path: Path) -> None:
    rows = [(50, 800, "Helvetica", "Grace Murray, 3 Royal Mile, Edinburgh EH1 1YZ, grace.murray@example.net"),
            (50, 770, "Helvetica-Bold", "Toolbox")]
    y = 750.0
    for skill in ("MS Project", "AutoCAD", "Revit", "Structural Analysis"):
        rows.append((190, y, "Helvetica", skill))
        y -= 15
    rows.append((50, y, "Helvetica-Bold", "Languages"))
    y -= 15
    for name, level in (("English", "native"), ("French", "basic"), ("German", "B1")):
        rows += [(50, y, "Helvetica", name), (190, y, "Helvetica", level)]
        y -= 15
    text = read_cv_bytes("cv.pdf", _pdf(tmp_path / "cv.pdf", rows)).text
    lines = text.splitlines()
    assert "English | native" in lines and "French | basic" in lines and "German | B1" in lines, text


def test_a_right_aligned_date_over_a_long_line_stays_apart(tmp_path: Path) -> None:
    c = canvas.Canvas(str(tmp_path / "cv.pdf"), pagesize=A4)
    c.setFont("Helvetica-Bold", 10)
    role = "Ibérica Servicios S.L. — Planificador logístico, Barcelona, Cataluña"
    c.drawString(220, 700, role)
    c.setFont("Helvetica", 10)
    c.drawRightString(555, 700, "desde 05/2023")  # drawn over the role's last words
    c.save()
    text = read_cv_bytes("cv.pdf", (tmp_path / "cv.pdf").read_bytes()).text
    assert "desde 05/2023" in text and "Cataluñadesde" not in text and "Barcelonadesde" not in text, text


def test_a_wrapped_line_with_a_hanging_indent_continues_the_line_above(tmp_path: Path) -> None:
    rows = [(220, 700, "Helvetica", "2014 – 2016  Mestrado em Ciências Farmacêuticas, Universidade do"),
            (220, 685, "Helvetica", "  Porto"),
            (220, 670, "Helvetica", "2011 – 2014  Curso Técnico, Universidade de Coimbra")]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    edge = 220 + stringWidth(rows[0][3], "Helvetica", 10)
    rows.append((edge - 60, 655, "Helvetica", "Fim da linha."))  # a line that also ends at the edge, not indented
    lines = read_cv_bytes("cv.pdf", _pdf(tmp_path / "cv.pdf", rows)).text.splitlines()
    assert "2014 – 2016 Mestrado em Ciências Farmacêuticas, Universidade do Porto" in lines, lines
    assert "2011 – 2014 Curso Técnico, Universidade de Coimbra" in lines, lines


def test_the_reader_stops_at_its_glyph_cap(tmp_path: Path) -> None:
    import pytest

    from jobagent.cv.pdf_words import TooMuchText
    from jobagent.errors import InvalidInput

    data = _pdf(tmp_path / "cv.pdf", [(50, 800 - 12 * n, "Helvetica", "Experienced data engineer, Python.")
                                      for n in range(20)])
    assert len(list(pdf_pages(data, 5, max_glyphs=10_000))) == 1
    with pytest.raises(TooMuchText):
        list(pdf_pages(data, 5, max_glyphs=300))  # 20 lines of 30 glyphs
    with pytest.raises(InvalidInput, match="more than 300 characters of text"):
        read_cv_bytes("cv.pdf", data, max_chars=300)
