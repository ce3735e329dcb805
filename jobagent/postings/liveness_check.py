"""The liveness re-check (issue 24 §5): fetch again the postings people are about to see, and close the
ones that are gone.

Its own RQ task (``liveness_task``), queued after each harvest and never run inside a search: an
interactive search must not wait on other people's servers. It looks only at open postings that were shown
(matched, or on a board) or saved in the last ``JOBAGENT_LIVENESS_DAYS``, each at most once a day, through
the safe fetcher (``jobagent.fetching``: SSRF checks, size cap, overall deadline), one request at a time per
host with the harvest's own per-host pacing, and within ``JOBAGENT_LIVENESS_BUDGET`` seconds in all.

What closes a posting: 404 or 410, a redirect to a listing page, or a page that says it is closed
(``postings.liveness``). What never does: an unreachable host, a timeout, a 5xx, a refused fetch. A server
having a bad day must not hide live adverts, so doubt keeps the posting open and the next day checks again.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update

from jobagent.config import Settings, get_settings
from jobagent.errors import FetchRefused, FetchStatus, JobagentError, first_line
from jobagent.postings.liveness import closed_by_date, closed_by_text, listing_redirect
from jobagent.redaction import redact_url
from jobagent.store.models import BoardEntry, Match, Posting, PostingCheck, utcnow
from jobagent.store.session import session_scope
from jobagent.text import html_to_text, parse_date

log = logging.getLogger(__name__)

PAGE_CHARS = 4000  # of a page's text: headers and navigation come before the advert itself
MAX_PAGE_BYTES = 2 * 1024 * 1024
_CLOSING_STATUSES = (404, 410)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_VALID_THROUGH = re.compile(r'"validThrough"\s*:\s*"([^"]{8,40})"')


@dataclass
class LivenessReport:
    due: int = 0
    checked: int = 0
    closed: int = 0
    unreachable: int = 0
    out_of_budget: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def due_postings(session: Any, now: datetime, days: int) -> list[tuple[str, str]]:
    """(id, url) of open postings shown or saved in the last ``days`` and not checked in the last day."""
    cutoff = now - timedelta(days=days)
    on_boards = select(BoardEntry.posting_id).where(or_(BoardEntry.last_found_at >= cutoff,
                                                        BoardEntry.changed_at >= cutoff))
    matched = select(Match.posting_id).where(Match.created_at >= cutoff)
    checked = select(PostingCheck.posting_id).where(PostingCheck.checked_at > now - timedelta(days=1))
    rows = session.execute(select(Posting.id, Posting.url).where(
        Posting.closed_at.is_(None), Posting.url.is_not(None),
        or_(Posting.id.in_(on_boards), Posting.id.in_(matched)), Posting.id.not_in(checked))
        .order_by(Posting.id)).all()
    return [(pid, url) for pid, url in rows if url]


def _round_robin(due: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One posting per host in turn, so the per-host interval passes while other hosts are asked."""
    by_host: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in due:
        by_host[(urlsplit(item[1]).hostname or "").lower()].append(item)
    queues = list(by_host.values())
    out: list[tuple[str, str]] = []
    while queues:
        out.extend(q.pop(0) for q in queues)
        queues = [q for q in queues if q]
    return out


def page_verdict(url: str, final_url: str, content: bytes, content_type: str | None,
                 now: datetime) -> str | None:
    """Why the fetched page shows the posting closed, or None when it looks live."""
    if listing_redirect(url, final_url):
        return f"redirected to a listing page ({redact_url(final_url)})"
    charset = "utf-8"
    if content_type and "charset=" in content_type:
        charset = content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
    try:
        html = content.decode(charset, errors="replace")
    except LookupError:
        html = content.decode("utf-8", errors="replace")
    title = _TITLE.search(html[:20000])
    text = html_to_text(html)
    said = closed_by_text(html_to_text(title.group(1)) if title else "", text, chars=PAGE_CHARS)
    if said:
        return f"the page says {said.removeprefix('the advert says ')}"
    valid = _VALID_THROUGH.search(html)
    return closed_by_date(parse_date(valid.group(1)) if valid else None, text[:PAGE_CHARS], now)


def check_posting(url: str, settings: Settings, now: datetime, remaining: float) -> tuple[str, str | None]:
    """(outcome, detail): "closed" with its reason, "open", or "unreachable"/"refused" (never closing)."""
    from jobagent.fetching import fetch_url

    try:
        doc = fetch_url(url, max_bytes=MAX_PAGE_BYTES, timeout=min(settings.http_timeout, remaining),
                        allow_private=settings.allow_private_urls, deadline=min(settings.fetch_deadline, remaining))
    except FetchStatus as exc:
        if exc.status in _CLOSING_STATUSES:
            return "closed", f"the page answered HTTP {exc.status}"
        return "unreachable", first_line(exc)
    except FetchRefused as exc:
        return "refused", first_line(exc)
    except JobagentError as exc:  # timeouts, deadlines, refused connections, DNS: doubt keeps it open
        return "unreachable", first_line(exc)
    reason = page_verdict(url, doc.final_url, doc.content, doc.content_type, now)
    return ("closed", reason) if reason else ("open", None)


