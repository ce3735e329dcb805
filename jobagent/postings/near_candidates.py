"""Candidates in the person's own city when a title is too common for the candidate cut.

The full-text passes rank on the title alone and keep ``JOBAGENT_SEARCH_CANDIDATES`` (300). A title with
thousands of postings ("Teacher", "Software Engineer", or an English title whose German translation joins
it) fills those 300 by text rank and posting id, so the three postings in the person's city, or the German
ones a translation found, can fall past the cut before the matcher, which knows places, ever sees them. When
the title pass is full, this pass reads the title matches' locations (a capped, unordered scan of two
columns) and gives the ones in the person's city a share of the room first. Locations are compared in
Python through the gazetteer's names of the city in every language ("München", "Munich", "Muenchen"), so
both backends agree and no database locale or extension is needed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from jobagent.places import names_of, resolve
from jobagent.text import normalize

NEAR_SHARE = 3  # at most a third of the candidate room goes to the city's postings
SCAN_CAP = 20_000  # title matches whose locations are read; past it the rest keep their text rank only
_MIN_NAME = 4  # shorter foreign forms ("lids", "li ci") match inside other places' names


@lru_cache(maxsize=256)
def city_pattern(location: str) -> re.Pattern[str] | None:
    """A whole-word pattern for the city ``location`` names, over ``normalize``d location texts."""
    place = resolve(location)
    if place is None or not place.is_city:
        return None
    written = normalize(re.split(r"[,;|(]", location)[0])
    names = {n for n in names_of(place) if len(n) >= _MIN_NAME} | {normalize(place.name)}
    names |= {written} if written and not written.isdigit() else set()
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if alternatives else None


def near_first(session: Session, ids: list[str], near: str | None, limit: int, *, pg_sql: str, sqlite_sql: str,
               params: dict[str, Any]) -> list[str]:
    """``ids`` (a full title pass) with up to ``limit // NEAR_SHARE`` more postings in ``near``'s city, in
    place of the lowest-ranked ones elsewhere; unchanged when the pass had room or the city is unknown.

    ``pg_sql``/``sqlite_sql`` select ``(posting_id, location)`` of the same title matches, unordered, with a
    ``:cap`` limit; they are the title pass's own query without its ranking."""
    pattern = city_pattern(near) if near and len(ids) >= limit else None
    if pattern is None:
        return ids
    sql = pg_sql if session.get_bind().dialect.name == "postgresql" else sqlite_sql
    room = max(1, limit // NEAR_SHARE)
    have = set(ids)
    local: list[str] = []
    for posting_id, location in session.execute(text(sql), {**params, "cap": SCAN_CAP}):
        if location and pattern.search(normalize(location)):
            local.append(posting_id)
    add = [i for i in dict.fromkeys(local) if i not in have][:room]
    if not add:
        return ids
    local_ids = set(local)
    # Make room by dropping the lowest-ranked postings that are not in the city; the city's own stay.
    drop = set([i for i in reversed(ids) if i not in local_ids][:len(add)])
    return [i for i in ids if i not in drop] + add
