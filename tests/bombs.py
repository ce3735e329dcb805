"""Decompression bombs shaped like CVs, generated on the fly (issue 11 item 11).

The DOCX is a real python-docx document whose ``word/document.xml`` is replaced by about 1 GB of highly
compressible paragraphs; the PDF is written as raw PDF bytes with huge Flate-compressed content streams.
Both are streamed through zlib, so building them needs little memory.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from tests.documents import make_docx


def make_docx_bomb(path: Path, inflated_bytes: int = 1_000_000_000) -> Path:
    """A DOCX whose document.xml is ``inflated_bytes`` of one paragraph of zeros (the other parts are a real
    document's): about 1 MB on disk."""
    seed = make_docx(path.with_name(path.stem + "-seed.docx"))
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                      b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            chunk = b"0" * 1_048_576
            for _ in range(inflated_bytes // len(chunk)):
                out.write(chunk)
            out.write(b"</w:t></w:r></w:p></w:body></w:document>")
    seed.unlink()
    return path


TEXT_LINE = b"BT /F1 9 Tf 40 700 Td (Experienced data engineer, Python, SQL, Spark, Airflow.) Tj ET\n"
# Operators that cost a reader time but draw no glyph: what still passes the reader's glyph cap.
BLANK_LINE = b"BT /F1 9 Tf 40 700 Td () Tj 1 0 0 1 40 700 Tm ET 0 0 m 10 10 l S\n"


def make_pdf_bomb(path: Path, pages: int = 6, inflated_per_page: int = 70_000_000, line: bytes = TEXT_LINE) -> Path:
    """A PDF of ``pages`` pages, each drawing ~``inflated_per_page`` bytes of ``line`` operators (Flate)."""
    block = line * (1_048_576 // len(line))
    streams = []
    for _ in range(pages):
        z = zlib.compressobj(9)
        parts = [z.compress(block) for _ in range(inflated_per_page // len(block))]
        streams.append(b"".join(parts) + z.flush())
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, stream in enumerate(streams):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
                       f">> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def make_docx_xml_flood(path: Path, xml_bytes: int = 60_000_000) -> Path:
    """A DOCX whose document.xml is ``xml_bytes`` of ordinary-looking formatted paragraphs (issue 23): at
    ~25:1 it stays under every per-member ratio check (60 MB is ~2.4 MB on disk), yet lxml's tree of it
    fills a 512 MB parse limit. A block of 1,500 varied paragraphs is repeated: it is longer than deflate's
    32 KB window, so the repetition does not raise the ratio, and building it takes a second or two."""
    import random

    seed = make_docx(path.with_name(path.stem + "-seed.docx"))
    rng = random.Random(23)
    words = [b"Python", b"SQL", b"led", b"team", b"data", b"built", b"cloud", b"shipped"]
    opening = (b'<w:p><w:pPr><w:spacing w:before="0" w:after="120"/><w:ind w:left="0"/></w:pPr><w:r><w:rPr>'
               b'<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/></w:rPr><w:t xml:space="preserve">')
    block = b"".join(opening + b" ".join(rng.choice(words) + str(rng.randrange(100)).encode() for _ in range(3))
                     + b"</w:t></w:r></w:p>" for _ in range(1500))
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                      b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            for _ in range(max(1, xml_bytes // len(block))):
                out.write(block)
            out.write(b"</w:body></w:document>")
    seed.unlink()
    return path
