"""Clip what a source sends to what the store can hold, before anything is written (issue 23 §2).

A board is not ours: one posting with 3.6 MB of distinct words overflows PostgreSQL's 1 MB tsvector, one
title over 300 characters overflows its column, and either used to fail the whole harvest of that source
(every posting lost) and, through it, the daily fan-out. Clipping is pure: no store, no network.

- Short fields are cut to their column's length (``FIELD_LIMITS``, the same numbers as ``store.models``).
- Long texts are cut to ``MAX_POSTING_TEXT_BYTES`` of UTF-8 at a word boundary when there is one nearby.
- Validators (ETag, Last-Modified) over their column are dropped, never cut: a cut ETag would never match,
  so the next harvest simply asks unconditionally.
"""

from __future__ import annotations

from jobagent.limits import MAX_ETAG, MAX_LAST_MODIFIED, MAX_POSTING_TEXT_BYTES
from jobagent.postings.schema import PostingData

# Column lengths of the postings table (store.models.Posting); tests/unit/test_clipping.py keeps them equal.
FIELD_LIMITS = {"source": 500, "external_id": 300, "url": 2000, "title": 300, "company": 300, "location": 300,
                "employment_type": 100, "salary_currency": 10, "salary_interval": 20, "company_url": 2000,
                "company_industry": 200, "company_size": 100, "language": 8, "salary_text": 300,
                "remote_scope": 100, "closed_reason": 200}
LONG_TEXTS = ("description", "company_description")
_WORD_BACKTRACK = 200  # characters to look back for a space, so a clipped text does not end mid-word


def clip_text(text: str, max_bytes: int = MAX_POSTING_TEXT_BYTES) -> str:
    """``text`` in at most ``max_bytes`` of UTF-8, cut at a whole character (and a space nearby)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text
    cut = data[:max_bytes].decode("utf-8", "ignore")  # drops a character split by the byte cut
    space = cut.rfind(" ", max(0, len(cut) - _WORD_BACKTRACK))
    return cut[:space] if space > 0 else cut


def clip_posting(posting: PostingData) -> PostingData:
    """The posting with every field within its column; the same object when nothing needed clipping."""
    changes: dict[str, str] = {}
    for name, limit in FIELD_LIMITS.items():
        value = getattr(posting, name)
        if isinstance(value, str) and len(value) > limit:
            changes[name] = value[:limit]
    for name in LONG_TEXTS:
        value = getattr(posting, name)
        if isinstance(value, str) and len(value) * 4 > MAX_POSTING_TEXT_BYTES:  # cheap test before encoding
            clipped = clip_text(value)
            if clipped is not value:
                changes[name] = clipped
    return posting.model_copy(update=changes) if changes else posting


def clip_postings(postings: list[PostingData]) -> list[PostingData]:
    return [clip_posting(p) for p in postings]


def storable_validators(validators: dict[str, str | None]) -> dict[str, str | None]:
    """ETag / Last-Modified as stored: one longer than its column is dropped (stored as None)."""
    limits = {"etag": MAX_ETAG, "last_modified": MAX_LAST_MODIFIED}
    return {name: (None if value is not None and len(value) > limits.get(name, MAX_ETAG) else value)
            for name, value in validators.items()}
