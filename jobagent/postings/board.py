"""The board: one entry per profile × posting with a state, its history, and what that means for matching.

A posting is stored once per URL/fingerprint (``postings.storage``), so a board keyed by profile × posting is
already collapsed across sources and runs. Reposts under a new URL whose location reads differently are new
postings, though; ``repost_key`` (normalized company + title) ties them to their sibling, so a skip or an
application covers them too, including ones found later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from jobagent.errors import IllegalTransition, InvalidInput
from jobagent.postings.dedup import repost_key
from jobagent.store.models import BoardEntry, BoardEvent, Posting, utcnow
from jobagent.store.upsert import dialect_insert

STATES = ("new", "saved", "applied", "interviewing", "offer", "rejected", "withdrawn", "skipped")

# Where each state may go next. ``rejected`` and ``withdrawn`` end a posting's story; a skip can be undone.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"saved", "applied", "skipped"}),
    "saved": frozenset({"new", "applied", "skipped"}),
    "applied": frozenset({"interviewing", "offer", "rejected", "withdrawn"}),
    "interviewing": frozenset({"offer", "rejected", "withdrawn"}),
    "offer": frozenset({"rejected", "withdrawn"}),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
    "skipped": frozenset({"new", "saved", "applied"}),
}

# Having applied to a posting (whatever came of it) or skipped it is a decision about every copy of it.
APPLIED_FAMILY = frozenset({"applied", "interviewing", "offer", "rejected", "withdrawn"})
CASCADING = APPLIED_FAMILY | {"skipped"}
# Only postings still ``new`` go on to be ranked, reported and delivered: the board already holds the rest.
MATCHABLE = frozenset({"new"})

EXCERPT_CHARS = 600


def check_state(state: str) -> str:
    if state not in STATES:
        raise InvalidInput(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    return state


def check_transition(current: str, target: str) -> None:
    """Refuse with one line naming what is allowed instead."""
    check_state(target)
    if target == current:
        raise IllegalTransition(f"posting is already {current}")
    allowed = TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(s for s in STATES if s in allowed) or "nothing (it is final)"
        raise IllegalTransition(f"cannot change a posting from {current} to {target}; allowed: {options}")


def _insert(session: Session) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for this dialect: concurrent runs of one profile may add the same row."""
    return dialect_insert(session, BoardEntry).on_conflict_do_nothing(index_elements=["profile_id", "posting_id"])


