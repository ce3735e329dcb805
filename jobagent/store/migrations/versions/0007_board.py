"""the board: board_entries (profile × posting state), board_events (history), board_looks (last look)

Existing matches of profile runs are copied onto the boards as ``new`` entries, so ``mark`` works on
postings found before this migration.

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-01
"""

import hashlib
import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_entries",
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("repost_key", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=False),
        sa.Column("best_run_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("first_found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["user_profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["best_run_id"], ["runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("profile_id", "posting_id"),
    )
    op.create_index("ix_board_entries_profile_found", "board_entries", ["profile_id", "first_found_at"])
    op.create_index("ix_board_entries_profile_repost", "board_entries", ["profile_id", "repost_key"])
    op.create_table(
        "board_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["user_profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_board_events_entry", "board_events", ["profile_id", "posting_id", "at"])
    op.create_table(
        "board_looks",
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("last_look_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["user_profiles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("profile_id"),
    )
    _backfill()


# The repost key as it was written when this migration was (issue 28 §6: a migration never imports live
# code): ASCII letters and digits of company (trailing legal forms dropped) and title. 0013 marks every
# posting for the rebuild that recomputes these keys with the Unicode normaliser.
_LEGAL_SUFFIXES = {"gmbh", "inc", "ltd", "ag", "llc", "limited", "incorporated", "corp", "corporation", "plc",
                   "co", "kg", "mbh"}


def _normalize(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def repost_key(company: str, title: str) -> str:
    words = _normalize(company).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return hashlib.sha1(f"{' '.join(words)}|{_normalize(title)}".encode()).hexdigest()


def _backfill() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT r.profile_id, m.posting_id, m.score, m.run_id, m.created_at, p.company, p.title "
        "FROM matches m JOIN runs r ON r.id = m.run_id JOIN postings p ON p.id = m.posting_id "
        "WHERE r.profile_id IS NOT NULL ORDER BY m.created_at")).all()
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for profile_id, posting_id, score, run_id, at, company, title in rows:
        entry = entries.get((profile_id, posting_id))
        if entry is None:
            entries[(profile_id, posting_id)] = {
                "profile_id": profile_id, "posting_id": posting_id, "repost_key": repost_key(company, title),
                "state": "new", "best_score": score, "best_run_id": run_id, "first_found_at": at,
                "last_found_at": at, "changed_at": at}
        else:
            entry["last_found_at"] = at
            if score > entry["best_score"]:
                entry["best_score"], entry["best_run_id"] = score, run_id
    if not entries:
        return
    table = sa.table("board_entries", *(sa.column(c) for c in next(iter(entries.values()))))
    events = sa.table("board_events", *(sa.column(c) for c in ("profile_id", "posting_id", "to_state", "at")))
    bind.execute(table.insert(), list(entries.values()))
    bind.execute(events.insert(), [{"profile_id": e["profile_id"], "posting_id": e["posting_id"], "to_state": "new",
                                    "at": e["first_found_at"]} for e in entries.values()])


def downgrade() -> None:
    op.drop_table("board_looks")
    op.drop_index("ix_board_events_entry", table_name="board_events")
    op.drop_table("board_events")
    op.drop_index("ix_board_entries_profile_repost", table_name="board_entries")
    op.drop_index("ix_board_entries_profile_found", table_name="board_entries")
    op.drop_table("board_entries")
