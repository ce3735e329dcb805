"""Posting sources behind one interface: ``parse_source(spec)`` -> ``Source``; ``fetch_all`` collects them.

Specs: ``feed:/path.json``, ``rss:/path-or-url``, ``greenhouse:{token}[?company=Name]``,
``lever:{site}[?company=Name]``, ``remotive[:{search}]``, ``arbeitnow[:{query}]``,
``jsonld:{careers page URL}`` (schema.org JobPosting markup).
"""

from jobagent.postings.sources.base import (
    DEFAULT_BASE_URLS,
    HttpOptions,
    Source,
    SourceError,
    SourceReport,
    fetch_all,
)
from jobagent.postings.sources.boards import ArbeitnowSource, GreenhouseSource, LeverSource, RemotiveSource
from jobagent.postings.sources.jsonld import JsonLdSource
from jobagent.postings.sources.local import JsonFeedSource, RssSource
from jobagent.postings.sources.registry import KINDS, parse_source

__all__ = [
    "DEFAULT_BASE_URLS",
    "KINDS",
    "ArbeitnowSource",
    "GreenhouseSource",
    "HttpOptions",
    "JsonFeedSource",
    "JsonLdSource",
    "LeverSource",
    "RemotiveSource",
    "RssSource",
    "Source",
    "SourceError",
    "SourceReport",
    "fetch_all",
    "parse_source",
]
