"""A profile's board of postings: list it, mark a posting, walk the new ones.

Every face (``jobagent board``/``mark``/``review`` and ``/profiles/{id}/board``) calls these functions; they
return view models, and their messages name fields (``state``, ``note``, ``since``), never flags or URLs.
Listing the board records a look: ``new_only`` then means "found since the previous look".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import DateTime, String, select, type_coerce
from sqlalchemy.orm import Session

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings
from jobagent.errors import InvalidInput, NotFound
from jobagent.postings import board as domain
from jobagent.postings.salary import stored_pay
from jobagent.store.lookup import MIN_PREFIX, require_profile, resolve_prefix
from jobagent.store.models import BoardEntry, BoardEvent, BoardLook, Match, Posting, UserProfile, utcnow
from jobagent.store.session import session_scope
from jobagent.text import salary_text  # h3: the one salary formatter, shared with the reports

SHORT_ID = 8


class BoardRow(BaseModel):
    """One posting on the board; the field order is the column order of ``--json`` and ``--csv``."""

    short_id: str
    posting_id: str
    state: str
    best_score: float
    title: str
    company: str
    location: str | None
    remote: bool
    salary: str | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: str | None  # hour, day, week, month, year; None when the source gave none
    salary_annual_min: float | None  # the figures in a year (hour x2080, day x260, week x52, month x12)
    salary_annual_max: float | None
    url: str | None
    first_found_at: datetime
    changed_at: datetime
    best_run_id: str | None
    note: str | None
    # Issue 24 §5: a closed posting stays on the board (its history matters) but shows as closed, and why.
    closed_at: datetime | None = None
    closed_reason: str | None = None


class BoardView(BaseModel):
    profile_id: str
    previous_look_at: datetime | None  # what ``new_only`` counted from (None: never looked before)
    looked_at: datetime | None  # this look, when it was recorded
    rows: list[BoardRow]


class BoardEventView(BaseModel):
    from_state: str | None
    to_state: str
    note: str | None
    at: datetime


class MarkResult(BaseModel):
    profile_id: str
    posting_id: str
    short_id: str
    previous_state: str
    state: str
    note: str | None
    also_changed: list[str]  # copies of the posting (same company and title) that followed a skip/application
    blocked_company: str | None
    company_skipped: list[str]  # with company_block: the company's other new/saved postings on this board
    history: list[BoardEventView]


class ReviewItem(BaseModel):
    row: BoardRow
    reasons: list[str]
    excerpt: str


def _ensure_schema(settings: Settings | None) -> None:
    from jobagent.submission import ensure_schema

    ensure_schema(settings)


_COLUMNS = (BoardEntry.posting_id, BoardEntry.state, BoardEntry.best_score, Posting.title, Posting.company,
            Posting.location, Posting.remote, Posting.salary_min, Posting.salary_max, Posting.salary_currency,
            Posting.salary_interval, Posting.salary_annual_min, Posting.salary_annual_max, Posting.salary_text,
            Posting.url, BoardEntry.first_found_at, BoardEntry.changed_at, BoardEntry.best_run_id, BoardEntry.note,
            Posting.closed_at, Posting.closed_reason)
_FIELDS = frozenset(BoardRow.model_fields)


def _columns(dialect: str) -> tuple[Any, ...]:
    """The listing's columns with its two datetimes read raw, and made UTC-aware once in ``_when``: SQLite keeps
    them as ISO text, parsed there with ``fromisoformat`` (C) instead of SQLAlchemy's per-value regex, the
    largest cost of a 20,000-row board; PostgreSQL's driver already returns aware datetimes."""
    raw = String() if dialect == "sqlite" else DateTime(timezone=True)
    return tuple(type_coerce(c, raw) if c in (BoardEntry.first_found_at, BoardEntry.changed_at, Posting.closed_at)
                 else c for c in _COLUMNS)


