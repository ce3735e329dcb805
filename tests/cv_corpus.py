"""Generated CVs of many professions, written as real PDF (reportlab), DOCX (python-docx) and text files.

The cases and what a careful reader would say about each live in tests/cv_cases.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.cv_cases import CASES, MANUFACTURING, SRE, SRE_TEXT, Case, Job

__all__ = ["CASES", "FORMATS", "add_text_box", "MANUFACTURING", "SRE", "SRE_TEXT", "Case", "Job", "email_of", "write"]


def email_of(case: Case) -> str:
    return case.name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@example.org"


def lines(case: Case, *, markdown: bool = False) -> list[str]:
    h = "## " if markdown else ""
    b = "- "
    out = [f"{'# ' if markdown else ''}{case.name}", f"{case.location} | {email_of(case)} | +44 7700 900123", ""]
    if case.summary:
        out += [f"{h}Profile", case.summary, ""]
    out.append(f"{h}Experience")
    for job in case.jobs:
        out.append(f"{job.title}, {job.employer}, {job.place} | {job.dates}")
        out += [b + bullet for bullet in job.bullets]
    out += ["", f"{h}Education", *case.education, "", f"{h}Skills", *case.skills]
    if case.certifications:
        out += ["", f"{h}Certifications", *(b + c for c in case.certifications)]
    out += ["", f"{h}Languages", case.languages]
    return out


def write_text(case: Case, path: Path, *, markdown: bool = False) -> Path:
    path.write_text("\n".join(lines(case, markdown=markdown)) + "\n", encoding="utf-8")
    return path


def _canvas(path: Path):  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4)


def write_pdf(case: Case, path: Path, *, per_word: bool = False) -> Path:
    """One column, headings in bold, dates right-aligned on the entry line, wrapped onto two pages.

    ``per_word`` writes every word as its own text fragment at its real position, as some producers
    (browsers' print to PDF, LaTeX) do.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    c = _canvas(path)
    y = 800.0

    def line(text: str, x: float = 50, font: str = "Helvetica", size: float = 10) -> None:
        nonlocal y
        if y < 60:
            c.showPage()
            y = 800.0
        c.setFont(font, size)
        if per_word:
            for word in text.split(" "):
                c.drawString(x, y, word)
                x += stringWidth(word + " ", font, size)
        else:
            c.drawString(x, y, text)
        y -= size + 5

    line(case.name, font="Helvetica-Bold", size=16)
    line(f"{case.location} | {email_of(case)} | +44 7700 900123")
    if case.summary:
        line("Profile", font="Helvetica-Bold", size=12)
        line(case.summary)
    line("Experience", font="Helvetica-Bold", size=12)
    for job in case.jobs:
        c.setFont("Helvetica", 10)
        c.drawRightString(545, y, job.dates)
        line(f"{job.title} — {job.employer}, {job.place}", font="Helvetica-Bold")
        for bullet in job.bullets:
            line(f"• {bullet}", x=60)
    for heading, rows in (("Education", case.education), ("Skills", case.skills),
                          ("Certifications", case.certifications), ("Languages", [case.languages])):
        if rows:
            line(heading, font="Helvetica-Bold", size=12)
            for row in rows:
                line(row)
    c.save()
    return path


def write_pdf_table(case: Case, path: Path) -> Path:
    """The measured manufacturing CV: experience and skills as a two-column table (dates | role)."""
    c = _canvas(path)
    y = 800.0

    def row(left: str, right: str, bold: bool = False) -> None:
        nonlocal y
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
        if left:
            c.drawString(50, y, left)
        if right:
            c.drawString(190, y, right)
        y -= 15

    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, y, case.name)
    y -= 20
    c.setFont("Helvetica", 10)
    c.drawString(50, y, f"{case.location} | {email_of(case)} | +1 416 555 0199")
    y -= 20
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, y, "Profile")
    y -= 15
    c.setFont("Helvetica", 10)
    c.drawString(50, y, case.summary)
    y -= 20
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, y, "Experience")
    y -= 16
    for job in case.jobs:
        row(job.dates, f"{job.title}, {job.employer}, {job.place}", bold=True)
        for bullet in job.bullets:
            row("", f"• {bullet}")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, y - 5, "Skills")
    y -= 22
    for label, value in zip(("CAD / CAE", "Quality", "Improvement", "Shop floor"), case.skills, strict=False):
        row(label, value)
    y -= 5
    for heading, rows in (("Education", case.education), ("Certifications", case.certifications),
                          ("Languages", [case.languages])):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(50, y, heading)
        y -= 15
        c.setFont("Helvetica", 10)
        for text in rows:
            c.drawString(50, y, text)
            y -= 15
    c.save()
    return path


