"""Posting sources: harvest them by hand and show their harvest state (issue 12)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from jobagent.config import Settings, get_settings
from jobagent.submission import ensure_schema

__all__ = ["HarvestView", "SourceState", "SourcesView", "harvest", "list_sources"]


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
    configured: bool
    last_harvest_at: str | None  # ISO 8601, UTC
    outcome: str | None  # None: a harvest is under way for the first time
    error: str | None
    open: int
    closed: int
    next_harvest_at: str | None  # ISO 8601, or "due now"
    requests: int
    pages: int


class SourcesView(BaseModel):
    sources: list[SourceState]
    default_sources: list[str]
    kinds: list[str]
    base_urls: dict[str, str]


def harvest(specs: list[str] | None = None, *, settings: Settings | None = None) -> list[HarvestView]:
    """Harvest the given sources (default: every configured one) now, whatever their schedule."""
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


def list_sources(*, settings: Settings | None = None) -> SourcesView:
    """Every configured or once-harvested source: last harvest, outcome, open/closed postings, next harvest."""
    from sqlalchemy import select

    from jobagent.postings.harvest_store import source_counts
    from jobagent.postings.sources import DEFAULT_BASE_URLS, KINDS
    from jobagent.redaction import redact_source, redact_text
    from jobagent.store.models import SourceState as SourceRow
    from jobagent.store.session import session_scope

    settings = settings or get_settings()
    ensure_schema(settings)
    configured = settings.default_sources()
    with session_scope() as s:
        states = {r.spec: r for r in s.scalars(select(SourceRow))}
        counts = source_counts(s)
    rows = []
    for spec in [*configured, *sorted(set(states) - set(configured))]:
        st = states.get(spec)
        open_n, closed_n = counts.get(spec, (0, 0))
        rows.append(SourceState(
            source=redact_source(spec), configured=spec in configured,
            last_harvest_at=_iso(st.last_harvest_at) if st else None,
            outcome=st.outcome if st else "never harvested", error=redact_text(st.error) if st and st.error else None,
            open=open_n, closed=closed_n,
            next_harvest_at=_iso(st.next_harvest_at) if st else "due now",
            requests=st.requests if st else 0, pages=st.pages if st else 0,
        ))
    return SourcesView(sources=rows, default_sources=[redact_source(spec) for spec in configured], kinds=list(KINDS),
                       base_urls={**DEFAULT_BASE_URLS, **settings.source_base_urls})