def _when(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite's "YYYY-MM-DD HH:MM:SS.ffffff", stored in UTC
        return datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _row(r: Any, salaries: dict[tuple[Any, ...], str | None]) -> BoardRow:
    (pid, state, score, title, company, location, remote, low, high, cur, period, year_low, year_high, words, url,
     found, changed, run_id, note, closed_at, closed_reason) = r
    period, year_low, year_high = stored_pay(low, high, cur, period, year_low, year_high)
    key = (low, high, cur, period, words)
    salary = salaries.get(key, "")
    if salary == "":  # formatted once per distinct range: many postings share one
        salary = salaries[key] = salary_text(low, high, cur, period) or words
    values = {"short_id": pid[:SHORT_ID], "posting_id": pid, "state": state, "best_score": round(score, 1),
              "title": title, "company": company, "location": location, "remote": bool(remote),
              "salary": salary, "salary_min": low, "salary_max": high, "salary_currency": cur,
              "salary_period": period, "salary_annual_min": year_low, "salary_annual_max": year_high,
              "url": url, "first_found_at": _when(found), "changed_at": _when(changed), "best_run_id": run_id,
              "note": note, "closed_at": closed_at and _when(closed_at), "closed_reason": closed_reason}
    # Values straight from our own typed columns, so no re-validation: this is ``model_construct`` without its
    # per-field default handling (every field is given), about ten times cheaper on 20,000 rows.
    row = _new(BoardRow)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", _FIELDS)
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


_new = BoardRow.__new__
_set = object.__setattr__


def _record_look(s: Session, profile_id: str, now: datetime) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    # Both dialects spell the upsert the same way (ON CONFLICT ... DO UPDATE).
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(BoardLook).values(profile_id=profile_id, last_look_at=now)
    s.execute(stmt.on_conflict_do_update(index_elements=["profile_id"], set_={"last_look_at": now}))


def board(profile_id: str, *, statuses: list[str] | None = None, new_only: bool = False, since: str | None = None,
          record_look: bool = True, limit: int | None = None, offset: int = 0, settings: Settings | None = None,
          actor: Actor = OPERATOR) -> BoardView:
    """Every posting any run found for the profile, once, best score first.

    ``statuses`` keeps those states; ``new_only`` keeps ``new`` postings found since the previous look;
    ``since`` (``7d``, ``12h``, a date) keeps postings first found since then. ``limit`` and ``offset`` page
    through the rows in that order (``limit=50, offset=50``: the second fifty).
    """
    if limit is not None and limit < 1:
        raise InvalidInput("limit must be at least 1")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    for state in statuses or []:
        domain.check_state(state)
    cutoff = domain.parse_since(since) if since is not None else None
    _ensure_schema(settings)
    now = utcnow()
    with session_scope() as s:
        profile_id = require_profile(s, profile_id, actor=actor)
        previous = s.scalar(select(BoardLook.last_look_at).where(BoardLook.profile_id == profile_id))
        q = (select(*_columns(s.get_bind().dialect.name)).join(Posting, Posting.id == BoardEntry.posting_id)
             .where(BoardEntry.profile_id == profile_id))
        if statuses:
            q = q.where(BoardEntry.state.in_(statuses))
        if new_only:
            q = q.where(BoardEntry.state == "new")
            if previous is not None:
                q = q.where(BoardEntry.first_found_at > previous)
        if cutoff is not None:
            q = q.where(BoardEntry.first_found_at >= cutoff)
        q = q.order_by(BoardEntry.best_score.desc(), BoardEntry.first_found_at.desc(), BoardEntry.posting_id)
        if limit is not None or offset:
            q = q.limit(limit).offset(offset)
        salaries: dict[tuple[Any, ...], str | None] = {}
        rows = [_row(r, salaries) for r in s.connection().execute(q)]  # Core rows: no ORM loading step
        if record_look:
            _record_look(s, profile_id, now)
    return BoardView(profile_id=profile_id, previous_look_at=previous, looked_at=now if record_look else None,
                     rows=rows)


def _resolve(s: Session, profile_id: str, posting_id: str) -> BoardEntry:
    """The profile's entry for a full posting id or a unique prefix of one (the board shows 8 characters);
    an ambiguous prefix is refused with the candidates on this board (``AmbiguousId``)."""
    given = (posting_id or "").strip()
    if not given:
        raise InvalidInput("posting id must not be empty")
    if len(given) < MIN_PREFIX:
        raise InvalidInput(f"posting id {given!r} is too short; give at least {MIN_PREFIX} characters")
    full = resolve_prefix(s, BoardEntry.posting_id, given, "posting", where=[BoardEntry.profile_id == profile_id])
    entry = s.scalar(select(BoardEntry).where(BoardEntry.profile_id == profile_id, BoardEntry.posting_id == full)
                     .with_for_update()) if full else None
    if entry is not None:
        return entry
    if s.scalar(select(Posting.id).where(Posting.id.startswith(given, autoescape=True)).limit(1)) is None:
        raise NotFound(f"posting {given} not found")
    raise InvalidInput(f"posting {given} was found by no run of profile {profile_id}")


def _block_company(s: Session, profile_id: str, company: str) -> str:
    from jobagent.postings.filters import PostingFilters, normalize_company

    profile = s.get(UserProfile, profile_id)
    assert profile is not None
    filters = PostingFilters.model_validate(profile.filters or {})
    if normalize_company(company) not in {normalize_company(c) for c in filters.company_blocklist}:
        filters.company_blocklist.append(company)
    profile.filters = {**(profile.filters or {}), "company_blocklist": filters.company_blocklist}
    return company


def _skip_company(s: Session, entry: BoardEntry, company: str, now: datetime) -> list[str]:
    """A blocked company's postings still new or saved on the board are skipped too: "never again" means
    the board as well as future searches."""
    from jobagent.postings.filters import normalize_company

    key = normalize_company(company)
    rows = s.execute(select(BoardEntry, Posting.company).join(Posting, Posting.id == BoardEntry.posting_id).where(
        BoardEntry.profile_id == entry.profile_id, BoardEntry.state.in_(("new", "saved")),
        BoardEntry.posting_id != entry.posting_id)).all()
    changed = []
    for other, other_company in rows:
        if normalize_company(other_company) == key:
            domain.change_state(s, other, "skipped", f"company blocked: {company}", now)
            changed.append(other.posting_id)
    return changed


def _history(s: Session, profile_id: str, posting_id: str) -> list[BoardEventView]:
    events = s.scalars(select(BoardEvent).where(BoardEvent.profile_id == profile_id,
                                                BoardEvent.posting_id == posting_id)
                       .order_by(BoardEvent.at, BoardEvent.id))
    return [BoardEventView(from_state=e.from_state, to_state=e.to_state, note=e.note, at=e.at) for e in events]


def mark(profile_id: str, posting_id: str, state: str, *, note: str | None = None, company_block: bool = False,
         settings: Settings | None = None, actor: Actor = OPERATOR) -> MarkResult:
    """Move a posting on the profile's board to ``state`` (checked against the transition table).

    A skip or an application also moves the posting's copies (same company and title); ``company_block``
    (with ``skipped``) adds the company to the profile's blocklist filter. All or nothing: one transaction.
    """
    domain.check_state(state)
    if note is not None:
        note = note.strip()
        if not note:
            raise InvalidInput("note must not be empty when given")
    if company_block and state != "skipped":
        raise InvalidInput("company_block goes with state skipped only")
    _ensure_schema(settings)
    with session_scope() as s:
        profile_id = require_profile(s, profile_id, actor=actor)
        entry = _resolve(s, profile_id, posting_id)
        now = utcnow()
        previous = domain.change_state(s, entry, state, note, now)
        also = domain.cascade(s, entry, note, now)
        blocked, company_skipped = None, []
        if company_block:
            company = s.scalar(select(Posting.company).where(Posting.id == entry.posting_id))
            blocked = _block_company(s, profile_id, company or "")
            company_skipped = _skip_company(s, entry, blocked, now)
        s.flush()
        return MarkResult(profile_id=profile_id, posting_id=entry.posting_id, short_id=entry.posting_id[:SHORT_ID],
                          previous_state=previous, state=entry.state, note=entry.note, also_changed=also,
                          blocked_company=blocked, company_skipped=company_skipped,
                          history=_history(s, profile_id, entry.posting_id))


def history(profile_id: str, posting_id: str, *, settings: Settings | None = None,
            actor: Actor = OPERATOR) -> list[BoardEventView]:
    _ensure_schema(settings)
    with session_scope() as s:
        profile_id = require_profile(s, profile_id, actor=actor)
        return _history(s, profile_id, _resolve(s, profile_id, posting_id).posting_id)


def review_item(profile_id: str, posting_id: str, *, settings: Settings | None = None,
                actor: Actor = OPERATOR) -> ReviewItem:
    """What ``review`` shows for one posting: its row, why its best run kept it, and a description excerpt."""
    _ensure_schema(settings)
    with session_scope() as s:
        profile_id = require_profile(s, profile_id, actor=actor)
        entry = _resolve(s, profile_id, posting_id)
        q = (select(*_COLUMNS).join(Posting, Posting.id == BoardEntry.posting_id)
             .where(BoardEntry.profile_id == profile_id, BoardEntry.posting_id == entry.posting_id))
        row = _row(s.execute(q).one(), {})
        reasons = s.scalar(select(Match.reasons).where(Match.run_id == entry.best_run_id,
                                                       Match.posting_id == entry.posting_id).limit(1))
        description = s.scalar(select(Posting.description).where(Posting.id == entry.posting_id)) or ""
    return ReviewItem(row=row, reasons=list(reasons or []), excerpt=domain.excerpt(description))

