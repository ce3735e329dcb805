"""A cover letter as a Word document, for the people who send letters as attachments (issue 29 §1).

The letter's text is plain paragraphs (blank lines between them, as the templates write it); each becomes one
paragraph of the document, its line breaks kept, so the DOCX reads exactly like ``jobagent letter`` prints.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_letter_docx"]


def write_letter_docx(text: str, path: Path) -> Path:
    """Write ``text`` to ``path`` as DOCX, through a ``.partial`` file so no half-written letter is left."""
    import docx

    document = docx.Document()
    for block in text.strip().split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").splitlines()]
        if not any(lines):
            continue
        paragraph = document.add_paragraph()
        for i, line in enumerate(lines):
            run = paragraph.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    document.save(str(partial))
    partial.replace(path)
    return path
