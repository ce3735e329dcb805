"""Harvest: fetch each source once, with all its pages, into the postings store.

Searches read the store (``postings/search.py``) and never fetch, so the number of requests a board sees
depends on how many sources there are, not on how many profiles search. Per harvest of a source:

- every request of the last complete harvest is first asked again, each with its own validators
  (``postings/revalidation``): when all answer 304 or the same body, the source is unchanged, which only
  refreshes ``last_seen_at`` (and counts misses again); a local file whose SHA-256 is unchanged likewise.
  At the first answer that differs the source is harvested in full;
- one request at a time per host, at least ``JOBAGENT_HOST_MIN_INTERVAL`` apart, shared by every process
  under workers (``jobagent.pacing``), and a 429/503's ``Retry-After`` holds the host for all of them (up to
  ``retry_policy.MAX_RETRY_AFTER``) before the page is asked again (``postings/page_getter``);
- a complete harvest upserts and counts misses; ``JOBAGENT_CLOSE_AFTER_MISSES`` consecutive misses close a
  posting; a failed harvest writes nothing but its ``sources`` row, a cut-short one closes nothing;
- a lock per source (a PostgreSQL advisory lock; an in-process lock on SQLite) serializes two harvests of
  one source; the one that waited sees the fresh harvest and skips, so nothing is fetched or counted twice.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from jobagent.config import Settings, get_settings
from jobagent.errors import (
    InvalidInput,
    JobagentError,
    first_line,
    translate,
)
from jobagent.postings.clipping import clip_postings, storable_validators
from jobagent.postings.harvest_store import count_misses_and_close, state_row, store_harvest, touch_unchanged
from jobagent.postings.page_getter import PageGetter
from jobagent.postings.revalidation import Answer, digest, plan_from, stored_plan
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.paging import CutShort, NotModified
from jobagent.redaction import redact_source, redact_text
from jobagent.store.models import SourceState, utcnow
from jobagent.store.session import get_engine, session_scope

log = logging.getLogger(__name__)

HARVEST_TASK = "jobagent.postings.harvest.harvest_task"
SUCCEEDED = ("ok", "unchanged", "partial")


@dataclass
class HarvestReport:
    source: str
    outcome: str  # ok | unchanged | partial | failed | fresh | skipped
    requests: int = 0
    pages: int = 0
    seen: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    error: str | None = None
    permanent: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """As shown and returned (task results, ``jobagent harvest``): credentials in a spec redacted."""
        return {**asdict(self), "source": redact_source(self.source),
                "error": redact_text(self.error) if self.error else self.error}

    def line(self) -> str:
        counts = (f"{self.pages} pages, {self.requests} requests; {self.seen} seen, {self.new} new, "
                  f"{self.updated} updated, {self.closed} closed")
        error = f": {redact_text(self.error)}" if self.error else ""
        return f"{redact_source(self.source)}: {self.outcome} ({counts}){error}"


def _retryable(exc: BaseException) -> bool:
    """The one retry policy decides from the error's type (5xx, 429, timeouts, connection errors)."""
    from jobagent.retry_policy import is_transient

    return is_transient(exc)



# --- one harvest per source at a time -------------------------------------------------------------------

_local_locks: dict[str, threading.Lock] = {}
_local_locks_lock = threading.Lock()


def _lock_key(spec: str) -> int:
    return int.from_bytes(hashlib.sha1(f"harvest:{spec}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def source_lock(spec: str) -> Iterator[None]:
    """PostgreSQL: a session advisory lock on its own autocommit connection (released if the process dies).
    SQLite (the embedded default, one process): a plain in-process lock."""
    from sqlalchemy import text

    engine = get_engine()
    if engine.dialect.name != "postgresql":
        with _local_locks_lock:
            lock = _local_locks.setdefault(spec, threading.Lock())
        with lock:
            yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _lock_key(spec)})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _lock_key(spec)})


# --- the harvest ----------------------------------------------------------------------------------------


def _fetch(source: Any, state: dict[str, Any], settings: Settings, report: HarvestReport
           ) -> tuple[list[PostingData], dict[str, str | None], list[Answer]]:
    """All postings of the source, the validators and the answers to store; raises NotModified / CutShort /
    errors."""
    postings: list[PostingData] = []
    if getattr(source, "is_local", False):
        body = source.read()
        hashed = digest(body)
        if state.get("etag") == hashed:
            raise NotModified(source.name)
        report.pages = 1
        return source.parse(body), {"etag": hashed, "last_modified": None}, []
    if not hasattr(source, "harvest"):  # a plug-in Source with only fetch(limit)
        report.pages = 1
        return list(source.fetch(10**9)), {"etag": None, "last_modified": None}, []
    plan: list[Answer] = state.get("plan") or []
    getter = PageGetter(source.http, settings.host_min_interval,
                        *((None, None) if plan else (state.get("etag"), state.get("last_modified"))),
                        settings=settings)
    try:
        if plan and getter.revalidate(plan):
            raise NotModified(source.name)
        for page in source.harvest(getter):
            report.pages += 1
            postings.extend(page)
    except CutShort as exc:
        exc.postings = postings  # what was read is kept (and closes nothing)
        raise
    finally:
        report.requests = getter.requests
    return postings, {"etag": getter.etag, "last_modified": getter.last_modified}, getter.answers


