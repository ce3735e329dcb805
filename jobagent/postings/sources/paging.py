"""What a harvest needs from a source: every page, fetched through a getter the harvest controls.

A source's ``harvest(get)`` yields one list of postings per page and calls ``get(url)`` for each page
(``get(url, json_body=...)`` for a search API that only answers POST); the getter (``postings/harvest.py``)
revalidates the last harvest's requests, throttles per host and honours Retry-After, so the sources stay
plain mappers from a board's JSON to ``PostingData``.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from jobagent.errors import FetchStatus, PageMissing, SourceError, SourceStatus, first_line
from jobagent.postings.sources.base import HttpOptions, fetch_bytes
from jobagent.retry_policy import is_transient


class Getter(Protocol):
    def __call__(self, url: str, json_body: Any = None) -> bytes: ...


# A board with more pages than this is harvested as far as this and reported as cut short (closes nothing).
MAX_PAGES = 500
LEVER_PAGE_SIZE = 100


class NotModified(Exception):  # noqa: N818 - it is an answer, not an error
    """The first page answered 304 (or a local file hashed the same): nothing changed since last time."""


class CutShort(Exception):  # noqa: N818
    """The source had more pages than a harvest may take (or its paging went round in a loop); what was
    read is kept, nothing is closed. The harvest attaches the postings read so far as ``postings``."""

    postings: list[Any] = []  # noqa: RUF012 - set per instance by the harvest before it is re-raised


def decode_json(url: str, body: bytes) -> Any:
    """JSON or one clear line; a document nested too deep is refused, not a RecursionError."""
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        start = " ".join(body[:40].decode("utf-8", "replace").split())
        raise SourceError(f"response from {url} is not JSON (starts with {start!r})") from None
    except RecursionError:
        raise SourceError(f"response from {url} is nested too deeply to be a postings list") from None


def direct_getter(http: HttpOptions) -> Getter:
    """A getter for ``fetch(limit)`` outside a harvest: plain retried requests, no revalidation; a 404/410
    is ``PageMissing`` here too, so a source's detail pages mean the same in both."""

    def get(url: str, json_body: Any = None) -> bytes:
        try:
            return fetch_bytes(url, http, json_body=json_body)
        except FetchStatus as exc:
            if exc.status in (404, 410):
                raise PageMissing(first_line(exc), url=url, status=exc.status) from None
            if is_transient(exc):  # fetch_bytes already retried it
                raise
            # Another status retrying cannot fix keeps its code, as the harvest's PageGetter raises it.
            raise SourceStatus(first_line(exc), status=exc.status) from None

    return get
