"""Date ranges as CVs write them: "Mar 2019 – Present", "03/2016 – present", "2019–2021", "Sept. 2020 to date".

Months are kept (month precision); a year without a month starts in January and, as an end, means January
too unless start and end fall in the same year (then December), so "2019–2021" counts two years and
"2019 – 2019" counts one. "Present" is left open and resolved against ``today`` by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobagent.text import MONTH_NAME, month_number


def _point(tag: str) -> str:
    return (rf"(?:(?P<{tag}m>{MONTH_NAME})\s*,?\s*|(?P<{tag}n>\d{{1,2}})\s*[/.]\s*)?"
            rf"(?P<{tag}y>(?:19|20)\d{{2}})")


RANGE = re.compile(
    rf"(?<![\d/.]){_point('s')}\s*(?:-|–|—|−|to|until|till|through|thru)\s*"
    rf"(?:{_point('e')}(?![\d])|(?P<now>present|current|currently|now|today|ongoing|to\s+date|date)\b)", re.I)
_SINCE = re.compile(rf"\b(?:since|from)\s+{_point('s')}(?![\d])", re.I)


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
    name, number = m.group(f"{tag}m"), m.group(f"{tag}n")
    if name:
        return month_number(name)
    if number and 1 <= int(number) <= 12:
        return int(number)
    return None


def find_range(line: str) -> DateRange | None:
    """The first date range in a line, or None. Ranges that end before they start are ignored."""
    for m in RANGE.finditer(line):
        sy = int(m.group("sy"))
        sm = _month(m, "s") or 1
        if m.group("now"):
            return DateRange((sy, sm), None, m.span())
        ey = int(m.group("ey"))
        em = _month(m, "e") or (12 if ey == sy and not _month(m, "s") else 1)
        if (ey, em) >= (sy, sm) and sy >= 1950:
            return DateRange((sy, sm), (ey, em), m.span())
    since = _SINCE.search(line)
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
