"""``parse_source``: a source spec such as ``greenhouse:acme`` to a ready ``Source``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from jobagent.errors import InvalidInput
from jobagent.postings.sources.ashby import AshbySource
from jobagent.postings.sources.bamboohr import BambooHRSource
from jobagent.postings.sources.base import HttpOptions, Source
from jobagent.postings.sources.boards import ArbeitnowSource, GreenhouseSource, LeverSource, RemotiveSource
from jobagent.postings.sources.jobspy_source import JobSpySource
from jobagent.postings.sources.jsonld import DEFAULT_MAX_PAGES, JsonLdSource
from jobagent.postings.sources.local import JsonFeedSource, RssSource
from jobagent.postings.sources.personio import PersonioSource
from jobagent.postings.sources.recruitee import RecruiteeSource
from jobagent.postings.sources.smartrecruiters import SmartRecruitersSource
from jobagent.postings.sources.workable import WorkableSource
from jobagent.postings.sources.workday import WorkdaySource
from jobagent.redaction import redact_source

KINDS = ("feed", "rss", "greenhouse", "lever", "remotive", "arbeitnow",
         "ashby", "workable", "smartrecruiters", "recruitee", "personio", "bamboohr", "workday",
         "jsonld", "jobspy")


# The JSON applicant-tracking sources of issue 27 §1: ``kind:{board}[?company=Name]``, like greenhouse.
_ATS_JSON: dict[str, Any] = {"ashby": AshbySource, "workable": WorkableSource,
                             "smartrecruiters": SmartRecruitersSource, "recruitee": RecruiteeSource}


def _split_company(arg: str) -> tuple[str, str | None]:
    """``acme?company=Acme Inc`` -> ("acme", "Acme Inc"); the board token alone names the company otherwise."""
    token, _, query = arg.partition("?")
    company = parse_qs(query).get("company", [""])[0].strip() or None
    return token.strip(), company


def parse_source(spec: str, *, settings: Any = None, base_urls: dict[str, str] | None = None,
                 allow_private: bool | None = None, timeout: float | None = None,
                 max_bytes: int | None = None, http: HttpOptions | None = None) -> Source:
    """Build the source a spec names.

    ``settings`` may be any object with ``allow_private_urls`` / ``http_timeout`` (e.g. ``jobagent.config``
    settings); explicit keyword arguments win over it, and ``http`` wins over both.
    """
    if http is None:
        http = HttpOptions(base_urls=dict(base_urls or {}))
        private = allow_private if allow_private is not None else getattr(settings, "allow_private_urls", None)
        http.allow_private = bool(private)
        chosen_timeout = timeout if timeout is not None else getattr(settings, "http_timeout", None)
        if chosen_timeout is not None:
            http.timeout = float(chosen_timeout)
        chosen_max = max_bytes if max_bytes is not None else getattr(settings, "source_max_bytes", None)
        if chosen_max is not None:  # the same cap for fetched boards and local feed files (issue 11 item 11)
            http.max_bytes = int(chosen_max)
    spec = spec.strip()
    kind, sep, arg = spec.partition(":")
    kind = kind.strip().lower()
    arg = arg.strip()
    if kind not in KINDS:
        raise InvalidInput(f"unknown source kind {kind!r} in {redact_source(spec)!r}; use one of {', '.join(KINDS)}")
    if kind == "arbeitnow":
        return ArbeitnowSource(arg, http=http, name=spec)
    if kind == "remotive":
        return RemotiveSource(arg, http=http, name=spec)
    if not arg:
        raise InvalidInput(f"source {redact_source(spec)!r} needs a value after '{kind}:'")
    if kind == "feed":
        return JsonFeedSource(arg, name=spec, max_bytes=http.max_bytes)
    if kind == "rss":
        return RssSource(arg, http=http, name=spec)
    if kind == "workday":  # the argument is a URL (its own ?company= is read by the source)
        return WorkdaySource(arg, http=http, name=spec)
    if kind == "jsonld":
        return JsonLdSource(arg, http=http, name=spec,
                            max_pages=getattr(settings, "jsonld_max_pages", None) or DEFAULT_MAX_PAGES)
    if kind == "jobspy":  # an aggregator through python-jobspy, opt in (issue 27 §4)
        return _jobspy(arg, http, spec, settings)
    token, company = _split_company(arg)
    if not token:
        raise InvalidInput(f"source {redact_source(spec)!r} needs a board name after '{kind}:'")
    if kind == "personio":
        return PersonioSource(token, http=http, company=company, name=spec)
    if kind == "bamboohr":
        return BambooHRSource(token, http=http, company=company, name=spec)
    if kind == "greenhouse":
        return GreenhouseSource(token, http=http, company=company, name=spec)
    if kind in _ATS_JSON:
        return _ATS_JSON[kind](token, http=http, company=company, name=spec)
    return LeverSource(token, http=http, company=company, name=spec)


def _jobspy(site: str, http: HttpOptions, spec: str, settings: Any) -> JobSpySource:
    """``jobspy:SITE`` with the JOBAGENT_JOBSPY_* settings (defaults without settings, e.g. in a check)."""
    options = {name: value for name, value in (
        ("max_queries", getattr(settings, "jobspy_max_queries", None)),
        ("results_wanted", getattr(settings, "jobspy_results_wanted", None)),
        ("hours_old", getattr(settings, "jobspy_hours_old", None)),
        ("country", getattr(settings, "jobspy_country", None)),
        ("close_missing", getattr(settings, "jobspy_close_missing", None))) if value is not None}
    return JobSpySource(site, http=http, name=spec, **options)