def _record(pid: str, outcome: str, detail: str | None, now: datetime) -> None:
    """One transaction per posting: a task stopped half-way keeps what it learnt."""
    with session_scope() as s:
        row = s.get(PostingCheck, pid)
        if row is None:
            s.add(PostingCheck(posting_id=pid, checked_at=now, outcome=outcome, detail=(detail or "")[:300] or None,
                               checks=1))
        else:
            row.checked_at, row.outcome, row.detail, row.checks = now, outcome, (detail or "")[:300] or None, \
                row.checks + 1
        if outcome == "closed":
            s.execute(update(Posting).where(Posting.id == pid, Posting.closed_at.is_(None))
                      .values(closed_at=now, closed_reason=(detail or "closed")[:200]))


def run_liveness_check(settings: Settings | None = None, now: datetime | None = None) -> LivenessReport:
    """Re-check every due posting within the time budget; what the budget did not reach waits for next time."""
    from jobagent.pacing import host_slot

    settings = settings or get_settings()
    report = LivenessReport()
    if not settings.liveness_check:
        return report
    with session_scope() as s:
        due = _round_robin(due_postings(s, now or utcnow(), settings.liveness_days))
    report.due = len(due)
    stop_at = time.monotonic() + settings.liveness_budget
    for pid, url in due:
        remaining = stop_at - time.monotonic()
        if remaining <= 0.05:
            report.out_of_budget = report.due - report.checked
            break
        with host_slot((urlsplit(url).hostname or "").lower(), settings.host_min_interval, settings):
            checked_at = now or utcnow()
            outcome, detail = check_posting(url, settings, checked_at, stop_at - time.monotonic())
        _record(pid, outcome, detail, checked_at)
        report.checked += 1
        report.reasons[outcome] = report.reasons.get(outcome, 0) + 1
        if outcome == "closed":
            report.closed += 1
        elif outcome == "unreachable":
            report.unreachable += 1
        log.info("liveness: %s %s%s", redact_url(url), outcome, f" ({detail})" if detail else "")
    return report


def recheck_before_delivery(posting_ids: list[str], settings: Settings | None = None,
                            now: datetime | None = None) -> dict[str, str]:
    """The postings among ``posting_ids`` that must not go out in a digest, each with its reason.

    A digest is the one thing that reaches people away from the board, so it gets a last look (issue 24 §5):
    postings the store already holds closed (the harvest or the re-check closed them since the search
    matched them) are dropped without a request; the open ones not checked in the last day are fetched,
    one host at a time, within ``JOBAGENT_LIVENESS_DELIVERY_BUDGET`` seconds. Doubt keeps a posting in, as
    in the daily re-check: an unreachable host, a 5xx or an exhausted budget never drops one. With
    ``JOBAGENT_LIVENESS_CHECK=off`` only the store's own closures apply. It runs in DeliveryNode, after the
    matches are stored, so a search's results never wait on it.
    """
    from jobagent.pacing import host_slot

    settings = settings or get_settings()
    now = now or utcnow()
    unique = list(dict.fromkeys(posting_ids))
    with session_scope() as s:
        rows = s.execute(select(Posting.id, Posting.url, Posting.closed_at, Posting.closed_reason)
                         .where(Posting.id.in_(unique))).all()
        recent = set(s.scalars(select(PostingCheck.posting_id).where(
            PostingCheck.posting_id.in_(unique), PostingCheck.checked_at > now - timedelta(days=1))))
    dropped = {pid: reason or "closed" for pid, _, closed_at, reason in rows if closed_at is not None}
    if not settings.liveness_check:
        return dropped
    due = _round_robin([(pid, url) for pid, url, closed_at, _ in rows
                        if closed_at is None and url and pid not in recent])
    stop_at = time.monotonic() + settings.liveness_delivery_budget
    for done, (pid, url) in enumerate(due):
        if stop_at - time.monotonic() <= 0.05:
            log.info("liveness before delivery: budget spent, %d postings go out unchecked", len(due) - done)
            break
        with host_slot((urlsplit(url).hostname or "").lower(), settings.host_min_interval, settings):
            outcome, detail = check_posting(url, settings, now, stop_at - time.monotonic())
        _record(pid, outcome, detail, now)
        if outcome == "closed":
            dropped[pid] = detail or "closed"
    return dropped


def liveness_task() -> dict[str, Any]:
    """RQ entry point, queued after each harvest (``liveness_queue.enqueue_liveness_check``); JSON out."""
    from jobagent.submission import ensure_schema

    settings = get_settings()
    ensure_schema(settings)
    if not settings.liveness_check:
        return {"liveness": "off"}
    return {"liveness": run_liveness_check(settings).as_dict()}
