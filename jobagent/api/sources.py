"""Posting sources: harvest them by hand, show their harvest state (issue 12), add them to the scheduled
harvest after one checking request, and find a company's board from its careers page (issue 27)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from jobagent.config import Settings, get_settings
from jobagent.submission import ensure_schema

__all__ = ["AddedSource", "DiscoveredSource", "DiscoveryView", "HarvestView", "SourceState", "SourcesView",
           "add_source", "discover_source", "harvest", "list_sources"]


class HarvestView(BaseModel):
    """One source's harvest: what was fetched and what changed in the postings store."""

    source: str
    outcome: str  # ok | unchanged | partial | failed | fresh | skipped
    requests: int
    pages: int
    seen: int
    new: int
    updated: int
    closed: int
    error: str | None
    permanent: bool  # a failure the user must fix (a malformed feed of theirs), not an outside fault
    seconds: float
    line: str  # the one-line summary the logs carry


class SourceState(BaseModel):
    source: str
    kind: str  # greenhouse, lever, jsonld, ... (the spec's prefix)
    configured: bool  # on the scheduled harvest: JOBAGENT_SOURCES or added with add_source
    last_harvest_at: str | None  # ISO 8601, UTC
    outcome: str | None  # None: a harvest is under way for the first time
    error: str | None
    open: int
    closed: int
    next_harvest_at: str | None  # ISO 8601, "due now", or None: not scheduled (harvested for one search)
    requests: int
    pages: int


class SourcesView(BaseModel):
    sources: list[SourceState]
    default_sources: list[str]
    kinds: list[str]
    base_urls: dict[str, str]


