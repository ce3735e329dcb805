"""The tables. Postgres (or the embedded SQLite file) is the source of truth; Redis only carries work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from jobagent.limits import MAX_DEDUP_KEY, MAX_ETAG, MAX_LAST_MODIFIED, MAX_LOCATION, MAX_QUERY


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite drops the zone; hand back aware UTC datetimes on both backends."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class UserProfile(Base):
    __tablename__ = "user_profiles"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    premium: Mapped[bool] = mapped_column(Boolean, default=False)
    skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    years_experience: Mapped[int | None] = mapped_column(Integer)
    titles_held: Mapped[list[str]] = mapped_column(JSONType, default=list)
    suggested_titles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    cv_sources: Mapped[list[str]] = mapped_column(JSONType, default=list)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Structured CV (issue 13, migration 0006): entries later nodes cite, and the user's own corrections,
    # which survive re-profiling from a new CV unless the user resets them.
    experience: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    education: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSONType, default=list)
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    level: Mapped[str | None] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40))
    user_edits: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Migration 0015: the language the CV is written in ("de"), as jobagent.languages.detect named it.
    cv_language: Mapped[str | None] = mapped_column(String(8))
    # Migration 0016: the name of the API token it was created through; NULL is the operator's (CLI, admin).
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    # Migration 0020: the person will move for work (issue 24 §3), to these countries (ISO alpha-2; empty: any).
    relocate: Mapped[bool] = mapped_column(Boolean, default=False)
    relocate_to: Mapped[list[str]] = mapped_column(JSONType, default=list)


class ApiToken(Base):
    """An API token (migration 0016): only the sha256 of its secret is kept, so a copy of the database
    gives no one a working token. ``name`` owns what is created through it; ``admin`` sees every owner's."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("name", name="uq_api_tokens_name"),
                      UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Run(Base):
    """What a user asked for (a profiling or one job search); its executions do the work."""

    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("dedup_key", name="uq_runs_dedup_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    workflow_type: Mapped[str] = mapped_column(String(50))
    profile_id: Mapped[str | None] = mapped_column(ForeignKey("user_profiles.id", ondelete="SET NULL"))
    query: Mapped[str | None] = mapped_column(String(MAX_QUERY))
    location: Mapped[str | None] = mapped_column(String(MAX_LOCATION))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Set for scheduled runs ("daily:<profile>:<title>:<UTC day>"): the unique key is what makes a second
    # trigger on the same day a no-op, without a check-then-insert race.
    dedup_key: Mapped[str | None] = mapped_column(String(MAX_DEDUP_KEY))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Migration 0016: whose run it is (a token's name, or the profile's owner); NULL is the operator's.
    owner: Mapped[str | None] = mapped_column(String(100), index=True)

    executions: Mapped[list[WorkflowExecution]] = relationship(
        back_populates="run", order_by="WorkflowExecution.created_at"
    )


class WorkflowExecution(Base):
    __tablename__ = "workflow_executions"
    __table_args__ = (Index("ix_workflow_executions_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    workflow_type: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    queue: Mapped[str] = mapped_column(String(50), default="default")
    task_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the queue job was last handed to Redis (None: committed but never enqueued, which reconcile finds),
    # and how many times reconcile re-enqueued it (bounded, so a poison execution ends as failed).
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeues: Mapped[int] = mapped_column(Integer, default=0)
    current_node: Mapped[str | None] = mapped_column(String(100))
    nodes_total: Mapped[int] = mapped_column(Integer, default=0)
    nodes_done: Mapped[int] = mapped_column(Integer, default=0)
    context_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Leases (issue 11, migration 0004): the worker running this execution and until when its claim holds.
    # A second claimer is refused while the lease is fresh, and reconcile requeues only after it expired.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[Run] = relationship(back_populates="executions")


def _search_title_default(context: Any) -> str:
    """For a posting inserted without its search title (fixtures, the ORM): built from the row's own title."""
    from jobagent.postings.indexing import search_title

    params = context.get_current_parameters()
    return search_title(params.get("title"), params.get("language"))


class Posting(Base):
    """A job advert, stored once however many sources or runs see it."""

    __tablename__ = "postings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2000), index=True)
    source: Mapped[str] = mapped_column(String(500))
    external_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(300))
    company: Mapped[str] = mapped_column(String(300), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    employment_type: Mapped[str | None] = mapped_column(String(100))
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str | None] = mapped_column(String(10))
    salary_interval: Mapped[str | None] = mapped_column(String(20))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    company_url: Mapped[str | None] = mapped_column(String(2000))
    company_description: Mapped[str | None] = mapped_column(Text)
    company_industry: Mapped[str | None] = mapped_column(String(200))
    company_size: Mapped[str | None] = mapped_column(String(100))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Postings index (issue 12): when it vanished from its sources for good. ``last_seen_at`` is when it was
    # first stored; which source last listed it, and when, is ``posting_sources.last_seen_at`` (a harvest no
    # longer rewrites every posting row to refresh it).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Migration 0008: what languages (issue 25), ranking (issue 24) and the ATS sources (issue 27) share.
    language: Mapped[str | None] = mapped_column(String(8))
    salary_text: Mapped[str | None] = mapped_column(String(300))
    salary_annual_min: Mapped[float | None] = mapped_column(Float)
    salary_annual_max: Mapped[float | None] = mapped_column(Float)
    valid_through: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remote_scope: Mapped[str | None] = mapped_column(String(100))
    closed_reason: Mapped[str | None] = mapped_column(String(200))
    # Migration 0013 (issue 25): the title's folded words and stems, which both backends' title index reads.
    search_title: Mapped[str | None] = mapped_column(Text, default=_search_title_default)
    # Migration 0018 (issue 24 §4): the kinds postings/employment.py read ("part_time internship").
    employment_kinds: Mapped[str | None] = mapped_column(String(120))


# --- postings index (issue 12): which sources list a posting, and each source's harvest state ---------------
class PostingSource(Base):
    """One source listing one posting; ``misses`` counts consecutive complete harvests that lacked it."""

    __tablename__ = "posting_sources"
    __table_args__ = (UniqueConstraint("source", "posting_id", name="uq_posting_sources_source_posting"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(500))
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(300))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    misses: Mapped[int] = mapped_column(Integer, default=0)


class PostingCheck(Base):
    """The last liveness re-check of a posting (issue 24 §5, migration 0018): at most one a day per posting,
    kept apart from the wide postings row, whose generated tsvector PostgreSQL recomputes on every UPDATE."""

    __tablename__ = "posting_checks"

    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # open | closed | unreachable | refused
    detail: Mapped[str | None] = mapped_column(String(300))
    checks: Mapped[int] = mapped_column(Integer, default=1)


class SourceState(Base):
    """A harvested source: its validators for conditional requests and what the last harvest did."""

    __tablename__ = "sources"

    spec: Mapped[str] = mapped_column(String(500), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(MAX_ETAG))
    last_modified: Mapped[str | None] = mapped_column(String(MAX_LAST_MODIFIED))
    last_harvest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_harvest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    # Migration 0022: what each request of the last complete harvest answered, [url, body, sha256, etag,
    # last_modified] in order, so the next harvest revalidates every page (postings/revalidation.py).
    answers: Mapped[list[Any] | None] = mapped_column(JSONType)
    # Migration 0023: when ``sources add`` put the source on the harvest schedule; NULL: a search's one-off.
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Match(Base):
    __tablename__ = "matches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    company_notes: Mapped[str | None] = mapped_column(Text)
    cover_letter: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score_parts: Mapped[dict[str, float] | None] = mapped_column(JSONType)  # migration 0020, issue 24 §7

    posting: Mapped[Posting] = relationship()


class Delivery(Base):
    """A posting sent to a profile once per channel; the unique key keeps each channel from repeating it,
    while a channel that failed still gets the posting on the next run (migration 0004)."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("profile_id", "posting_id", "channel",
                                       name="uq_deliveries_profile_posting_channel"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    profile_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.id", ondelete="CASCADE"))
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    # Migration 0017 (issue 23 §5): a row is a claim (delivered_at NULL) from before the send until the
    # server accepted; see jobagent.postings.channels.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CompanyResearch(Base):
    """Notes per company, reused until they are older than the configured cache time."""

    __tablename__ = "company_research"

    company_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    company: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text)
    website_text: Mapped[str | None] = mapped_column(Text)
    researched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertState(Base):
    """When an alert key last went out, shared by every monitor process, so repeats are rate-limited."""

    __tablename__ = "alert_state"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)


class StoredCV(Base):
    """The bytes of a local CV file, read once at submit time and keyed by their sha256 (issue 11).

    The worker parses these bytes instead of re-reading the path, so a file swapped after submission
    (a TOCTOU) is never read, and workers on other hosts need no shared storage.
    """

    __tablename__ = "cv_documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

# --- the board (issue 14): one row per profile × posting, its history, and the profile's last look ---------


class BoardEntry(Base):
    """A posting on one profile's board: its state, the best score any run gave it and the run that did.

    Keyed by profile × posting (postings are already stored once per URL/fingerprint). ``repost_key`` is the
    normalized company + title, so a repost under a new URL or a reworded location still finds its sibling.
    """

    __tablename__ = "board_entries"
    __table_args__ = (
        Index("ix_board_entries_profile_found", "profile_id", "first_found_at"),
        Index("ix_board_entries_profile_repost", "profile_id", "repost_key"),
    )

    profile_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.id", ondelete="CASCADE"), primary_key=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    repost_key: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="new")
    best_score: Mapped[float] = mapped_column(Float, default=0.0)
    best_run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    first_found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardEvent(Base):
    """One state change of a board entry (its first one has no ``from_state``); never updated or deleted."""

    __tablename__ = "board_events"
    __table_args__ = (Index("ix_board_events_entry", "profile_id", "posting_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.id", ondelete="CASCADE"))
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardLook(Base):
    """When the profile last looked at its board: what ``board --new`` counts from."""

    __tablename__ = "board_looks"

    profile_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.id", ondelete="CASCADE"), primary_key=True)
    last_look_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
