"""The keys that make one posting one row, however many sources or runs find it: the canonical URL, the
company + title + location fingerprint, and the board's repost key (company + title)."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jobagent.postings.filters import normalize_company
from jobagent.postings.schema import PostingData
from jobagent.text import normalize


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def repost_key(company: str, title: str) -> str:
    """Same employer (legal forms ignored) and same title: the same advert for skip/applied purposes."""
    return hashlib.sha1(f"{normalize_company(company)}|{normalize(title)}".encode()).hexdigest()


def posting_fingerprint(p: PostingData) -> str:
    """Same advert re-posted by another board (new id, new URL) still gets the same key."""
    key = "|".join(normalize(part) for part in (p.company, p.title, p.location))
    return _sha1(key)


def posting_keys(p: PostingData) -> tuple[str, str | None]:
    """(fingerprint, canonical URL or None): what a stored posting is found by, the URL first."""
    return posting_fingerprint(p), canonical_url(p.url) if p.url else None


def canonical_url(url: str | None) -> str | None:
    """A URL form that survives tracking params, fragments and case, or None when it is not a web URL."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:  # a non-numeric or out-of-range port: not a URL anyone can open
        return None
    if (scheme, port) in (("http", 80), ("https", 443)):
        port = None
    netloc = f"{host}:{port}" if port else host
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in params if not k.lower().startswith("utm_")]
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))