def harvest(specs: list[str] | None = None, *, settings: Settings | None = None) -> list[HarvestView]:
    """Harvest the given sources (default: every configured one) now, whatever their schedule.

    :param specs: the source specs to harvest; None harvests every configured source.

    Example::

        for h in harvest(["greenhouse:acme"]):
            print(h.source, h.outcome, h.new)
    """
    from jobagent.postings.harvest import configured_sources, harvest_sources
    from jobagent.postings.sources import parse_source

    settings = settings or get_settings()
    ensure_schema(settings)
    chosen = [s.strip() for s in (specs or configured_sources(settings)) if s.strip()]
    for spec in chosen:  # an unknown kind is the user's typo: refused before anything is fetched
        parse_source(spec, settings=settings)
    return [HarvestView(**r.as_dict(), line=r.line()) for r in harvest_sources(chosen, settings)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _next_harvest(row: Any, scheduled: bool) -> str | None:
    if not scheduled:
        return None
    return _iso(row.next_harvest_at) if row is not None and row.next_harvest_at is not None else "due now"


def list_sources(*, settings: Settings | None = None) -> SourcesView:
    """Every configured or once-harvested source: last harvest, outcome, open/closed postings, next harvest.

    Example::

        for state in list_sources().sources:
            print(state.source, state.outcome, state.open, state.next_harvest_at)
    """
    from sqlalchemy import select

    from jobagent.postings.harvest_store import source_counts
    from jobagent.postings.sources import DEFAULT_BASE_URLS, KINDS
    from jobagent.redaction import redact_source, redact_text
    from jobagent.store.models import SourceState as SourceRow
    from jobagent.store.session import session_scope

    settings = settings or get_settings()
    ensure_schema(settings)
    from jobagent.postings.harvest import configured_sources

    configured = configured_sources(settings)
    with session_scope() as s:
        states = {r.spec: r for r in s.scalars(select(SourceRow))}
        counts = source_counts(s)
    rows = []
    for spec in [*configured, *sorted(set(states) - set(configured))]:
        st = states.get(spec)
        open_n, closed_n = counts.get(spec, (0, 0))
        rows.append(SourceState(
            source=redact_source(spec), kind=spec.partition(":")[0].strip().lower(), configured=spec in configured,
            last_harvest_at=_iso(st.last_harvest_at) if st else None,
            outcome=st.outcome if st else "never harvested", error=redact_text(st.error) if st and st.error else None,
            open=open_n, closed=closed_n,
            next_harvest_at=_next_harvest(st, spec in configured),
            requests=st.requests if st else 0, pages=st.pages if st else 0,
        ))
    return SourcesView(sources=rows, default_sources=[redact_source(spec) for spec in configured], kinds=list(KINDS),
                       base_urls={**DEFAULT_BASE_URLS, **settings.source_base_urls})


class AddedSource(BaseModel):
    """A source put on the scheduled harvest."""

    source: str
    kind: str
    checked: bool  # one request was made and the board answered
    postings: int | None  # what that first answer held (None: not checked)
    already: bool  # it was on the schedule before


def add_source(spec: str, *, check: bool = True, settings: Settings | None = None) -> AddedSource:
    """Put ``spec`` on the scheduled harvest after one request proves the board exists.

    A board that does not exist raises ``BoardNotFound`` (an input error), other refusals an ``InputError``;
    a board that cannot be asked now raises ``CheckUnavailable`` and nothing is added (``check=False`` adds
    it unchecked). The next scheduled harvest picks it up (it is due at once).

    :param spec: the source, e.g. ``greenhouse:acme`` or ``workday:https://acme.wd5.myworkdayjobs.com/External``.
    :param check: ask the board once first, so a typo is refused rather than harvested forever.

    Example::

        added = add_source("lever:globex")
        print(added.source, added.postings)
    """
    from jobagent.postings.harvest_store import state_row
    from jobagent.postings.sources import parse_source
    from jobagent.postings.sources.checking import check_source
    from jobagent.redaction import redact_source
    from jobagent.store.models import utcnow
    from jobagent.store.session import session_scope

    settings = settings or get_settings()
    ensure_schema(settings)
    spec = spec.strip()
    source = parse_source(spec, settings=settings, base_urls=settings.source_base_urls)
    found = check_source(source, min_interval=settings.host_min_interval) if check else None
    with session_scope() as s:
        row = state_row(s, spec)
        in_settings = spec in [x.strip() for x in settings.sources.split(",")]
        already = row.added_at is not None or in_settings
        if row.added_at is None:
            row.added_at = utcnow()  # a row without a next harvest time is due at once
    return AddedSource(source=redact_source(spec), kind=spec.partition(":")[0].strip().lower(), checked=check,
                       postings=found, already=already)


class DiscoveredSource(BaseModel):
    kind: str
    spec: str
    evidence: str  # the URL (or markup) on the page that names the board


class DiscoveryView(BaseModel):
    url: str
    sources: list[DiscoveredSource]  # best first: the ATS boards the page names, else its JSON-LD
    added: AddedSource | None


def discover_source(url: str, *, add: bool = False, check: bool = True,
                    settings: Settings | None = None) -> DiscoveryView:
    """Read a company's careers page and name the board(s) it uses; with ``add``, add the first one.

    The page is fetched with the SSRF-safe fetcher (private addresses refused unless allowed). A page that
    names no board we can read raises an ``InputError``.

    :param url: a company's careers page.
    :param add: add the first board found to the scheduled harvest.
    :param check: with ``add``: ask the board once first.

    Example::

        view = discover_source("https://acme.example/careers", add=True)
        print([found.spec for found in view.sources], view.added)
    """
    from jobagent.errors import InputError
    from jobagent.postings.sources.base import HttpOptions, fetch_bytes
    from jobagent.postings.sources.discovery import discover
    from jobagent.postings.sources.pages import read_page
    from jobagent.redaction import redact_url

    settings = settings or get_settings()
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    http = HttpOptions(allow_private=settings.allow_private_urls, timeout=settings.http_timeout,
                       max_bytes=settings.source_max_bytes)
    found = discover(read_page(fetch_bytes(url, http), url), url)
    if not found:
        raise InputError(f"{redact_url(url)}: no applicant-tracking system or schema.org JobPosting markup found "
                         "on the page")
    added = add_source(found[0].spec, check=check, settings=settings) if add else None
    return DiscoveryView(url=redact_url(url), sources=[DiscoveredSource(kind=f.kind, spec=f.spec, evidence=f.evidence)
                                                       for f in found], added=added)
