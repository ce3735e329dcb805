"""Words with their real positions, widths, sizes and weights from a PDF, for ``jobagent.cv.pdf_layout``.

pdfminer.six's interpreter without its layout analysis (``laparams=None``) hands over every glyph with
its box and font; grouping them into words here is cheap and keeps the one decision that matters (which
lines sit side by side) in ``pdf_layout``, where it is tested. Measured on the generated corpus
(benchmarks/bench_cv_fields.py, issue 26 §2) against pypdf's text visitor and pdfplumber's
``extract_words``: see the commit that added this module for the figures. Real glyph widths tell a word
gap from a column gutter without guessing from character classes, and the font name tells a bold
heading from a body line that happens to read like one ("MS Project" in a skills column).

Only upright text is read; a page whose glyphs are all rotated gives no words, and the caller falls
back to pypdf's plain extraction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from jobagent.cv.pdf_layout import Fragment

_BOLD = ("bold", "black", "heavy", "semibold", "demi")


def _glyphs(item: Any) -> Iterator[Any]:
    """The page's glyphs in content-stream order, those inside form XObjects (LTFigure) included."""
    from pdfminer.layout import LTChar, LTContainer

    for child in item:
        if isinstance(child, LTChar):
            yield child
        elif isinstance(child, LTContainer):
            yield from _glyphs(child)


_CID = re.compile(r"\(cid:(\d+)\)")


def _unmapped(text: str) -> str:
    """A one-byte code the font does not map as the byte itself ("(cid:127)", DEL, is how a standard font's
    bullet comes out: "•", as the reader tidies pypdf's output too); a wider code stays as it is, and the
    reader then asks pypdf for that page."""
    m = _CID.fullmatch(text)
    if not m or int(m.group(1)) >= 256:
        return text
    return "•" if m.group(1) == "127" else chr(int(m.group(1)))


def _words(glyphs: Iterator[Any]) -> list[Fragment]:
    """Glyphs joined into runs of text, as a producer wrote them: a run goes on while the glyphs move
    right along one baseline, and ends at a change of baseline, a jump back (a right-aligned date drawn
    over the end of a long line stays its own run) or a gap wider than an em with no space glyph in it
    (a column gutter or a tab stop), or a change of font (a bold role line and the plain dates drawn at
    its end, which ``pdf_layout`` joins again with a space). A smaller gap between glyphs without a space
    is a word space, as producers that place each word on its own write it."""
    out: list[Fragment] = []
    text, x0, x1, base, size, bold = "", 0.0, 0.0, 0.0, 0.0, False
    spaced, font = False, ""

    def flush() -> None:
        if text.strip():
            out.append(Fragment(x0, base, x1 - x0, text.strip(), size, bold))

    for g in glyphs:
        a, b, c, d, _e, f = g.matrix
        if b or c or a <= 0 or d <= 0:
            continue  # rotated or mirrored: a watermark or a margin note, not the CV's reading order
        char = _unmapped(g.get_text())
        if not char:
            continue
        if char.isspace():
            spaced = bool(text)
            continue
        gsize = g.size or size or 10.0
        gap = g.x0 - x1
        same_run = bool(text) and abs(f - base) <= 0.5 and -0.5 * gsize <= gap <= (3.0 if spaced else 1.0) * gsize \
            and g.fontname == font
        if not same_run:
            flush()
            text, x0, base, size, font = "", g.x0, f, gsize, g.fontname
            bold = any(mark in font.lower() for mark in _BOLD)
        elif spaced or gap > 0.15 * gsize:
            text += " "
        text += char
        x1 = g.x1
        spaced = False
    flush()
    return out


# A dense A4 page of 8-point text holds about 6,000 glyphs; ten times that is no page of a CV.
PAGE_GLYPHS = 60_000


class TooMuchText(Exception):
    """More glyphs than a CV's text can hold: a page of drawing instructions built to exhaust the reader."""


def _device(resources: Any, glyph_limit: int) -> Any:
    """pdfminer's aggregator that stops once ``glyph_limit`` glyphs were drawn: every glyph is an object
    kept until its page ends, so a page of repeated text operators (a bomb that passes the content-size
    checks) would otherwise hold millions of them (measured: 3 pages of 7 MB reached 407 MB)."""
    from pdfminer.converter import PDFPageAggregator

    class Counting(PDFPageAggregator):
        left = glyph_limit

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            """Rules and boxes are not read (the layout comes from the text), and not kept either."""

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            """Nor are pictures."""

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.left -= 1
            if self.left < 0:
                raise TooMuchText(glyph_limit)
            return float(super().render_char(*args, **kwargs))

    return Counting(resources, laparams=None)


def pdf_pages(data: bytes, max_pages: int, max_glyphs: int = 300_000) -> Iterator[list[Fragment]]:
    """Each page's words, at most ``max_pages`` pages (the caller has already counted them with pypdf);
    ``TooMuchText`` after ``max_glyphs`` glyphs over all pages or ``PAGE_GLYPHS`` on one."""
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = _device(resources, max_glyphs)
    interpreter = PDFPageInterpreter(resources, device)
    left = max_glyphs
    for page in PDFPage.get_pages(io.BytesIO(data), maxpages=max_pages, password=""):
        device.left = min(left, PAGE_GLYPHS)
        interpreter.process_page(page)
        left -= min(left, PAGE_GLYPHS) - device.left
        yield _words(_glyphs(device.get_result()))
