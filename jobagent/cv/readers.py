"""Turning CV bytes into plain text (run inside the sandbox, ``jobagent.cv.sandbox``; reading the file or URL is
``jobagent.cv.stored.read_source``).

Every failure is an ``InvalidInput`` with one line naming the source, because the fix is always on the
user's side: a wrong path, a corrupt or scanned PDF, a file type we do not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from jobagent.cv.schema import CVDocument
from jobagent.errors import InvalidInput, first_line

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = "PDF (.pdf), Word (.docx) and plain text (.txt, .md, .markdown, .text)"


def read_cv_bytes(source: str, data: bytes, *, suffix: str = "", content_type: str | None = None,
                  max_pages: int = 20, max_chars: int = 300_000, ocr: dict[str, Any] | None = None) -> CVDocument:
    """Parse CV bytes already read (what ``jobagent.cv.sandbox`` runs in its child process).

    ``max_pages`` and ``max_chars`` bound the work a hostile PDF can ask for (issue 11); ``ocr`` (the
    Tesseract binary and languages) is how a scanned PDF is read (``jobagent.cv.ocr``).
    """
    if not data.strip():
        raise InvalidInput(f"CV is empty: {source}")
    kind = _detect_kind(source, data, suffix, content_type)
    if kind == "pdf":
        text = _pdf_text(source, data, max_pages=max_pages, max_chars=max_chars, ocr=ocr)
    elif kind == "docx":
        text = _docx_text(source, data)
    else:
        text = _decode(data)
    if len(text) > max_chars:
        raise InvalidInput(f"CV holds more than {max_chars} characters of text; that is not a CV: {source}")
    text = _tidy(text)
    if not text:
        raise InvalidInput(f"CV is empty: {source}")
    return CVDocument(source=source, kind=kind, text=text)


def _detect_kind(source: str, data: bytes, suffix: str, content_type: str | None) -> str:
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return "docx"
        raise InvalidInput(f"unsupported CV file type: {source} is a ZIP archive but not a Word document; "
                           f"supported: {SUPPORTED}")
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if suffix == ".pdf" or ctype == "application/pdf":
        raise InvalidInput(f"CV file is not a readable PDF: {source} (no PDF header)")
    if suffix == ".docx":
        raise InvalidInput(f"CV file is not a readable DOCX: {source} (not a Word document)")
    if suffix == ".doc":
        raise InvalidInput(f"unsupported CV file type: {source} (old .doc format; save it as .docx or PDF); "
                           f"supported: {SUPPORTED}")
    if suffix in TEXT_EXTENSIONS or ctype in ("text/plain", "text/markdown", "text/x-markdown"):
        return "text"
    if not suffix and b"\x00" not in data[:4096] and _is_utf8(data):
        return "text"  # an extension-less file that is clearly plain text
    shown = suffix or ctype or "unknown"
    raise InvalidInput(f"unsupported CV file type {shown}: {source}; supported: {SUPPORTED}")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True



def _pdf_text(source: str, data: bytes, *, max_pages: int = 20, max_chars: int = 300_000,
              ocr: dict[str, Any] | None = None) -> str:
    import logging

    from pypdf import PdfReader

    # pypdf logs every oddity of a damaged file as a warning; the user gets one clear line instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # many "protected" PDFs only restrict printing or copying
            except Exception:  # noqa: BLE001 - e.g. a cipher that needs an optional dependency
                opened = False
            if not opened:
                raise InvalidInput(f"CV file is not a readable PDF: {source} (it is password-protected)")
        from jobagent.cv.bomb_checks import check_pdf_pages

        check_pdf_pages(source, reader, max_pages)
        pages = _pages_in_order(source, data, reader, max_pages=max_pages, max_chars=max_chars)
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on damaged files
        raise InvalidInput(f"CV file is not a readable PDF: {source} ({first_line(exc)})") from None
    text = "\n".join(pages)
    if not text.strip():  # a scan: one image per page, read by Tesseract (issue 26)
        from jobagent.cv.ocr import ocr_pdf

        text = ocr_pdf(source, reader, ocr)
    if not text.strip():
        raise InvalidInput(f"CV PDF is empty: {source} (no text and no scanned page in it)")
    return text


def _pages_in_order(source: str, data: bytes, reader: Any, *, max_pages: int, max_chars: int) -> list[str]:
    """Each page's text in reading order for columns and tables (``cv/pdf_layout.py``), from pdfminer.six's
    glyph positions (``cv/pdf_words.py``); pypdf's positioned fragments when pdfminer cannot read the file,
    and pypdf's plain extraction for a page where neither finds a word."""
    from jobagent.cv.pdf_layout import arrange, page_text
    from jobagent.cv.pdf_words import TooMuchText, pdf_pages

    too_much = f"CV holds more than {max_chars} characters of text; that is not a CV: {source}"

    def bounded(pages: list[str]) -> list[str]:
        if sum(map(len, pages)) > max_chars:
            raise InvalidInput(too_much)
        return pages

    pages: list[str] = []
    try:
        for words in pdf_pages(data, max_pages, max_glyphs=max_chars):
            pages.append(arrange(words))
            bounded(pages)
    except InvalidInput:
        raise
    except TooMuchText:
        raise InvalidInput(too_much) from None
    except Exception:  # noqa: BLE001 - pdfminer's errors on a damaged file; pypdf may still read it
        pages = []
    if len(pages) != len(reader.pages):
        pages = [""] * len(reader.pages)
    for n, page in enumerate(reader.pages):
        # "(cid:12)": pdfminer found glyphs of a font without a Unicode map, which pypdf may still decode.
        if not pages[n].strip() or "(cid:" in pages[n]:
            pages[n] = page_text(page) or page.extract_text() or ""
            bounded(pages)
    return pages


