"""Where the person lives, from the top of a CV (a labelled line, or a place in the header), and what a place is."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from jobagent.cv.sections import clean
from jobagent.cv.vocabulary import find_skills

COUNTRIES = set(
    "Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bangladesh Belarus "
    "Belgium Bolivia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Croatia Cuba Cyprus "
    "Czechia Denmark Ecuador Egypt England Estonia Ethiopia Finland France Georgia Germany Ghana Greece "
    "Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Japan Jordan Kazakhstan Kenya "
    "Kosovo Latvia Lebanon Lithuania Luxembourg Malaysia Malta Mexico Moldova Montenegro Morocco Nepal "
    "Netherlands Nigeria Norway Pakistan Peru Philippines Poland Portugal Qatar Romania Russia Scotland "
    "Senegal Serbia Singapore Slovakia Slovenia Spain Sweden Switzerland Taiwan Tanzania Thailand "
    "Tunisia Turkey Türkiye Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Wales Zambia UK USA US "
    "UAE EU Deutschland".split()
) | {"United Kingdom", "United States", "United States of America", "United Arab Emirates", "New Zealand",
     "South Africa", "South Korea", "Saudi Arabia", "Czech Republic", "Sri Lanka", "Hong Kong", "Costa Rica",
     "Bosnia and Herzegovina", "North Macedonia", "Dominican Republic", "Northern Ireland", "The Netherlands"}


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    text = (files("jobagent") / "data" / "cities.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#")


def is_place(part: str) -> bool:
    """A city, region code or country ("Toronto", "ON", "Dublin 2", "Amsterdam, Netherlands")."""
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    if not pieces:
        return False
    for piece in pieces:
        bare = re.sub(r"\s+\d{1,2}$", "", piece)  # "Dublin 8"
        if not (bare.lower() in cities() or bare in COUNTRIES or re.fullmatch(r"[A-Z]{2}", bare)):
            return False
    return True


_LOCATION_LABEL = re.compile(
    r"^(?:(?:location|address|city|residence)\s*(?::|\s[-–]\s)|(?:based|lives|living)\s+in\s)\s*(.+)$", re.I)
_PLACE_PART = re.compile(r"[^\W\d_][\w.'’ -]*(?:\s\d{1,2})?")


def find_location(text: str, top: list[str]) -> str | None:
    for line in (clean(raw) for raw in text.splitlines()):
        m = _LOCATION_LABEL.match(line)
        if m:
            value = re.split(r"\s*[|·•;]\s*|\s{2,}|\s[-–]\s", m.group(1))[0].strip(" .,")
            if value and "@" not in value and len(value) <= 80:
                return value
    for line in top:
        for segment in re.split(r"\s*[|·•;\t]\s*|\s[-–—]\s|\s{3,}", line):
            segment = segment.strip(" .")
            parts = [p.strip() for p in segment.split(",")]
            if not 1 <= len(parts) <= 3 or not all(_PLACE_PART.fullmatch(p) for p in parts):
                continue
            if any(len(p.split()) > 4 or not p[0].isupper() for p in parts):
                continue
            last = re.sub(r"\s+\d{1,2}$", "", parts[-1])
            if len(parts) == 1 and last.lower() not in cities():
                continue
            if last in COUNTRIES or re.fullmatch(r"[A-Z]{2}", last) or last.lower() in cities():
                if not find_skills(segment) and last.lower() not in ("remote", "hybrid"):
                    return segment
    return None
