"""The embedded schema check: a current SQLite store costs one SELECT and no Alembic import (it cost most
of a CLI call's two seconds); a fresh or an old one is migrated by Alembic as before."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from jobagent.store import migrate
from tests.conftest import ROOT

PROBE = """
import sys
from jobagent.submission import ensure_schema
ensure_schema()
print("alembic imported" if "alembic" in sys.modules else "alembic not imported")
"""


def _probe(data: Path) -> str:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOBAGENT_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(JOBAGENT_DATA_DIR=str(data), PYTHONPATH=f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_head_revision_constant_is_alembics_head() -> None:
    assert migrate.HEAD_REVISION == migrate.head_revision()


def test_current_store_needs_no_alembic_and_an_old_one_is_migrated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _probe(data) == "alembic imported"  # a fresh store: Alembic creates the schema
    db = next(data.glob("*.sqlite3"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD_REVISION,)]
    assert _probe(data) == "alembic not imported"  # current: one SELECT, no Alembic
    from alembic import command

    command.downgrade(migrate.alembic_config(f"sqlite:///{db}"), "0006")  # an older release's store
    assert _probe(data) == "alembic imported"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD_REVISION,)]
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'board_events'").fetchone() == (1,)


def test_stored_revision_of_a_database_alembic_never_touched(tmp_path: Path) -> None:
    assert migrate.stored_revision(f"sqlite:///{tmp_path / 'empty.sqlite3'}") is None
