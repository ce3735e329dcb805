"""PostgreSQL backups that are proven restorable.

``run_backup``: ``pg_dump -Fc`` into a ``.partial`` file (created 0600), checked with ``pg_restore --list``, then
renamed, with a ``.sha256`` (``sha256sum -c`` format) and a ``.json`` manifest of per-table row counts, then old
dumps are pruned and, optionally, everything is rsynced off the box. The dump runs on a snapshot exported by a
repeatable-read transaction that also counts the rows, so the manifest describes exactly what is in the dump even
while workers keep writing.

``verify_backup``: a backup counts only once a restore has worked. The newest dump's checksum is checked, it is
restored into a scratch database, its row counts are compared with the manifest (exact) and with the live database
(the table sets must match; live drift since the dump is reported), and the scratch database is dropped.

Credentials go to the pg tools through libpq's environment (``PGPASSWORD`` ...), never on a command line where
``ps`` would show them. Production code must not import the tests, so the binary finder is a copy of theirs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobagent.errors import BackupError, first_line
from jobagent.local_servers import find_pg_bin

PREFIX = "jobagent-"
SUFFIX = ".dump"
# URL query parameters that libpq also understands as environment variables.
_QUERY_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "host": "PGHOST", "port": "PGPORT",
              "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME"}


def _pg_program(name: str) -> str:
    found = find_pg_bin(name)
    if found is None:
        raise BackupError(f"{name} not found; install postgresql-client")
    return found


def libpq_params(database_url: str, database: str | None = None) -> dict[str, str]:
    """Connection parameters from a SQLAlchemy URL (``postgresql+psycopg://user:pass@host:port/db``)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise BackupError(f"backups need PostgreSQL; DATABASE_URL is {url.drivername} (set DATABASE_URL)")
    params = {"host": url.host, "port": str(url.port) if url.port else None, "user": url.username,
              "password": url.password, "dbname": database or url.database}
    for key, value in url.query.items():
        if key in _QUERY_ENV:
            params[key] = value if isinstance(value, str) else value[-1]
    return {k: v for k, v in params.items() if v}


def libpq_env(params: dict[str, str]) -> dict[str, str]:
    """The process environment for a pg tool: libpq reads PGHOST, PGPASSWORD, ... from it."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", **_QUERY_ENV}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[k]: v for k, v in params.items() if k in names})
    return env


def _connect(params: dict[str, str], autocommit: bool = False) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        return psycopg.connect(make_conninfo("", **params), autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to PostgreSQL at {params.get('host', 'local socket')}: "
                          f"{first_line(exc)}") from None


def _tables(conn: Any) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN "
                        "('pg_catalog', 'information_schema') ORDER BY 1, 2").fetchall()
    return [(r[0], r[1]) for r in rows]


def row_counts(conn: Any) -> dict[str, int]:
    """Exact ``count(*)`` per table (``schema.table``), in the connection's current snapshot."""
    from psycopg import sql

    counts: dict[str, int] = {}
    for schema, table in _tables(conn):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def _run(cmd: list[str], env: dict[str, str], step: str, timeout: float = 3600) -> str:
    try:
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{step} timed out after {timeout:.0f} s") from None
    if res.returncode != 0:
        detail = (res.stderr.strip() or res.stdout.strip() or f"exit {res.returncode}").splitlines()[-1]
        raise BackupError(f"{step} failed: {detail}")
    return res.stdout


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(backup_dir: Path) -> Iterator[None]:
    """One backup or verify at a time per directory (the timer and an operator may overlap)."""
    with open(backup_dir / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"another backup is running in {backup_dir}") from None
        yield


def _prepare_dir(backup_dir: Path) -> Path:
    try:
        backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create backup directory {backup_dir}: {exc.strerror}") from None
    if not os.access(backup_dir, os.W_OK):
        raise BackupError(f"backup directory {backup_dir} is not writable by this user")
    return backup_dir


def list_dumps(backup_dir: Path) -> list[Path]:
    """Finished dumps, oldest first (names carry a UTC timestamp, so name order is time order)."""
    return sorted(p for p in backup_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def prune(backup_dir: Path, retention_days: int, now: float | None = None) -> list[str]:
    """Delete dumps (and their .sha256/.json) older than the retention; never the newest one.

    Keeping the newest whatever its age means a run of failed backups cannot leave the box with none.
    """
    cutoff = (now or time.time()) - retention_days * 86400
    removed: list[str] = []
    for dump in list_dumps(backup_dir)[:-1]:
        if dump.stat().st_mtime < cutoff:
            for path in (dump, *_siblings(dump)):
                path.unlink(missing_ok=True)
            removed.append(dump.name)
    for partial in backup_dir.glob(f"{PREFIX}*{SUFFIX}.partial"):  # left by a crash, not by a running dump
        if partial.stat().st_mtime < cutoff:
            partial.unlink(missing_ok=True)
    return removed


def _siblings(dump: Path) -> tuple[Path, Path]:
    return dump.with_name(dump.name + ".sha256"), dump.with_name(dump.name + ".json")


def run_backup(settings: Any = None) -> dict[str, Any]:
    """Dump, check, checksum, prune, copy off box. Returns what was done (for ``--json``)."""
    from jobagent.config import get_settings

    settings = settings or get_settings()
    params = libpq_params(settings.effective_database_url)
    backup_dir = _prepare_dir(Path(settings.backup_dir))
    with _locked(backup_dir):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        final = backup_dir / f"{PREFIX}{stamp}{SUFFIX}"
        partial = final.with_name(final.name + ".partial")
        # Created 0600 before pg_dump writes into it, whatever the caller's umask.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        started = time.monotonic()
        try:
            counts = _dump(params, partial)
            listing = _run([_pg_program("pg_restore"), "--list", str(partial)], libpq_env(params),
                           "pg_restore --list (dump check)")
            if "TABLE DATA" not in listing and counts:
                raise BackupError("dump check failed: pg_restore --list shows no table data")
            partial.rename(final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        digest = sha256_of(final)
        checksum, manifest = _siblings(final)
        _write_private(checksum, f"{digest}  {final.name}\n")
        _write_private(manifest, json.dumps({"database": params.get("dbname"), "created_at": stamp,
                                             "row_counts": counts}, indent=2, sort_keys=True) + "\n")
        pruned = prune(backup_dir, settings.backup_retention_days)
        result = {"path": str(final), "size_bytes": final.stat().st_size, "sha256": digest,
                  "tables": len(counts), "rows": sum(counts.values()), "pruned": pruned,
                  "seconds": round(time.monotonic() - started, 2), "rsync_target": settings.backup_rsync_target}
        if settings.backup_rsync_target:
            _rsync([final, checksum, manifest], settings.backup_rsync_target)
        return result


def _dump(params: dict[str, str], partial: Path) -> dict[str, int]:
    """pg_dump on an exported snapshot, so the row counts taken in that snapshot match the dump exactly."""
    import psycopg

    conn = _connect(params)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = row_counts(conn)
        _run([_pg_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
             libpq_env(params), "pg_dump")
        return counts
    finally:
        conn.rollback()
        conn.close()


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _rsync(paths: list[Path], target: str) -> None:
    """Copy off the box; ssh runs non-interactively so a missing key fails instead of hanging the timer."""
    exe = shutil.which("rsync")
    if not exe:
        raise BackupError("JOBAGENT_BACKUP_RSYNC_TARGET is set but rsync is not installed")
    cmd = [exe, "--times", "--chmod=F600", "-e", "ssh -o BatchMode=yes -o ConnectTimeout=30",
           *[str(p) for p in paths], target]
    _run(cmd, dict(os.environ), f"rsync to {target} (the local backup is kept)")


def verify_backup(settings: Any = None, dump: Path | None = None) -> dict[str, Any]:
    """Restore the newest (or the given) dump into a scratch database and compare row counts."""
    from psycopg import sql

    from jobagent.config import get_settings

    settings = settings or get_settings()
    params = libpq_params(settings.effective_database_url)
    backup_dir = Path(settings.backup_dir)
    if dump is None:
        dumps = list_dumps(backup_dir) if backup_dir.is_dir() else []
        if not dumps:
            raise BackupError(f"no backup to verify in {backup_dir}; run `jobagent backup run` first")
        dump = dumps[-1]
    checksum, manifest_path = _siblings(dump)
    if checksum.exists():
        expected = (checksum.read_text().split() or [""])[0]
        if sha256_of(dump) != expected:
            raise BackupError(f"{dump.name} is corrupt: its sha256 does not match {checksum.name}")
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    scratch = f"jobagent_verify_{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    admin = _connect(params, autocommit=True)
    started = time.monotonic()
    try:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(scratch)))
        try:
            _run([_pg_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                  f"--dbname={scratch}", str(dump)], libpq_env({**params, "dbname": scratch}),
                 f"restore of {dump.name}")
            with _connect({**params, "dbname": scratch}) as conn:
                restored = row_counts(conn)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        live = row_counts(admin)
    finally:
        admin.close()
    tables = [{"table": t, "restored": restored.get(t), "live": live.get(t),
               "in_dump": (manifest or {}).get("row_counts", {}).get(t)} for t in sorted(set(restored) | set(live))]
    _check_counts(dump.name, tables, manifest is not None)
    return {"dump": str(dump), "scratch_database": scratch, "dropped": True, "tables": tables,
            "rows": sum(restored.values()), "seconds": round(time.monotonic() - started, 2)}


def _check_counts(name: str, tables: list[dict[str, Any]], have_manifest: bool) -> None:
    """Restored rows must equal the manifest's (same snapshot); without one, the live counts.

    With a manifest, live counts may legitimately have moved on since the dump, so only a table that exists live
    but not in the restore (or the reverse) fails against the live database.
    """
    missing = [t["table"] for t in tables if t["restored"] is None or t["live"] is None]
    if missing:
        raise BackupError(f"{name}: tables differ between the restore and the live database: {', '.join(missing)}")
    key = "in_dump" if have_manifest else "live"
    wrong = [f"{t['table']} ({t['restored']} restored, {t[key]} expected)" for t in tables if t["restored"] != t[key]]
    if wrong:
        raise BackupError(f"{name}: row counts differ after restore: {', '.join(wrong)}")
