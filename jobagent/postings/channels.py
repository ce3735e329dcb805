"""Sending a search's new matches over each delivery channel (email, webhook) exactly once per channel.

Deliveries are keyed per profile × posting × channel, so a channel that failed gets its postings on the
next run while a channel that worked does not repeat them. Before a channel sends, its postings are
*claimed*: rows under that unique key, committed, so two searches of one profile running at once (the
daily fan-out runs one per title) cannot both send a posting (issue 23 §5). A claim becomes a delivery as
soon as the channel succeeded, in one transaction for all of its postings, so a worker that dies between
the two channels does not send the first one again on the retry; a failed send releases its claims, so
the next run retries them. What is left is the window between a server accepting and the record
committing; for it the e-mail carries a stable ``Message-ID`` and the webhook an ``Idempotency-Key``, both
derived from the run id and channel, so a resend is recognisable as the same message (the runbook in
README.md says what mail clients do with it).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from jobagent.config import Settings
from jobagent.postings.schema import MatchResult
from jobagent.store.models import Delivery, new_id, utcnow
from jobagent.store.session import session_scope
from jobagent.store.upsert import dialect_insert

EMAIL, WEBHOOK = "email", "webhook"


@dataclass
class ChannelOutcome:
    delivered: int = 0  # postings that went out on at least one channel in this run
    already_delivered: int = 0  # postings every configured channel had sent before
    failures: dict[str, str] = field(default_factory=dict)


def configured_channels(settings: Settings) -> list[str]:
    return [c for c, on in ((EMAIL, bool(settings.smtp_host)), (WEBHOOK, bool(settings.webhook_url))) if on]


def idempotency_key(run_id: str, channel: str) -> str:
    return f"{run_id}:{channel}"


def message_id(run_id: str, channel: str, sender: str) -> str:
    """The same ``Message-ID`` for every attempt of one run's digest, so a resend is a visible duplicate."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "jobagent.localhost"
    return f"<jobagent.{run_id}.{channel}@{domain}>"


# A claim older than this whose run never marked it delivered nor released it is taken to be a crash: the
# process died during the send (a send takes at most the HTTP/SMTP timeout, 30 s by default), so another
# run may claim it again. The same run's own retry re-claims it at once (same Message-ID, see above).
STALE_CLAIM = timedelta(minutes=15)

Transaction = Callable[[], AbstractContextManager[Session]]


def _key(profile_id: str, channel: str, posting_ids: list[str]) -> Any:
    return and_(Delivery.profile_id == profile_id, Delivery.channel == channel, Delivery.posting_id.in_(posting_ids))


def claim(profile_id: str, run_id: str, posting_ids: list[str], channel: str,
          transaction: Transaction = session_scope) -> set[str]:
    """The postings this run may send on ``channel`` now, claimed in one transaction before the send.

    Each is a row under the unique key (profile, posting, channel) with ``delivered_at`` NULL: inserted
    unless a row exists (ON CONFLICT DO NOTHING, so of two concurrent runs one wins and the other waits for
    it and then skips), this run's own claim from an attempt that died (its retry resends), or another
    run's claim older than ``STALE_CLAIM``, taken over.
    """
    if not posting_ids:
        return set()
    now = utcnow()
    with transaction() as s:
        rows = [{"id": new_id(), "profile_id": profile_id, "posting_id": pid, "run_id": run_id, "channel": channel,
                 "claimed_at": now, "delivered_at": None} for pid in posting_ids]
        s.execute(dialect_insert(s, Delivery).values(rows).on_conflict_do_nothing(
            index_elements=["profile_id", "posting_id", "channel"]))
        s.execute(update(Delivery).where(_key(profile_id, channel, posting_ids), Delivery.delivered_at.is_(None),
                                         Delivery.run_id != run_id, Delivery.claimed_at < now - STALE_CLAIM)
                  .values(run_id=run_id, claimed_at=now))
        return set(s.scalars(select(Delivery.posting_id).where(
            _key(profile_id, channel, posting_ids), Delivery.run_id == run_id, Delivery.delivered_at.is_(None))))


def mark_delivered(profile_id: str, run_id: str, posting_ids: list[str], channel: str) -> None:
    """The server accepted: this run's claims become deliveries, one statement for the channel."""
    with session_scope() as s:
        s.execute(update(Delivery).where(_key(profile_id, channel, posting_ids), Delivery.run_id == run_id,
                                         Delivery.delivered_at.is_(None)).values(delivered_at=utcnow()))


def release(profile_id: str, run_id: str, posting_ids: list[str], channel: str) -> None:
    """The send failed: drop this run's claims, so the next run offers the postings again."""
    with session_scope() as s:
        s.execute(delete(Delivery).where(_key(profile_id, channel, posting_ids), Delivery.run_id == run_id,
                                         Delivery.delivered_at.is_(None)))


Sender = Callable[[str, list[MatchResult]], None]


def deliver(profile_id: str, run_id: str, matches: list[MatchResult], posting_ids: list[str],
            senders: dict[str, Sender], *, before_send: Callable[[], None] | None = None,
            transaction: Transaction = session_scope) -> ChannelOutcome:
    """Send each channel the matches no run has sent (or is sending) this profile, claiming them first.

    ``posting_ids`` are the store ids of ``matches`` (same order). ``senders`` maps a channel to a function
    sending a list of matches, raising ``DeliveryError`` on failure. ``before_send`` runs before each claim
    (the engine's lease check: a worker that lost its execution must not send), and ``transaction`` is the
    one the claim is written in (the engine's fenced one, so a deleted profile is never claimed for).
    """
    from jobagent.errors import DeliveryError

    outcome = ChannelOutcome()
    unique = list(dict.fromkeys(posting_ids))
    went_out: set[str] = set()
    untouched = set(unique)
    for channel, send in senders.items():
        if before_send is not None:
            before_send()
        mine = claim(profile_id, run_id, unique, channel, transaction)
        untouched -= mine
        if not mine:
            continue
        try:
            send(channel, [m for m, pid in zip(matches, posting_ids, strict=True) if pid in mine])
        except DeliveryError as exc:
            release(profile_id, run_id, sorted(mine), channel)
            outcome.failures[channel] = str(exc)
            continue
        mark_delivered(profile_id, run_id, sorted(mine), channel)
        went_out |= mine
    outcome.delivered = len(went_out)
    outcome.already_delivered = len(untouched) if senders else 0
    return outcome


def payload(run_id: str, profile_id: str, query: str, matches: list[MatchResult]) -> dict[str, Any]:
    return {"run_id": run_id, "profile_id": profile_id, "query": query,
            "matches": [{"title": m.posting.title, "company": m.posting.company, "url": m.posting.url,
                         "score": m.score} for m in matches]}
