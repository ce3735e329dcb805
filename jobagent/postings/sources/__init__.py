"""Posting sources behind one interface: ``parse_source(spec)`` -> ``Source``; ``fetch_all`` collects them.

Specs: ``feed:/path.json``, ``rss:/path-or-url``, ``greenhouse:{token}[?company=Name]``,
``lever:{site}[?company=Name]``, ``remotive[:{search}]``, ``arbeitnow[:{query}]``.
Applicant-tracking systems (issue 27 §1), each ``[?company=Name]``: ``ashby:{board}``, ``workable:{account}``,
``smartrecruiters:{company}``, ``recruitee:{company}``.
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
from jobagent.postings.sources.local import JsonFeedSource, RssSource
from jobagent.postings.sources.registry import KINDS, parse_source

__all__ = [
    "DEFAULT_BASE_URLS",
    "KINDS",
    "ArbeitnowSource",
    "GreenhouseSource",
    "HttpOptions",
    "JsonFeedSource",
    "LeverSource",
    "RemotiveSource",
    "RssSource",
    "Source",
    "SourceError",
    "SourceReport",
    "fetch_all",
    "parse_source",
]
