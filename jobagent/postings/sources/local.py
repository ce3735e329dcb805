"""Sources read from a file or a feed URL: local JSON feeds and RSS/Atom."""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

from jobagent.errors import InvalidInput
from jobagent.postings.feeds import canonical_url, html_to_text, load_feed
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, SourceError, clean, fetch_bytes


class JsonFeedSource:
    """``feed:/path.json``: a local JSON export read by ``feeds.load_feed``."""

    def __init__(self, path: str, *, name: str | None = None):
        self.path = path
        self.name = name or f"feed:{path}"

    def fetch(self, limit: int) -> list[PostingData]:
        postings = load_feed(self.path)
        return [p.model_copy(update={"source": self.name}) for p in postings[:limit]]


def _struct_to_utc(value: Any) -> datetime | None:
    # feedparser normalizes dates to UTC struct_time
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


class RssSource:
    """``rss:/path/or/url``: RSS or Atom, read from a file or fetched by us (never by feedparser)."""

    def __init__(self, location: str, *, http: HttpOptions, name: str | None = None):
        self.location = location
        self.http = http
        self.name = name or f"rss:{location}"

    def _read(self) -> bytes:
        if urlsplit(self.location).scheme.lower() in ("http", "https"):
            return fetch_bytes(self.location, self.http)
        file = Path(self.location).expanduser()
        if not file.is_file():
            raise InvalidInput(f"RSS feed not found: {self.location}")
        try:
            return file.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"RSS feed cannot be read: {self.location} ({exc.strerror})") from None

    def fetch(self, limit: int) -> list[PostingData]:
        parsed = feedparser.parse(self._read())
        if not parsed.get("version") and not parsed.entries:
            reason = parsed.get("bozo_exception")
            detail = f" ({str(reason).splitlines()[0]})" if reason else ""
            raise SourceError(f"{self.location} is not an RSS or Atom feed{detail}")
        feed_title = clean(parsed.feed.get("title"))
        out: list[PostingData] = []
        for entry in parsed.entries:
            if len(out) >= limit:
                break
            posting = self._posting(entry, feed_title)
            if posting:
                out.append(posting)
        return out

    def _posting(self, entry: Any, feed_title: str | None) -> PostingData | None:
        title = clean(entry.get("title"))
        if not title:
            return None
        link = clean(entry.get("link"))
        external = clean(entry.get("id"))
        if not external:
            key = canonical_url(link) or title
            external = hashlib.sha1(key.encode("utf-8")).hexdigest()
        content = entry.get("content")
        body = content[0].get("value") if content else entry.get("summary")
        location = clean(entry.get("location"))
        return PostingData(
            source=self.name, external_id=external, url=link, title=title,
            company=clean(entry.get("author")) or feed_title or "unknown", location=location,
            remote="remote" in f"{title} {location or ''}".lower(),
            posted_at=_struct_to_utc(entry.get("published_parsed") or entry.get("updated_parsed")),
            description=html_to_text(str(body or "")),
        )