def write_pdf_sidebar(case: Case, path: Path) -> Path:
    """Two columns: a narrow sidebar (contact, skills, languages) beside the main column."""
    c = _canvas(path)
    left_y, right_y = 800.0, 806.0  # different baselines, as two text frames have

    def left(text: str, bold: bool = False) -> None:
        nonlocal left_y
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 9)
        c.drawString(40, left_y, text)
        left_y -= 13

    def right(text: str, bold: bool = False, size: float = 10) -> None:
        nonlocal right_y
        c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        c.drawString(230, right_y, text)
        right_y -= size + 6

    left("Contact", bold=True)
    left(case.location)
    left(email_of(case))
    left("Skills", bold=True)
    for text in case.skills:
        for chunk in text.split(", "):
            left(chunk)
    left("Languages", bold=True)
    left(case.languages[:30])
    right(case.name, bold=True, size=16)
    right("Experience", bold=True, size=12)
    for job in case.jobs:
        right(f"{job.title} | {job.employer} | {job.place}", bold=True)
        right(job.dates)
        for bullet in job.bullets:
            cut = bullet.rfind(" ", 0, 70) if len(bullet) > 70 else len(bullet)
            right(f"• {bullet[:cut]}")
            if bullet[cut:].strip():
                right(f"  {bullet[cut:].strip()}")
    right("Education", bold=True, size=12)
    for text in case.education:
        right(text)
    if case.certifications:
        right("Certifications", bold=True, size=12)
        for text in case.certifications:
            right(text)
    c.save()
    return path


def write_docx(case: Case, path: Path, *, tables: bool = False) -> Path:
    """Paragraphs, or (``tables``) the layout of the measured accountant CV: skills and jobs in tables."""
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = f"{case.location} | {email_of(case)}"
    d.add_heading(case.name, level=0)
    if case.summary:
        d.add_heading("Profile", level=1)
        d.add_paragraph(case.summary)
    d.add_heading("Experience", level=1)
    if tables:
        t = d.add_table(rows=0, cols=2)
        for job in case.jobs:
            cells = t.add_row().cells
            cells[0].text = job.dates
            cells[1].text = f"{job.title}\n{job.employer}, {job.place}\n" + "\n".join(f"• {b}" for b in job.bullets)
    else:
        for job in case.jobs:
            d.add_paragraph(f"{job.title} at {job.employer}, {job.place} ({job.dates})")
            for bullet in job.bullets:
                d.add_paragraph(bullet, style="List Bullet")
    d.add_heading("Education", level=1)
    for text in case.education:
        d.add_paragraph(text)
    if tables:
        t = d.add_table(rows=0, cols=2)
        for label, value in (("Skills", "; ".join(case.skills)), ("Languages", case.languages)):
            cells = t.add_row().cells
            cells[0].text, cells[1].text = label, value
    else:
        d.add_heading("Skills", level=1)
        for text in case.skills:
            d.add_paragraph(text)
        d.add_heading("Languages", level=1)
        d.add_paragraph(case.languages)
    if case.certifications:
        d.add_heading("Certifications", level=1)
        for text in case.certifications:
            d.add_paragraph(text, style="List Bullet")
    d.save(str(path))
    return path


FORMATS = ("pdf", "docx", "text", "md", "pdf_sidebar", "docx_tables", "pdf_words")


def write(case: Case, fmt: str, directory: Path) -> Path:
    stem = directory / f"{case.key}-{fmt}"
    if fmt == "pdf":
        return write_pdf(case, stem.with_suffix(".pdf"))
    if fmt == "pdf_words":
        return write_pdf(case, stem.with_suffix(".pdf"), per_word=True)
    if fmt == "pdf_table":
        return write_pdf_table(case, stem.with_suffix(".pdf"))
    if fmt == "pdf_sidebar":
        return write_pdf_sidebar(case, stem.with_suffix(".pdf"))
    if fmt == "docx":
        return write_docx(case, stem.with_suffix(".docx"))
    if fmt == "docx_tables":
        return write_docx(case, stem.with_suffix(".docx"), tables=True)
    return write_text(case, stem.with_suffix(".md" if fmt == "md" else ".txt"), markdown=fmt == "md")


def add_text_box(document, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A text box holding ``lines``, anchored in a new paragraph, as Word writes it: drawing + VML fallback."""
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    box = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(t)}</w:t></w:r></w:p>" for t in lines)
    anchor = document.add_paragraph()
    anchor._p.append(parse_xml(
        f'<w:r {w} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        f'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx>'
        f'</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{box}'
        f'</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))


def write_docx_text_box(case: Case, path: Path) -> Path:
    """A sidebar template: contact and skills in a text box (as Word writes it: drawing + VML fallback)."""
    import docx

    d = docx.Document()
    add_text_box(d, ["Contact", case.location, email_of(case), "Skills", *case.skills])
    d.add_heading(case.name, level=0)
    d.add_heading("Experience", level=1)
    for job in case.jobs:
        d.add_paragraph(f"{job.title} | {job.employer} | {job.place} | {job.dates}")
        for bullet in job.bullets:
            d.add_paragraph(bullet, style="List Bullet")
    d.add_heading("Education", level=1)
    for text in case.education:
        d.add_paragraph(text)
    d.save(str(path))
    return path
