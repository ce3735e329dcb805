"""Backups on a real PostgreSQL: dump, check, checksum, prune, and the restore proof (``jobagent backup``).

Each test works on its own database (migrated, with real runs in it), so the shared test database is untouched
and the scratch databases that verify creates can be checked for by name.
"""

from __future__ import annotations

import json
import os
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from jobagent.backup import libpq_env, libpq_params, prune, run_backup, verify_backup
from jobagent.errors import BackupError
from tests.conftest import run_cli
from tests.servers import PostgresServer, require_tool


@pytest.fixture
def backup_db(pg_server: PostgresServer, env: Callable[..., dict[str, str]], tmp_path: Path) -> Iterator[str]:
    """A migrated database with two completed diagnostic runs, settings pointing at it and at tmp_path."""
    require_tool("pg_dump", "postgresql-client")
    from jobagent.api import runs
    from jobagent.store.migrate import upgrade

    name = f"backup_{uuid.uuid4().hex[:10]}"
    url = pg_server.create_database(name)
    upgrade(url)
    env(database_url=url, JOBAGENT_BACKUP_DIR=str(tmp_path / "backups"))
    for i in range(2):  # no REDIS_URL: the workflows run in-process and write their rows
        runs.submit_diagnostic(echo=f"backup-{i}")
    yield url
    pg_server.drop_database(name)


def _scratch_databases(url: str) -> list[str]:
    params = libpq_params(url)
    with psycopg.connect(**params) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'jobagent_verify_%'").fetchall()
    return [r[0] for r in rows]


def test_backup_run_writes_a_checked_private_dump(backup_db: str, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # even under a lax umask, the dump must not be world-readable
    try:
        result = run_backup()
    finally:
        os.umask(old_umask)
    dump = Path(result["path"])
    backup_dir = tmp_path / "backups"
    assert dump.parent == backup_dir and dump.name.endswith(".dump")
    assert not list(backup_dir.glob("*.partial"))
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    checksum = dump.with_name(dump.name + ".sha256")
    assert checksum.read_text() == f"{result['sha256']}  {dump.name}\n"
    manifest = json.loads(dump.with_name(dump.name + ".json").read_text())
    assert manifest["row_counts"]["public.runs"] == 2 and manifest["row_counts"]["public.workflow_executions"] == 2
    assert result["rows"] >= 4 and result["pruned"] == []


def test_verify_restores_and_counts_match_then_drops_scratch(backup_db: str) -> None:
    run_backup()
    result = verify_backup()
    by_table = {t["table"]: t for t in result["tables"]}
    assert by_table["public.runs"] == {"table": "public.runs", "restored": 2, "live": 2, "in_dump": 2}
    assert all(t["restored"] == t["live"] for t in result["tables"])
    assert result["scratch_database"] not in _scratch_databases(backup_db)
    assert _scratch_databases(backup_db) == []


def test_live_drift_after_the_dump_is_not_a_failure(backup_db: str) -> None:
    """Workers keep writing after the dump: the restore is compared with the dump's own snapshot."""
    from jobagent.api import runs

    run_backup()
    runs.submit_diagnostic(echo="after the dump")
    by_table = {t["table"]: t for t in verify_backup()["tables"]}
    assert by_table["public.runs"]["restored"] == 2 and by_table["public.runs"]["live"] == 3


def test_retention_prunes_old_dumps_but_keeps_the_newest(backup_db: str, tmp_path: Path) -> None:
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir(mode=0o700)
    old = backup_dir / "jobagent-20000101T000000Z.dump"
    for path in (old, old.with_name(old.name + ".sha256"), old.with_name(old.name + ".json")):
        path.write_text("old")
        past = time.time() - 15 * 86400
        os.utime(path, (past, past))
    result = run_backup()
    assert result["pruned"] == [old.name]
    assert sorted(p.name for p in backup_dir.iterdir() if not p.name.startswith(".")) == sorted(
        [Path(result["path"]).name, Path(result["path"]).name + ".json", Path(result["path"]).name + ".sha256"])
    # The newest dump survives even when it is older than the retention (failed backups must not leave none).
    newest = Path(result["path"])
    past = time.time() - 30 * 86400
    os.utime(newest, (past, past))
    assert prune(backup_dir, 14) == [] and newest.exists()


def test_a_corrupt_dump_is_rejected_by_its_checksum(backup_db: str) -> None:
    dump = Path(run_backup()["path"])
    with open(dump, "r+b") as fh:
        fh.seek(dump.stat().st_size // 2)
        fh.write(b"\x00garbage\x00")
    with pytest.raises(BackupError, match="is corrupt: its sha256 does not match"):
        verify_backup()
    assert _scratch_databases(backup_db) == []


def test_an_unrestorable_dump_fails_verify_and_the_scratch_db_is_dropped(backup_db: str, tmp_path: Path) -> None:
    bogus = tmp_path / "backups" / "jobagent-29990101T000000Z.dump"
    bogus.parent.mkdir(mode=0o700)
    bogus.write_bytes(b"PGDMP not really a dump")
    with pytest.raises(BackupError, match="restore of jobagent-29990101T000000Z.dump failed"):
        verify_backup()
    assert _scratch_databases(backup_db) == []


def test_the_password_goes_to_libpq_env_not_argv() -> None:
    params = libpq_params("postgresql+psycopg://app:s3cr%40t@db.internal:6543/jobagent?sslmode=require")
    assert params == {"host": "db.internal", "port": "6543", "user": "app", "password": "s3cr@t",
                      "dbname": "jobagent", "sslmode": "require"}
    env = libpq_env(params)
    assert env["PGPASSWORD"] == "s3cr@t" and env["PGHOST"] == "db.internal" and env["PGSSLMODE"] == "require"
    with pytest.raises(BackupError, match="need PostgreSQL"):
        libpq_params("sqlite:///x.sqlite3")


def test_cli_backup_run_and_verify(backup_db: str, tmp_path: Path) -> None:
    environ = {"DATABASE_URL": backup_db, "JOBAGENT_BACKUP_DIR": str(tmp_path / "cli-backups")}
    ran = run_cli("backup", "run", "--json", environ=environ)
    assert ran.returncode == 0, ran.stderr
    assert Path(json.loads(ran.stdout)["path"]).exists()
    verified = run_cli("backup", "verify", "--json", environ=environ)
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["dropped"] is True


def test_cli_verify_without_a_backup_is_one_clear_line(tmp_path: Path, pg_server: PostgresServer) -> None:
    environ = {"DATABASE_URL": pg_server.url, "JOBAGENT_BACKUP_DIR": str(tmp_path / "empty")}
    res = run_cli("backup", "verify", environ=environ)
    assert res.returncode == 1  # a BackupError: the backup routine failed
    assert res.stderr.strip().splitlines() == [f"error: no backup to verify in {tmp_path / 'empty'}; "
                                               "run `jobagent backup run` first"]
