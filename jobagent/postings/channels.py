"""Sending a search's new matches over each delivery channel (email, webhook) exactly once per channel.

Deliveries are keyed per profile × posting × channel, so a channel that failed gets its postings on the
next run while a channel that worked does not repeat them. Each channel is recorded as soon as it
succeeds, in one transaction for all of its postings, so a worker that dies between the two channels (or
after the email was accepted) does not send the first one again on the retry. What is left is the window
between a server accepting and the record committing; for it the e-mail carries a stable ``Message-ID``
and the webhook an ``Idempotency-Key``, both derived from the run id and channel, so a resend is
recognisable as the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select

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


def already_sent(profile_id: str, posting_ids: list[str]) -> set[tuple[str, str]]:
    """(posting id, channel) pairs this profile has been sent before."""
    with session_scope() as s:
        rows = s.execute(select(Delivery.posting_id, Delivery.channel).where(
            Delivery.profile_id == profile_id, Delivery.posting_id.in_(posting_ids)))
        return {(posting_id, channel) for posting_id, channel in rows}


def record_channel(profile_id: str, run_id: str, posting_ids: list[str], channel: str) -> None:
    """One transaction, one statement for all postings of a channel; a concurrent run that recorded the same
    posting first simply wins (ON CONFLICT DO NOTHING on the unique key)."""
    if not posting_ids:
        return
    with session_scope() as s:
        now = utcnow()
        rows = [{"id": new_id(), "profile_id": profile_id, "posting_id": pid, "run_id": run_id,
                 "channel": channel, "delivered_at": now} for pid in dict.fromkeys(posting_ids)]
        s.execute(dialect_insert(s, Delivery).values(rows).on_conflict_do_nothing(
            index_elements=["profile_id", "posting_id", "channel"]))


Sender = Callable[[str, list[MatchResult]], None]


def deliver(profile_id: str, run_id: str, matches: list[MatchResult], posting_ids: list[str],
            senders: dict[str, Sender], *, before_send: Callable[[], None] | None = None) -> ChannelOutcome:
    """Send each channel the matches it has not sent this profile before, recording each as it succeeds.

    ``posting_ids`` are the store ids of ``matches`` (same order). ``senders`` maps a channel to a function
    sending a list of matches, raising ``DeliveryError`` on failure. ``before_send`` runs before each send
    (the engine's lease check: a worker that lost its execution must not send).
    """
    from jobagent.postings.notify import DeliveryError

    outcome = ChannelOutcome()
    sent = already_sent(profile_id, posting_ids)
    went_out: set[str] = set()
    untouched = set(posting_ids)
    for channel, send in senders.items():
        fresh = [(m, pid) for m, pid in zip(matches, posting_ids, strict=True) if (pid, channel) not in sent]
        untouched -= {pid for _, pid in fresh}
        if not fresh:
            continue
        if before_send is not None:
            before_send()
        try:
            send(channel, [m for m, _ in fresh])
        except DeliveryError as exc:
            outcome.failures[channel] = str(exc)
            continue
        record_channel(profile_id, run_id, [pid for _, pid in fresh], channel)
        went_out |= {pid for _, pid in fresh}
    outcome.delivered = len(went_out)
    outcome.already_delivered = len(untouched) if senders else 0
    return outcome


def payload(run_id: str, profile_id: str, query: str, matches: list[MatchResult]) -> dict[str, Any]:
    return {"run_id": run_id, "profile_id": profile_id, "query": query,
            "matches": [{"title": m.posting.title, "company": m.posting.company, "url": m.posting.url,
                         "score": m.score} for m in matches]}
