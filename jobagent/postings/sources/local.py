"""Sources read from a file or a feed URL: ``feed:`` (JSON, CSV or RSS/Atom, told apart by content) and
``rss:`` (a file or a URL).

Local files are read with the same size cap as fetched sources; a harvest compares their SHA-256 with the
one stored last time, so an unchanged file costs a read and nothing else (the local twin of a 304).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from jobagent.errors import InvalidInput, SourceError
from jobagent.postings.feeds import DEFAULT_FEED_MAX_BYTES, parse_feed, read_capped
from jobagent.postings.rss import parse_rss, rss_postings
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, fetch_bytes
from jobagent.postings.sources.paging import Getter


class JsonFeedSource:
    """``feed:/path``: a local export in JSON, CSV or RSS/Atom (the name is historical: JSON came first)."""

    is_local = True

    def __init__(self, path: str, *, name: str | None = None, max_bytes: int = DEFAULT_FEED_MAX_BYTES):
        self.path = path
        self.name = name or f"feed:{path}"
        self.max_bytes = max_bytes

    def read(self) -> bytes:
        return read_capped(self.path, self.max_bytes)

    def parse(self, body: bytes) -> list[PostingData]:
        return parse_feed(body, self.path, self.name).postings

    def fetch(self, limit: int) -> list[PostingData]:
        return self.parse(self.read())[:limit]


class RssSource:
    """``rss:/path/or/url``: RSS or Atom, read from a file or fetched by us (never by feedparser)."""

    def __init__(self, location: str, *, http: HttpOptions, name: str | None = None):
        self.location = location
        self.http = http
        self.name = name or f"rss:{location}"

    @property
    def is_local(self) -> bool:
        return urlsplit(self.location).scheme.lower() not in ("http", "https")

    def read(self) -> bytes:
        if not self.is_local:
            return fetch_bytes(self.location, self.http)
        return read_capped(self.location, self.http.max_bytes, what="RSS feed")

    def parse(self, body: bytes) -> list[PostingData]:
        parsed = parse_rss(body)
        if parsed is None:
            if self.is_local:  # the user's own file: a permanent input error
                raise InvalidInput(f"{self.location} is not an RSS or Atom feed")
            raise SourceError(f"{self.location} is not an RSS or Atom feed")
        return rss_postings(parsed, self.name)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        yield self.parse(get(self.location))

    def fetch(self, limit: int) -> list[PostingData]:
        return self.parse(self.read())[:limit]
