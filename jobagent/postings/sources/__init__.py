"""Posting sources behind one interface: ``parse_source(spec)`` -> ``Source``; ``fetch_all`` collects them.

Specs: ``feed:/path.json``, ``rss:/path-or-url``, ``greenhouse:{token}[?company=Name]``,
``lever:{site}[?company=Name]``, ``remotive[:{search}]``, ``arbeitnow[:{query}]``,
``jsonld:{careers page URL}`` (schema.org JobPosting markup).
Aggregators, opt in (``pip install 'jobagent[aggregators]'``): ``jobspy:{indeed|linkedin|glassdoor|google}``.
Applicant-tracking systems (issue 27 §1), each ``[?company=Name]``: ``ashby:{board}``, ``workable:{account}``,
``smartrecruiters:{company}``, ``recruitee:{company}``.
``personio:{company}[?company=Name]`` (XML feed), ``bamboohr:{company}[?company=Name]`` (list + details),
``workday:{career-site URL}`` (``https://acme.wd5.myworkdayjobs.com/External`` or
``https://wd5.myworkdaysite.com/recruiting/acme/External``; cxs search, 20 a page, + details).
"""

from jobagent.postings.sources.bamboohr import BambooHRSource
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
from jobagent.postings.sources.personio import PersonioSource
from jobagent.postings.sources.registry import KINDS, parse_source
from jobagent.postings.sources.workday import WorkdaySource

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
    "BambooHRSource",
    "PersonioSource",
    "WorkdaySource",
    "Source",
    "SourceError",
    "SourceReport",
    "fetch_all",
    "parse_source",
]
