"""Run Alembic migrations from code, so ``jobagent db upgrade`` and the embedded default share one path.

Alembic is imported only when a migration has to run or be inspected: importing it (and loading the
migration scripts) cost most of a CLI call's 2 s in embedded mode, while checking that a database is
current needs one ``SELECT`` against ``alembic_version`` and the head revision id, kept here as a constant
(tests/integration/test_schema_check.py checks it against Alembic's own head).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jobagent.config import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).with_name("migrations")

HEAD_REVISION = "0024"  # the newest file in migrations/versions; a new migration updates it (a test fails if not)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().effective_database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Run the migrations up to ``revision``, then rebuild the postings a migration marked (``search_title``
    NULL) with the live indexer: migrations stay free of live code (issue 28 §6), and the derived columns
    still follow the code that derives them."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    rebuild_marked_postings(url)


def rebuild_marked_postings(url: str | None = None) -> int:
    """``jobagent.postings.reindex.rebuild_marked`` in one transaction, once the schema has the column."""
    from sqlalchemy import inspect, text

    from jobagent.store.session import get_engine

    with get_engine(url).begin() as conn:
        if not inspect(conn).has_table("postings") or "search_title" not in {
                c["name"] for c in inspect(conn).get_columns("postings")}:
            return 0  # an upgrade that stopped before 0013
        if conn.execute(text("SELECT 1 FROM postings WHERE search_title IS NULL LIMIT 1")).first() is None:
            return 0  # nothing marked: the indexer (stemmers, language detection) is not even imported
        from jobagent.postings.reindex import rebuild_marked

        return rebuild_marked(conn)


def stored_revision(url: str | None = None) -> str | None:
    """The revision ``alembic_version`` records, or None for a database Alembic never touched; no Alembic."""
    from sqlalchemy import inspect, text

    from jobagent.store.session import get_engine

    with get_engine(url).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None  # several heads: let Alembic sort it out


def ensure_current(url: str | None = None) -> bool:
    """Migrate ``url`` to the head unless it is there already; True if a migration ran."""
    if stored_revision(url) == HEAD_REVISION:
        return False
    upgrade(url)
    return True


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from jobagent.store.session import get_engine

    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest migration shipped with this release, as Alembic reads it from the scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
