"""Candidates in the person's own city when a title is too common for the candidate cut.

The full-text passes rank on the title alone and keep ``JOBAGENT_SEARCH_CANDIDATES`` (300). A title with
thousands of postings ("Teacher", "Software Engineer", or an English title whose German translation joins
it) fills those 300 by text rank and posting id, so the three postings in the person's city, or the German
ones a translation found, can fall past the cut before the matcher, which knows places, ever sees them. When
a place is given, the title pass reads five times deeper with locations, and the postings in the person's
city from that depth get a share of the room. Locations are compared in
Python through the gazetteer's names of the city in every language ("München", "Munich", "Muenchen"), so
both backends agree and no database locale or extension is needed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jobagent.places import names_of, resolve
from jobagent.text import normalize

NEAR_SHARE = 3  # at most a third of the candidate room goes to the city's postings
SCAN_FACTOR = 5  # the title pass reads this many times its room, with locations, when a place is given
_MIN_NAME = 4  # shorter foreign forms ("lids", "li ci", "lungsod ng …") would match other places' names


@lru_cache(maxsize=256)
def city_pattern(location: str) -> re.Pattern[str] | None:
    """A whole-word pattern for the city ``location`` names, over ``normalize``d location texts."""
    place = resolve(location)
    if place is None or not place.is_city:
        return None
    written = normalize(re.split(r"[,;|(]", location)[0])
    names = {n for n in names_of(place) if len(n) >= _MIN_NAME and min(map(len, n.split())) >= 3}
    names.add(normalize(place.name))
    names |= {written} if written and not written.isdigit() else set()
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if alternatives else None


def scan_size(near: str | None, limit: int) -> int:
    """How many ranked title matches to read: ``limit`` alone unless ``near`` names a known city."""
    return limit * SCAN_FACTOR if near and city_pattern(near) is not None else limit


def near_first(ids: list[str], ranked: list[tuple[str, str | None]], near: str | None, limit: int) -> list[str]:
    """``ids`` (a full candidate room) with up to ``limit // NEAR_SHARE`` postings in ``near``'s city from
    ``ranked`` (posting id, location; the title matches best first, read ``SCAN_FACTOR`` times deeper) put
    in place of the lowest-ranked ones elsewhere.

    Reading the title pass deeper costs one wider LIMIT and the locations of those rows, no second pass
    over every match: a DISTINCT over all matches' locations plus a second ranked query added ~450 ms p50
    per search at 100,000 postings on a loaded machine. The city is the one the gazetteer knows by all its
    names ("München", "Munich", "Muenchen")."""
    pattern = city_pattern(near) if near and len(ids) >= limit and len(ranked) > limit else None
    if pattern is None:
        return ids
    looked: dict[str, bool] = {}

    def here(location: str | None) -> bool:
        if location and location not in looked:
            looked[location] = bool(pattern.search(normalize(location)))
        return bool(location) and looked[location]  # type: ignore[index]

    have = set(ids)
    add = [pid for pid, where in ranked if pid not in have and here(where)][: max(1, limit // NEAR_SHARE)]
    if not add:
        return ids
    local = {pid for pid, where in ranked if pid in have and here(where)}
    # Make room by dropping the lowest-ranked postings that are not in the city; the city's own stay.
    drop = set([pid for pid in reversed(ids) if pid not in local][:len(add)])
    return [pid for pid in ids if pid not in drop] + add
