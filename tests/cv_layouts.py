"""Rendering a tests/cv_truth.py ``Truth`` as a real file in one of ten layouts (issue 26 §1).

PDF (reportlab): one column with the dates on the entry line; two columns with a sidebar (contacts,
skills, languages) where the jobs run oldest first, so the current one is not the first a reader meets;
a table (dates | role); contacts in a page header line with the city only in the footer. DOCX
(python-docx): jobs in a table; paragraphs with Word's bullet or number styles; contacts and skills in a
text box; contacts in the page header with the city only in the page footer. Markdown and plain text
with unusual headings ("Where I have worked", "Berufliche Stationen", "Trayectoria"). Within a layout the
truth's ``Style`` decides date-left or date-right, employer or title first, and the bullet glyph.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cv_corpus import _canvas, add_text_box
from tests.cv_truth import Entry, Truth, level_word
from tests.cv_truth_words import HEADINGS, LANGUAGE_NAMES, SUMMARY

PAGE_FOOT = {"en": "Page", "de": "Seite", "nl": "Pagina", "fr": "Page", "es": "Página", "pt": "Página"}


def heading(t: Truth, kind: str) -> str:
    return HEADINGS[t.lang][kind][1 if t.style.unusual_headings else 0]


def town(t: Truth, *, country: bool | None = None) -> str:
    """"80797 München", "3011 AB Rotterdam", "Leeds LS6 1AA", with the country when the style writes it."""
    place = f"{t.city} {t.postcode}" if t.lang == "en" else f"{t.postcode} {t.city}"
    written = t.style.country_written if country is None else country
    return f"{place}, {t.country_written}" if written else place


def contacts(t: Truth) -> str:
    return f"{t.street}, {town(t)} | {t.email} | {t.phone}"


def summary(t: Truth) -> str:
    title = t.entries[0].title
    if t.style.years_stated:
        return SUMMARY[t.lang].format(title=title, years=t.years)
    return SUMMARY[t.lang].split(" ", 1)[0].format(title=title) + "."


def role(e: Entry, first: str) -> str:
    if first == "employer":
        return f"{e.employer} — {e.title}, {e.place}"
    return f"{e.title}, {e.employer}, {e.place}"


def entry_line(t: Truth, e: Entry) -> str:
    head = role(e, t.style.first)
    return f"{e.dates}   {head}" if t.style.date_side == "left" else f"{head}   {e.dates}"


def bullets(t: Truth, e: Entry) -> list[str]:
    glyph = t.style.bullet
    return [f"{n}. {b}" if glyph == "1." else f"{glyph} {b}" for n, b in enumerate(e.bullets, 1)]


def education_lines(t: Truth) -> list[str]:
    return [f"{ed.start_year} – {ed.end_year}  {ed.degree}, {ed.institution}" if t.style.date_side == "left"
            else f"{ed.degree}, {ed.institution} ({ed.end_year})" for ed in t.education]


def spoken(t: Truth) -> list[str]:
    names = LANGUAGE_NAMES[t.lang]
    return [f"{names[n]} ({level_word(t.lang, lv)})" if i % 2 == 0 else f"{names[n]}: {level_word(t.lang, lv)}"
            for i, (n, lv) in enumerate(t.spoken)]


def lines(t: Truth, *, upper: bool = False, md: bool = False) -> list[str]:
    """The whole CV as lines, for Markdown and plain text."""
    def h(kind: str) -> list[str]:
        text = heading(t, kind)
        if md:
            return [f"## {text}" if not t.style.unusual_headings else f"**{text}**"]
        return [text.upper()] if upper else [text, "=" * len(text)]

    out = [f"# {t.name}" if md else t.name, contacts(t), "", *h("summary"), summary(t), "", *h("experience")]
    for e in t.entries:
        if md:
            out += [f"### {role(e, t.style.first)}", f"*{e.dates}*"]
        else:
            out.append(entry_line(t, e))
        out += bullets(t, e)
        out.append("")
    out += [*h("education"), *education_lines(t), "", *h("skills"), ", ".join(t.skills), "",
            *h("languages"), *spoken(t)]
    return out


class _Pdf:
    """A reportlab canvas with a cursor per column, page breaks, and an optional header/footer per page."""

    def __init__(self, path: Path, on_page: Callable[[Any, int], None] | None = None) -> None:
        self.c = _canvas(path)
        self.on_page, self.page, self.y = on_page, 1, 790.0
        if on_page:
            on_page(self.c, 1)

    def text(self, text: str, x: float = 50, *, bold: bool = False, size: float = 10, right: str = "",
             width: float = 490) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        font = "Helvetica-Bold" if bold else "Helvetica"
        rows, line = [], ""
        for word in text.split(" "):  # wrapped to the column's width, as a word processor does
            trial = f"{line} {word}" if line else word
            if line and stringWidth(trial, font, size) > width:
                rows.append(line)
                line = "  " + word
            else:
                line = trial
        rows.append(line)
        for n, row in enumerate(rows):
            if self.y < 70:
                self.c.showPage()
                self.page += 1
                self.y = 790.0
                if self.on_page:
                    self.on_page(self.c, self.page)
            self.c.setFont(font, size)
            self.c.drawString(x, self.y, row)
            if right and n == 0:
                self.c.setFont("Helvetica", size)
                self.c.drawRightString(x + width + 5, self.y, right)
            self.y -= size + 5

    def gap(self, points: float = 6) -> None:
        self.y -= points

    def save(self, path: Path) -> Path:
        self.c.save()
        return path


def _pdf_sections(t: Truth, pdf: _Pdf, *, x: float = 50, width: float = 490, entries: list[Entry] | None = None,
                  tail: bool = True, table: bool = False) -> None:
    pdf.text(heading(t, "experience"), x, bold=True, size=12)
    for e in entries or list(t.entries):
        head = role(e, t.style.first)
        if table:
            y = pdf.y
            pdf.c.setFont("Helvetica", 10)
            pdf.c.drawString(x, y, e.dates)
            pdf.text(head, x + 140, bold=True, width=width - 140)
            for b in bullets(t, e):
                pdf.text(b, x + 140, width=width - 140)
            pdf.c.setLineWidth(0.5)  # the table's rules: a cell's bottom edge under each job
            pdf.c.line(x, pdf.y + 8, x + width, pdf.y + 8)
            pdf.c.line(x + 135, y + 12, x + 135, pdf.y + 8)
        else:
            if t.style.date_side == "right":
                pdf.text(head, x, bold=True, right=e.dates, width=width)
            else:
                pdf.text(f"{e.dates}   {head}", x, bold=True, width=width)
            for b in bullets(t, e):
                pdf.text(b, x + 10, width=width - 10)
        pdf.gap(4)
    pdf.text(heading(t, "education"), x, bold=True, size=12)
    for row in education_lines(t):
        pdf.text(row, x, width=width)
    if tail:
        pdf.text(heading(t, "skills"), x, bold=True, size=12)
        pdf.text(", ".join(t.skills), x, width=width)
        pdf.text(heading(t, "languages"), x, bold=True, size=12)
        for row in spoken(t):
            pdf.text(row, x, width=width)


def pdf_single(t: Truth, path: Path) -> Path:
    pdf = _Pdf(path)
    pdf.text(t.name, bold=True, size=16)
    pdf.text(contacts(t))
    pdf.gap()
    pdf.text(heading(t, "summary"), bold=True, size=12)
    pdf.text(summary(t))
    _pdf_sections(t, pdf)
    return pdf.save(path)


def pdf_table(t: Truth, path: Path) -> Path:
    pdf = _Pdf(path)
    pdf.text(t.name, bold=True, size=16)
    pdf.text(contacts(t))
    _pdf_sections(t, pdf, table=True, tail=False)
    pdf.text(heading(t, "skills"), bold=True, size=12)
    for skill in t.skills:
        pdf.text(skill, 190)
    pdf.text(heading(t, "languages"), bold=True, size=12)
    for name, lv in t.spoken:
        y = pdf.y
        pdf.c.drawString(50, y, LANGUAGE_NAMES[t.lang][name])
        pdf.text(level_word(t.lang, lv), 190)
    return pdf.save(path)


def pdf_sidebar(t: Truth, path: Path) -> Path:
    """Sidebar at the left, main column at the right on another baseline (two text frames); jobs oldest first."""
    pdf = _Pdf(path)
    for row in (t.street, town(t), t.email, t.phone):
        pdf.text(row, 40, size=8, width=160)
    pdf.gap()
    pdf.text(heading(t, "skills"), 40, bold=True, size=10, width=160)
    for skill in t.skills:
        pdf.text(skill, 40, size=8, width=160)
    pdf.text(heading(t, "languages"), 40, bold=True, size=10, width=160)
    for row in spoken(t):
        pdf.text(row, 40, size=8, width=160)
    pdf.y = 796.0
    pdf.text(t.name, 220, bold=True, size=16, width=330)
    pdf.text(summary(t), 220, width=330)
    _pdf_sections(t, pdf, x=220, width=330, entries=list(reversed(t.entries)), tail=False)
    return pdf.save(path)


def pdf_footer(t: Truth, path: Path) -> Path:
    """E-mail and phone in a page header line; the city only in the footer line of every page."""
    def frame(c: Any, page: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(50, 815, f"{t.email} · {t.phone}")
        c.drawString(50, 30, f"{t.name} · {town(t)} · {PAGE_FOOT[t.lang]} {page}")

    pdf = _Pdf(path, on_page=frame)
    pdf.text(t.name, bold=True, size=16)
    pdf.text(summary(t))
    _pdf_sections(t, pdf)
    return pdf.save(path)


def _docx_body(t: Truth, d: Any, *, tables: bool = False, tail: bool = True) -> None:
    d.add_heading(heading(t, "experience"), level=1)
    if tables:
        table = d.add_table(rows=0, cols=2)
        for e in t.entries:
            cells = table.add_row().cells
            cells[0].text = e.dates
            cells[1].text = "\n".join([role(e, t.style.first), *bullets(t, e)])
    else:
        style = "List Number" if t.style.bullet == "1." else "List Bullet"
        for e in t.entries:
            d.add_paragraph(entry_line(t, e))
            for b in e.bullets:
                d.add_paragraph(b, style=style)
    d.add_heading(heading(t, "education"), level=1)
    for row in education_lines(t):
        d.add_paragraph(row)
    if not tail:
        return
    if tables:
        table = d.add_table(rows=0, cols=2)
        for label, value in ((heading(t, "skills"), "; ".join(t.skills)),
                             (heading(t, "languages"), ", ".join(spoken(t)))):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        return
    d.add_heading(heading(t, "skills"), level=1)
    d.add_paragraph(", ".join(t.skills))
    d.add_heading(heading(t, "languages"), level=1)
    for row in spoken(t):
        d.add_paragraph(row)


def docx_file(t: Truth, path: Path, kind: str) -> Path:
    import docx

    d = docx.Document()
    if kind == "header":
        d.sections[0].header.paragraphs[0].text = f"{t.email} | {t.phone}"
        d.sections[0].footer.paragraphs[0].text = f"{t.street}, {town(t)}"
    if kind == "textbox":
        add_text_box(d, [t.street, town(t), t.email, t.phone, heading(t, "skills"), *t.skills,
                         heading(t, "languages"), *spoken(t)])
    d.add_heading(t.name, level=0)
    if kind in ("tables", "bullets"):
        d.add_paragraph(contacts(t))
    d.add_heading(heading(t, "summary"), level=1)
    d.add_paragraph(summary(t))
    _docx_body(t, d, tables=kind == "tables", tail=kind != "textbox")
    d.save(str(path))
    return path


def render(t: Truth, directory: Path) -> Path:
    """Write ``t`` in its layout under ``directory``; the file's name is the truth's key."""
    stem = directory / t.key
    if t.layout.startswith("docx_"):
        return docx_file(t, stem.with_suffix(".docx"), t.layout[5:])
    writers = {"pdf_single": pdf_single, "pdf_sidebar": pdf_sidebar, "pdf_table": pdf_table,
               "pdf_footer": pdf_footer}
    if t.layout in writers:
        return writers[t.layout](t, stem.with_suffix(".pdf"))
    path = stem.with_suffix(".md" if t.layout == "md" else ".txt")
    path.write_text("\n".join(lines(t, md=t.layout == "md", upper=t.index % 2 == 0)) + "\n", encoding="utf-8")
    return path
