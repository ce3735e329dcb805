"""What the JSON applicant-tracking sources (Ashby, Workable, SmartRecruiters, Recruitee) share.

Each source is a plain mapper from its vendor's JSON to ``PostingData``; the pieces here keep the four from
growing four copies of the same guards: a direct getter so ``fetch(limit)`` reads through the same mapping
as a harvest, the "is this the JSON object we expect" check, and joining place parts into one location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, clean, shape_error
from jobagent.postings.sources.paging import CutShort, Getter, decode_json, direct_getter


def first_postings(pages: Callable[[Getter], Iterator[list[PostingData]]], http: HttpOptions,
                   limit: int) -> list[PostingData]:
    """Up to ``limit`` postings from a source's ``harvest`` pages, read only as far as needed."""
    out: list[PostingData] = []
    try:
        for page in pages(direct_getter(http)):
            out.extend(page)
            if len(out) >= limit:
                break
    except CutShort:
        pass  # what was read is what there is
    return out[:limit]


def json_object(url: str, body: bytes, wanted: str) -> dict[str, Any]:
    """The page as a JSON object holding the list ``wanted``, or one clear line saying what came instead."""
    data = decode_json(url, body)
    if not isinstance(data, dict) or not isinstance(data.get(wanted), list):
        raise shape_error(url, f'an object with a "{wanted}" list')
    return data


def dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)]


def place(*parts: Any) -> str | None:
    """"Berlin, Berlin, Germany" without empty or repeated parts (vendors send "" and city == region)."""
    seen: list[str] = []
    for part in parts:
        text = clean(part)
        if text and text.lower() not in (s.lower() for s in seen):
            seen.append(text)
    return ", ".join(seen) or None


def places(items: Iterable[str | None]) -> str | None:
    """Several locations as one field ("Berlin, Germany; Paris, France"), each once, in the source's order."""
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return "; ".join(out) or None