def _inherited(session: Session, profile_id: str, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Per repost key, the state a new copy takes over (``applied`` beats ``skipped``) and from which posting."""
    out: dict[str, tuple[str, str]] = {}
    rows = session.execute(select(BoardEntry.repost_key, BoardEntry.state, BoardEntry.posting_id).where(
        BoardEntry.profile_id == profile_id, BoardEntry.repost_key.in_(set(keys)),
        BoardEntry.state.in_(CASCADING)))
    for key, state, posting_id in rows:
        inherited = "applied" if state in APPLIED_FAMILY else "skipped"
        if key not in out or (inherited == "applied" and out[key][0] == "skipped"):
            out[key] = (inherited, posting_id)
    return out


def record_matches(session: Session, profile_id: str, run_id: str,
                   found: list[tuple[str, float]]) -> dict[str, str]:
    """Put a completed run's matches on the profile's board; the posting ids' board states.

    New postings arrive as ``new`` (or as ``skipped``/``applied`` when a copy of them already is); known ones
    keep their state, and take this run as their best when it scored them higher.
    """
    best: dict[str, float] = {}
    for posting_id, score in found:
        best[posting_id] = max(score, best.get(posting_id, score))
    if not best:
        return {}
    now = utcnow()
    keys = {pid: repost_key(company, title) for pid, company, title in session.execute(
        select(Posting.id, Posting.company, Posting.title).where(Posting.id.in_(list(best))))}
    inherited = _inherited(session, profile_id, keys.values())
    rows: list[dict[str, Any]] = [{"profile_id": profile_id, "posting_id": pid, "repost_key": key,
             "state": inherited.get(key, ("new", ""))[0], "best_score": best[pid], "best_run_id": run_id,
             "note": None, "first_found_at": now, "last_found_at": now, "changed_at": now}
            for pid, key in keys.items()]
    added = set(session.scalars(_insert(session).returning(BoardEntry.posting_id), rows))
    events = []
    for row in rows:
        if row["posting_id"] in added:
            source = inherited.get(row["repost_key"])
            note = f"repost of {source[1][:8]}" if source else None
            events.append({"profile_id": profile_id, "posting_id": row["posting_id"], "from_state": None,
                           "to_state": row["state"], "note": note, "at": now})
    if events:
        session.execute(insert(BoardEvent), events)
    higher = BoardEntry.best_score < _bound("score")
    stmt = (update(BoardEntry)
            .where(BoardEntry.profile_id == profile_id, BoardEntry.posting_id == _bound("pid"))
            .values(last_found_at=now,
                    best_run_id=case((higher, run_id), else_=BoardEntry.best_run_id),
                    best_score=case((higher, _bound("score")), else_=BoardEntry.best_score)))
    known = [{"pid": pid, "score": best[pid]} for pid in keys if pid not in added]
    for params in known:  # a run stores a handful of matches: one statement each is cheap and race-free
        session.execute(stmt, params)
    return dict(session.execute(select(BoardEntry.posting_id, BoardEntry.state).where(
        BoardEntry.profile_id == profile_id, BoardEntry.posting_id.in_(list(keys)))).all())


def _bound(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def excluded_postings(session: Session, profile_id: str, postings: list[tuple[str, str, str]]) -> set[str]:
    """Of ``(posting_id, company, title)``, the ids this profile has dealt with: any state but ``new`` on
    its board, or a copy of a skipped/applied posting (also one the board has never seen).

    Two queries over the profile's settled entries (usually few) rather than an IN list of every candidate,
    so a search over thousands of stored postings costs the same.
    """
    if not postings:
        return set()
    settled = set(session.scalars(select(BoardEntry.posting_id).where(
        BoardEntry.profile_id == profile_id, BoardEntry.state.not_in(MATCHABLE))))
    keys = set(session.scalars(select(BoardEntry.repost_key).distinct().where(
        BoardEntry.profile_id == profile_id, BoardEntry.state.in_(CASCADING))))
    return {pid for pid, company, title in postings
            if pid in settled or (keys and repost_key(company, title) in keys)}


def change_state(session: Session, entry: BoardEntry, target: str, note: str | None,
                 now: datetime | None = None) -> str:
    """Move one entry (checked), keep the change as an event; the previous state."""
    check_transition(entry.state, target)
    now = now or utcnow()
    previous = entry.state
    entry.state, entry.changed_at = target, now
    if note is not None:
        entry.note = note
    session.add(BoardEvent(profile_id=entry.profile_id, posting_id=entry.posting_id, from_state=previous,
                           to_state=target, note=note, at=now))
    return previous


def cascade(session: Session, entry: BoardEntry, note: str | None, now: datetime) -> list[str]:
    """Give a skip or an application to the entry's copies on the same board (where that move is allowed);
    the posting ids changed. Copies found later inherit it in ``record_matches``."""
    if entry.state not in ("skipped", "applied"):
        return []
    siblings = session.scalars(select(BoardEntry).where(
        BoardEntry.profile_id == entry.profile_id, BoardEntry.repost_key == entry.repost_key,
        BoardEntry.posting_id != entry.posting_id)).all()
    changed = []
    why = f"copy of {entry.posting_id[:8]}" + (f": {note}" if note else "")
    for sibling in siblings:
        if entry.state in TRANSITIONS[sibling.state]:
            change_state(session, sibling, entry.state, why, now)
            changed.append(sibling.posting_id)
    return changed


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a description, cut at a word boundary, line breaks kept (bullets stay bullets)."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip()
    return f"{cut} …"
