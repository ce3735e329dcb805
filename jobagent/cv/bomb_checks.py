"""Cheap checks before a parser opens a CV file, so a decompression bomb is refused in milliseconds.

A DOCX is refused by its declared uncompressed sizes, member count and compression ratios; a PDF by its
page count and the decoded size of each page's drawing instructions. The readers call these inside the
sandboxed child (``jobagent.cv.sandbox``), which bounds whatever they miss.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from jobagent.errors import InvalidInput

DOCX_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # all parts together, pictures included
# The XML parts together. lxml holds a parsed tree at about 8x the XML's size, so 60 MB of XML (a 2.8 MB
# file at 22:1) reached the 512 MB parse limit (issue 23); a long real CV has well under 2 MB of XML.
DOCX_MAX_XML = 16 * 1024 * 1024
DOCX_MAX_RATIO = 50  # per member over 1 MB, and for all XML over 1 MB together; office XML compresses 5-20x
_XML_SUFFIXES = (".xml", ".rels", ".vml")
DOCX_MAX_MEMBERS = 2000
PDF_MAX_PAGE_CONTENT = 8 * 1024 * 1024  # decoded drawing instructions per page; real pages hold < 1 MB
PDF_MAX_CONTENT = 24 * 1024 * 1024  # the same over all pages (decoded streams stay cached while reading)


def _size(n: int) -> str:
    from jobagent.fetching import human_size

    return human_size(n)


def check_docx_archive(source: str, data: bytes) -> None:
    """Refuse a DOCX whose parts would inflate too far, before python-docx (and lxml) load any of them.

    zipfile stops reading a member at its declared size (and then fails the CRC check), so the declared
    sizes in the central directory bound what a parser can be made to inflate.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} ({exc})") from None
    if len(members) > DOCX_MAX_MEMBERS:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} ({len(members)} parts; at most "
                           f"{DOCX_MAX_MEMBERS} are read)")
    total = sum(m.file_size for m in members)
    xml = [m for m in members if m.filename.lower().endswith(_XML_SUFFIXES)]
    xml_total = sum(m.file_size for m in xml)
    if xml_total > DOCX_MAX_XML:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} (its text would inflate to {_size(xml_total)} "
                           f"of XML; at most {_size(DOCX_MAX_XML)} is read)")
    if total > DOCX_MAX_UNCOMPRESSED:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} (it would inflate to {_size(total)}; at "
                           f"most {_size(DOCX_MAX_UNCOMPRESSED)} is read)")
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1024 * 1024 and ratio > DOCX_MAX_RATIO:
            raise InvalidInput(f"CV file is not a readable DOCX: {source} ({m.filename} is compressed "
                               f"{ratio:.0f}:1, a decompression bomb; at most {DOCX_MAX_RATIO}:1 is read)")
    xml_ratio = xml_total / max(sum(m.compress_size for m in xml), 1)
    if xml_total > 1024 * 1024 and xml_ratio > DOCX_MAX_RATIO:  # spread over many small parts
        raise InvalidInput(f"CV file is not a readable DOCX: {source} (its XML is compressed {xml_ratio:.0f}:1, "
                           f"a decompression bomb; at most {DOCX_MAX_RATIO}:1 is read)")


def check_pdf_pages(source: str, reader: Any, max_pages: int) -> None:
    """Refuse a PDF with too many pages, or a page whose drawing instructions decode to megabytes, before
    text extraction tokenizes them (that step, not the decompression, is what takes a minute)."""
    count = len(reader.pages)
    if count > max_pages:
        raise InvalidInput(f"CV PDF has {count} pages; at most {max_pages} are read: {source}")
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        total += size
        if size > PDF_MAX_PAGE_CONTENT:
            raise InvalidInput(f"CV PDF page {number} holds {_size(size)} of drawing instructions (at most "
                               f"{_size(PDF_MAX_PAGE_CONTENT)} per page are read): {source}")
        if total > PDF_MAX_CONTENT:
            raise InvalidInput(f"CV PDF holds more than {_size(PDF_MAX_CONTENT)} of drawing instructions by page "
                               f"{number}: {source}")
