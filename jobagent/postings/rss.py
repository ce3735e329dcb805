"""RSS/Atom items as postings, with the company and location that job feeds pack into the item title.

Job feeds rarely fill ``author``; they write "Title at Company (Location)", "Company: Title" or
"Title - Company - Location". Reading those shapes gives the real employer, which the grounding check of
cover letters needs (the channel title is the feed's name, not an employer).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import feedparser

from jobagent.postings.dedup import canonical_url
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.text import html_to_text, parse_date

_AT = re.compile(r"^(?P<title>.+?)\s+at\s+(?P<company>[^()]+?)\s*(?:\((?P<location>[^()]+)\))?\s*$")
_COLON = re.compile(r"^(?P<company>[^:]{2,80}):\s+(?P<title>.+)$")
_DASHES = re.compile(r"\s+[-–—|]\s+")


def split_title(raw: str) -> tuple[str, str | None, str | None]:
    """(title, company, location) from an item title; company/location None when the title has no shape."""
    text = " ".join(raw.split())
    match = _AT.match(text)
    if match:
        return match["title"].strip(), match["company"].strip(), (match["location"] or "").strip() or None
    parts = _DASHES.split(text)
    if len(parts) >= 3:
        return parts[0].strip(), parts[1].strip(), " - ".join(parts[2:]).strip() or None
    match = _COLON.match(text)
    if match:
        return match["title"].strip(), match["company"].strip(), None
    return text, None, None  # "Engineer - Backend" is too ambiguous to split


def _clean(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return " ".join(str(value).split()) or None


def parse_rss(body: bytes) -> Any | None:
    """The parsed feed, or None when the bytes are no RSS or Atom at all."""
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        return None
    return parsed


def rss_postings(parsed: Any, source: str) -> list[PostingData]:
    feed_title = _clean(parsed.feed.get("title"))
    return [p for p in (entry_posting(e, source, feed_title) for e in parsed.entries) if p]


def entry_posting(entry: Any, source: str, feed_title: str | None) -> PostingData | None:
    raw_title = _clean(entry.get("title"))
    if not raw_title:
        return None
    author = _clean(entry.get("author"))
    title, company, location = (raw_title, None, None) if author else split_title(raw_title)
    link = _clean(entry.get("link"))
    external = _clean(entry.get("id"))
    if not external:
        key = canonical_url(link) or raw_title
        external = hashlib.sha1(key.encode("utf-8")).hexdigest()
    content = entry.get("content")
    body = content[0].get("value") if content else entry.get("summary")
    location = _clean(entry.get("location")) or location
    description = html_to_text(str(body or ""))
    return PostingData(
        source=source, external_id=external, url=link, title=title,
        company=author or company or feed_title or "unknown", location=location,
        remote="remote" in f"{raw_title} {location or ''}".lower(),
        posted_at=parse_date(entry.get("published_parsed") or entry.get("updated_parsed")),
        description=description, **read_pay(description=description).fields(),
    )