def harvest_source(spec: str, settings: Settings | None = None, *, fresh_within: float | None = None,
                   raise_input_errors: bool = False) -> HarvestReport:
    """Harvest one source now (or, with ``fresh_within`` seconds, only if its last good harvest is older)."""
    from jobagent.postings.sources import parse_source

    settings = settings or get_settings()
    began, started = time.perf_counter(), utcnow()
    source = parse_source(spec, settings=settings, base_urls=settings.source_base_urls)
    report = HarvestReport(source=spec, outcome="ok")
    with source_lock(spec):
        with session_scope() as s:
            row = s.get(SourceState, spec)
            state: dict[str, Any] = {"etag": row.etag, "last_modified": row.last_modified,
                                     "at": row.last_harvest_at, "outcome": row.outcome,
                                     "plan": plan_from(row.answers)} if row else {}
            if row and row.pages > 1:
                # A 304 for page 1 says nothing about page 3 (a posting removed there): without the answers
                # of every request (a row from before they were kept), a paged source is fetched in full.
                state["etag"] = state["last_modified"] = None
        last_good = state.get("at") if state.get("outcome") in SUCCEEDED else None
        if last_good and last_good >= started:
            report.outcome = "skipped"  # a concurrent harvest finished while we waited for the lock
            return report
        if fresh_within is not None and last_good and (started - last_good).total_seconds() < fresh_within:
            report.outcome = "fresh"
            return report
        answers: list[Answer] = []
        try:
            postings, validators, answers = _fetch(source, state, settings, report)
        except NotModified:
            report.outcome, postings, validators = "unchanged", [], {}
        except CutShort as exc:
            report.outcome, report.error = "partial", str(exc)
            postings, validators = exc.postings, {}
        except Exception as exc:  # noqa: BLE001 - any failure of one source is reported, never half-written
            report.outcome, report.error = "failed", _reported(exc)
            # The getter reports a board still down after its retries as SourceError; the typed cause (a 5xx,
            # a timeout) is its context, and it says the failure may pass (exit 1, not the user's input).
            # Only a typed fetch failure counts there: a parser's own error (an XML entity refused) is the answer.
            cause = exc.__context__
            report.permanent = not (_retryable(exc) or (isinstance(cause, JobagentError) and _retryable(cause)))
            if not isinstance(exc, JobagentError):
                log.exception("harvest of %s crashed", spec)
            postings, validators = [], {}
        try:
            _record(spec, clip_postings(postings), storable_validators(validators), report, settings, answers)
        except Exception as exc:
            if _retryable(exc):  # the store is away: nothing can be recorded now, the caller reports it
                raise
            _record_refusal(spec, exc, report, settings)
    report.seconds = round(time.perf_counter() - began, 3)
    log.info("harvest %s", report.line())
    if report.permanent and raise_input_errors:
        raise InvalidInput(report.error or f"cannot read {spec}")
    return report


def _reported(exc: BaseException) -> str:
    """A source row's one line: our own errors as they read, anything else named as unexpected."""
    return first_line(exc) if isinstance(exc, JobagentError) else f"unexpected error: {first_line(exc, named=True)}"


def _record_refusal(spec: str, exc: BaseException, report: HarvestReport, settings: Settings) -> None:
    """The store refused this harvest (a value it cannot hold): none of it is kept, and the source's row
    says why, so the other sources and the fan-out go on and the operator sees which board sent what."""
    log.error("harvest of %s: the store refused it: %s", spec, exc)
    report.outcome, report.error, report.permanent = "failed", _reported(translate(exc)), True
    report.seen = report.new = report.updated = report.closed = 0
    _record(spec, [], {}, report, settings)


