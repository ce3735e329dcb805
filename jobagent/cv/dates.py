"""Date ranges as CVs write them, in the six languages: "Mar 2019 – Present", "03/2016 – present",
"2019–2021", "Sept. 2020 to date", "2022-03 – heute", "seit 09/2022", "März 2018 bis Juni 2020",
"sinds 2021", "2019 – heden", "janvier 2019 – présent", "desde 2018 – actualidad", "2017 – atual".

The grammar is the project's own (dateparser read 3 of 15 such ranges right, and turned "09/2019 – heute"
into today's date): a point is a year with an optional month before it (a name in any of the six
languages, "09/2019", "09.2019", "marzo de 2018") or after it ("2022-03"); two points are joined by a
dash or a word ("bis", "tot", "à", "hasta", "até"), and an open end is a word for today ("heute", "heden",
"aujourd'hui", "actualidad", "atual"), all from ``jobagent/data/cv_words.tsv`` and ``jobagent.text``'s
month table. Lines are matched in a folded copy of the same length, so accents never decide and spans
still point into the line as written.

Months are kept (month precision); a year without a month starts in January and, as an end, means January
too unless start and end fall in the same year (then December), so "2019–2021" counts two years and
"2019 – 2019" counts one. "Present" is left open and resolved against ``today`` by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jobagent.cv.lexicon import alternation
from jobagent.text import MONTH_NAME, month_number


def _point(tag: str) -> str:
    return (rf"(?:(?P<{tag}m>{MONTH_NAME})\s*(?:,\s*|de\s+)?|(?P<{tag}n>\d{{1,2}})\s*[/.]\s*)?"
            rf"(?P<{tag}y>(?:19|20)\d{{2}})(?:-(?P<{tag}i>0[1-9]|1[0-2])(?!\d))?")


_WORD_END = r"(?![^\W\d_])"
RANGE = re.compile(
    rf"(?<![\d/.])(?:(?<![^\W\d_])(?:{alternation('range-from')})\s+)?{_point('s')}"
    rf"\s*(?:[-–—−]|\s(?:{alternation('range-to')})\s)\s*"
    rf"(?:{_point('e')}(?![\d])|(?P<now>{alternation('open-end')}){_WORD_END})", re.I)
_SINCE = re.compile(rf"(?<![^\W\d_])(?:{alternation('since')})\s+{_point('s')}(?![\d])", re.I)


def _flat(line: str) -> str:
    """``line`` lowercased with accents dropped, one character for one, so spans found in it fit ``line``."""
    out = []
    for c in line:
        low = c.lower()
        if len(low) != 1:
            low = c
        if not low.isascii():
            base = unicodedata.normalize("NFKD", low)[0]
            low = base if len(base) == 1 else low
        out.append(low)
    return "".join(out)


@dataclass(frozen=True)
class DateRange:
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None  # None: to the present
    span: tuple[int, int]  # where the range sits in the line

    def months(self, today: tuple[int, int]) -> tuple[int, int]:
        """(first, last) as month numbers since year 0, the end clipped to today."""
        end = self.end or today
        first = self.start[0] * 12 + self.start[1] - 1
        last = end[0] * 12 + end[1] - 1
        now = today[0] * 12 + today[1] - 1
        return first, min(last, now)

    def iso(self) -> tuple[str, str | None]:
        start = f"{self.start[0]:04d}-{self.start[1]:02d}"
        return start, (f"{self.end[0]:04d}-{self.end[1]:02d}" if self.end else None)


def _month(m: re.Match[str], tag: str) -> int | None:
    name, number, iso = m.group(f"{tag}m"), m.group(f"{tag}n"), m.group(f"{tag}i")
    if name:
        return month_number(name)
    if iso:
        return int(iso)
    if number and 1 <= int(number) <= 12:
        return int(number)
    return None


def find_range(line: str) -> DateRange | None:
    """The first date range in a line, or None. Ranges that end before they start are ignored."""
    flat = _flat(line)
    for m in RANGE.finditer(flat):
        sy = int(m.group("sy"))
        sm = _month(m, "s") or 1
        if m.group("now"):
            return DateRange((sy, sm), None, m.span())
        ey = int(m.group("ey"))
        em = _month(m, "e") or (12 if ey == sy and not _month(m, "s") else 1)
        if (ey, em) >= (sy, sm) and sy >= 1950:
            return DateRange((sy, sm), (ey, em), m.span())
    since = _SINCE.search(flat)
    if since:
        return DateRange((int(since.group("sy")), _month(since, "s") or 1), None, since.span())
    return None


def union_months(ranges: list[tuple[int, int]]) -> int:
    """Months covered by the union of inclusive (first, last) month intervals: overlaps count once."""
    total, current = 0, None
    for first, last in sorted(ranges):
        if current is None or first > current[1] + 1:
            if current:
                total += current[1] - current[0] + 1
            current = [first, last]
        else:
            current[1] = max(current[1], last)
    if current:
        total += current[1] - current[0] + 1
    return total