def _docx_text(source: str, data: bytes) -> str:
    import docx
    from docx.table import Table

    from jobagent.cv.bomb_checks import check_docx_archive

    check_docx_archive(source, data)  # before python-docx inflates anything
    try:
        document = docx.Document(io.BytesIO(data))
        # Document order, as a reader sees the page: the page header (contact details often live there),
        # the body with each table's rows and each text box where it is anchored (sidebar templates keep
        # contacts and skills in text boxes, which the body iteration skips), then the page footer, which
        # may be the only place a CV gives the city (issue 26 §2).
        lines = _margin_lines(document, "header")
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
                lines.extend(_text_box_lines(block._element))
            else:
                lines.extend(_text_box_lines(block._element))
                lines.append(block.text)
        lines.extend(line for line in _margin_lines(document, "footer") if line not in lines)
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds of errors
        raise InvalidInput(f"CV file is not a readable DOCX: {source} ({first_line(exc)})") from None
    return "\n".join(lines)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _margin_lines(document: Any, part: str) -> list[str]:
    """The paragraphs and table rows of every section's page header or footer (first-page and even-page
    variants too), each distinct line once: a running header repeats on every section."""
    lines: list[str] = []
    for section in document.sections:
        variants = [getattr(section, f"{kind}{part}") for kind in ("", "first_page_", "even_page_")]
        for margin in variants:
            if margin.is_linked_to_previous and margin is not variants[0]:
                continue
            for block in margin.iter_inner_content():
                found = _table_lines(block) if hasattr(block, "rows") else [block.text]
                lines.extend(line for line in found if line.strip() and line not in lines)
    return lines


def _text_box_lines(element: Any) -> list[str]:
    """Paragraphs of every text box under ``element`` once (Word stores a VML copy of each under mc:Fallback)."""
    lines: list[str] = []
    for box in element.iter(f"{_W}txbxContent"):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        for paragraph in box.iter(f"{_W}p"):
            lines.append("".join(t.text or "" for t in paragraph.iter(f"{_W}t")))
    return lines


def _table_lines(table: Any) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and text not in cells:  # merged cells repeat the same text
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails; right for most older Western European files


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\xa0", " ")
    text = text.replace("\x7f", "•")  # the bullet of PDFs set in a standard font comes out as DEL
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
