"""The dialect's own ``INSERT`` (PostgreSQL or SQLite), the one that has ``ON CONFLICT``: written once for every
store-facing module that inserts a row another process may insert first."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def dialect_insert(session: Session, table: Any) -> Any:
    """``insert(table)`` of the session's dialect, with ``.on_conflict_do_nothing`` and ``.on_conflict_do_update``.

    Typed ``Any`` on purpose: the two dialects' ``Insert`` classes share these methods but no base class that
    declares them, so either concrete type would be wrong for the other backend.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)