def _record(spec: str, postings: list[PostingData], validators: dict[str, str | None], report: HarvestReport,
            settings: Settings, answers: list[Answer] | None = None) -> None:
    now = utcnow()
    with session_scope() as s:
        if report.outcome == "unchanged":
            # The same content as the last complete harvest: what it lacked is still missing, so misses count.
            report.seen = touch_unchanged(s, spec, now)
            report.closed = count_misses_and_close(s, spec, now, settings.close_after_misses, unchanged=True)
        elif report.outcome in ("ok", "partial"):
            counts = store_harvest(s, spec, postings, now, complete=report.outcome == "ok",
                                   close_after=settings.close_after_misses)
            report.seen, report.new, report.updated, report.closed = (counts.seen, counts.new, counts.updated,
                                                                      counts.closed)
        state = state_row(s, spec)
        if report.outcome == "ok" or (report.outcome == "partial" and validators):
            state.etag, state.last_modified = validators.get("etag"), validators.get("last_modified")
        if report.outcome in ("ok", "partial"):
            # Only a complete harvest's answers describe what is stored; a partial one's would not.
            state.answers = stored_plan(answers or []) if report.outcome == "ok" else None
        state.last_harvest_at = now
        # Only a scheduled source (JOBAGENT_SOURCES or ``sources add``) gets a next harvest; a search's
        # one-off ``--source`` is harvested for that search and stays off the schedule (issue 27 §6).
        scheduled = state.added_at is not None or (spec in settings.default_sources() and spec != sample_feed_spec())
        state.next_harvest_at = now + timedelta(seconds=settings.harvest_interval) if scheduled else None
        state.outcome, state.error, state.complete = report.outcome, report.error, report.outcome in ("ok",
                                                                                                      "unchanged")
        if state.complete:
            state.last_complete_at = now
        state.requests, state.seen = report.requests, report.seen
        if report.outcome in ("ok", "partial"):  # pages of the last harvest that read the source
            state.pages = report.pages
        state.new, state.updated, state.closed = report.new, report.updated, report.closed


def harvest_sources(specs: list[str], settings: Settings | None = None, *,
                    fresh_within: float | None = None) -> list[HarvestReport]:
    """Several sources at once (hosts are still asked one request at a time); a failure is a report line."""
    settings = settings or get_settings()

    def one(spec: str) -> HarvestReport:
        try:
            return harvest_source(spec, settings, fresh_within=fresh_within)
        except Exception as exc:  # noqa: BLE001 - a bad spec, the store away: this source's line, not a crash
            mapped = translate(exc)
            if not isinstance(mapped, JobagentError):
                log.exception("harvest of %s crashed", spec)
            return HarvestReport(source=spec, outcome="failed", error=_reported(mapped),
                                 permanent=not _retryable(mapped))

    if len(specs) <= 1:
        return [one(spec) for spec in specs]
    with ThreadPoolExecutor(max_workers=min(4, len(specs))) as pool:
        return list(pool.map(one, specs))


def added_sources() -> list[str]:
    """Sources ``jobagent sources add`` put on the schedule, oldest first."""
    with session_scope() as s:
        return list(s.scalars(select(SourceState.spec).where(SourceState.added_at.is_not(None))
                              .order_by(SourceState.added_at, SourceState.spec)))


def sample_feed_spec() -> str:
    """The bundled sample feed (``jobagent demo``'s postings): searched while nothing is configured, never
    scheduled, so the demo leaves no source in the user's configuration (issue 29 §5)."""
    from importlib import resources

    return f"feed:{resources.files('jobagent') / 'data' / 'sample_postings.json'}"


def configured_sources(settings: Settings | None = None) -> list[str]:
    """The scheduled sources: JOBAGENT_SOURCES (else the feed) and those added with ``sources add``; the
    bundled sample feed is never one of them (see ``search_sources``)."""
    settings = settings or get_settings()
    base = [spec for spec in settings.default_sources() if spec != sample_feed_spec()]
    return list(dict.fromkeys([*base, *added_sources()]))


def search_sources(settings: Settings | None = None) -> list[str]:
    """The sources a search without its own needs harvested once: the scheduled ones, else the bundled sample."""
    return configured_sources(settings) or [sample_feed_spec()]


def due_sources(settings: Settings | None = None, now: datetime | None = None) -> list[str]:
    """Configured sources never harvested or whose next harvest time has come."""
    settings = settings or get_settings()
    # A little slack, so the scheduled task that runs every interval is not beaten by a few seconds.
    now = (now or utcnow()) + timedelta(seconds=min(300.0, settings.harvest_interval * 0.05))
    specs = configured_sources(settings)
    with session_scope() as s:
        due_at = dict(s.execute(select(SourceState.spec, SourceState.next_harvest_at)
                                .where(SourceState.spec.in_(specs))).all())
    return [spec for spec in specs if (at := due_at.get(spec)) is None or at <= now]


def never_harvested(specs: list[str]) -> list[str]:
    with session_scope() as s:
        known = set(s.scalars(SourceState.__table__.select().with_only_columns(SourceState.spec)
                              .where(SourceState.spec.in_(specs))))
    return [spec for spec in specs if spec not in known]


def harvest_task(specs: list[str] | None = None) -> dict[str, Any]:
    """RQ entry point (scheduled every JOBAGENT_HARVEST_INTERVAL): the given or the due sources; JSON out."""
    from jobagent.submission import ensure_schema

    settings = get_settings()
    ensure_schema(settings)
    reports = harvest_sources(list(specs) if specs else due_sources(settings), settings)
    from jobagent.postings.liveness_queue import enqueue_liveness_check

    return {"harvested": [r.as_dict() for r in reports], "liveness_task": enqueue_liveness_check(settings)}
