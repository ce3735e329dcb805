"""Page text in reading order for single-column, two-column (sidebar) and table layouts.

pypdf's plain ``extract_text`` follows the content stream, so a sidebar's lines and a table's cells come
out in whatever order the producer wrote them; its ``extraction_mode="layout"`` keeps the geometry but as
fixed-width lines where two columns sit side by side on one line. Neither gives a parser lines that
belong together. Here the positioned text fragments (pypdf's ``visitor_text``, no extra dependency and
about as fast as plain extraction) are grouped into lines by baseline, a vertical gutter that no
fragment crosses splits the lines into a left and a right side, and then:

- when both sides carry section headings, the page is two columns: the left column is read top to
  bottom, then the right one;
- otherwise the sides are table cells: a row's cells are joined with " | " ("2019 – Present | Senior
  Manufacturing Engineer, Magna"), which is how the DOCX reader renders tables too.

Full-width lines (a name or contact line across the page) stay where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobagent.cv.dates import find_range
from jobagent.cv.sections import heading_kind, is_bullet


@dataclass
class Fragment:
    x: float
    y: float  # the baseline, upwards from the page's bottom
    width: float
    text: str
    size: float = 10.0
    bold: bool | None = None  # None: the reader does not know the weight (pypdf's visitor)


# Glyph widths in em, close to Helvetica/Arial/Times averages: enough to tell a word gap from a column gap
# when a producer writes one fragment per word (the visitor gives positions, not widths).
_NARROW, _WIDE = set("iljtfrI.,;:'!|()[] "), set("mwMW@%")


def _em(text: str) -> float:
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 0.28
        elif ch in _WIDE:
            total += 0.85
        elif ch.isupper():
            total += 0.68
        elif ch.isdigit():
            total += 0.56
        else:
            total += 0.52
    return total


def _fragments(page: Any) -> list[Fragment]:
    found: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        for offset, part in enumerate(text.split("\n")):
            if not part.strip():
                continue
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - offset * size * 1.2
            scale = abs(tm[0] * cm[0]) or 1.0
            found.append(Fragment(x, y, _em(part.rstrip()) * size * scale, part.strip(), size * scale))

    page.extract_text(visitor_text=visit)
    return found


def _lines(fragments: list[Fragment]) -> list[list[Fragment]]:
    rows: list[list[Fragment]] = []
    for f in sorted(fragments, key=lambda f: (-f.y, f.x)):
        if rows and abs(rows[-1][0].y - f.y) <= 2.5:
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(row, key=lambda f: f.x) for row in rows]


def _gutter(lines: list[list[Fragment]]) -> float | None:
    """An x that text sits on both sides of but never crosses, with a clear gap (not a word space).

    Counted in lines: at least four lines reach each side, at most one line in eight crosses it, and on
    every line with text on both sides the gap is wider than one and a half em, so the space between two
    words that happen to line up is never taken for a column gutter.
    """
    fragments = [f for row in lines for f in row]
    if len(lines) < 6:
        return None
    lo = min(f.x for f in fragments)
    hi = max(f.x + f.width for f in fragments)
    best: tuple[int, float] | None = None
    for x in sorted({round(f.x) for f in fragments}):
        if not lo + (hi - lo) * 0.15 < x < lo + (hi - lo) * 0.8:
            continue
        left_lines = right_lines = crossing = 0
        clear = True
        for row in lines:
            left = [f for f in row if f.x + f.width <= x - 2]
            right = [f for f in row if f.x >= x - 1]
            if len(left) + len(right) < len(row):
                crossing += 1
                continue
            left_lines += bool(left)
            right_lines += bool(right)
            if left and right and min(f.x for f in right) - max(f.x + f.width for f in left) < 1.5 * right[0].size:
                clear = False
                break
        if clear and left_lines >= 4 and right_lines >= 4 and crossing <= max(1, len(lines) // 8):
            score = min(left_lines, right_lines) - 3 * crossing
            if best is None or score > best[0]:
                best = (score, x)
    return best[1] if best else None


def _join(row: list[Fragment]) -> str:
    out = ""
    last_end = None
    for f in row:
        if last_end is not None:
            out += "   " if f.x - last_end > max(12.0, 1.5 * f.size) else " "
        out += f.text
        last_end = f.x + f.width
    return out.strip()


def _styled_heading(side: list[Fragment], body_size: float) -> bool:
    """A side of a row that is a section heading: its words read as one and, when the reader knows the
    weight, it is set apart (bold or larger), so a skill such as "MS Project" in a column is no heading."""
    if not side or not heading_kind(_join(side)):
        return False
    if any(f.bold is None for f in side):
        return True
    return all(f.bold for f in side) or min(f.size for f in side) > body_size + 0.5


def _end(row: list[Fragment]) -> float:
    return max(f.x + f.width for f in row)


def _column(rows: list[list[Fragment]]) -> list[str]:
    """A column's lines, a wrapped line joined to the line it continues.

    A word processor wraps a long line at the column's right edge and may indent what follows a little
    (a hanging indent); a line that starts up to two and a half ems right of the line above, right under
    a line that reached the edge, is that line's continuation ("Mestrado em Ciências Farmacêuticas,
    Universidade do" / "Porto"). Only with real glyph widths (pdfminer): estimated ones cannot tell a full
    line from a short one.
    """
    rows = [row for row in rows if row]
    if not rows or any(f.bold is None for row in rows for f in row):
        return [_join(row) for row in rows]
    edge = max(_end(row) for row in rows)
    out: list[str] = []
    prev: list[Fragment] | None = None
    for row in rows:
        text = _join(row)
        if prev is not None and out:
            size = prev[0].size
            indent = row[0].x - prev[0].x
            if 0.3 * size < indent <= 2.5 * size and _end(prev) >= edge - 3 * size \
                    and 0 < prev[0].y - row[0].y <= 2 * size and not is_bullet(text) and not heading_kind(text) \
                    and not find_range(text):
                out[-1] = f"{out[-1]} {text}"
                prev = row
                continue
        out.append(text)
        prev = row
    return out


def page_text(page: Any) -> str:
    """A pypdf page in reading order (pypdf's positioned fragments, widths estimated)."""
    return arrange(_fragments(page))


def arrange(fragments: list[Fragment]) -> str:
    """The page's lines in reading order, from its positioned words or fragments."""
    if not fragments:
        return ""
    sizes = sorted(f.size for f in fragments)
    body_size = sizes[len(sizes) // 2]
    lines = _lines(fragments)
    gutter = _gutter(lines)
    if gutter is None:
        return "\n".join(_column(lines))
    out: list[str] = []
    block: list[tuple[list[Fragment], list[Fragment]]] = []

    def flush() -> None:
        if not block:
            return
        left_headings = sum(_styled_heading(left, body_size) for left, _ in block)
        right_headings = sum(_styled_heading(right, body_size) for _, right in block)
        if left_headings and right_headings:
            out.extend(_column([left for left, _ in block]))
            out.extend(_column([right for _, right in block]))
        else:
            out.extend(" | ".join(_join(side) for side in (left, right) if side) for left, right in block)
        block.clear()

    for row in lines:
        left = [f for f in row if f.x + f.width <= gutter - 2]
        right = [f for f in row if f.x >= gutter - 1]
        if len(left) + len(right) < len(row):  # a full-width line
            flush()
            out.append(_join(row))
        else:
            block.append((left, right))
    flush()
    return "\n".join(out)
