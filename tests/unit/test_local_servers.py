"""Where the local launchers find PostgreSQL: through symlinks on PATH (the Debian image whose
``/usr/local/bin/initdb`` links into ``/usr/lib/postgresql/15/bin``, where ``jobagent dev`` used to give up and
fall back to SQLite), beside that initdb, and never Debian's client wrapper for a server program."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jobagent import local_servers
from jobagent.local_servers import PG_WRAPPER, find_pg_bin
from tests.servers import require_tool


def _fake_install(root: Path, *names: str) -> Path:
    """An installation directory like /usr/lib/postgresql/N/bin with executables ``names``."""
    bindir = root / "pgsql" / "bin"
    bindir.mkdir(parents=True)
    for name in names:
        (bindir / name).write_text("#!/bin/sh\nexit 0\n")
        (bindir / name).chmod(0o755)
    return bindir


def test_initdb_linked_onto_path_is_found_and_postgres_comes_from_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bindir = _fake_install(tmp_path, "initdb", "postgres")
    onpath = tmp_path / "onpath"
    onpath.mkdir()
    (onpath / "initdb").symlink_to(bindir / "initdb")  # a chain of two links, as /usr/local/bin -> ...
    (tmp_path / "link2").symlink_to(onpath / "initdb")
    monkeypatch.setattr(local_servers, "_pg_dirs", lambda: [])  # not the machine's own /usr/lib/postgresql
    monkeypatch.setenv("PATH", str(onpath))
    assert find_pg_bin("initdb", allow_wrapper=False) == str(bindir / "initdb")
    assert find_pg_bin("postgres", allow_wrapper=False) == str(bindir / "postgres")  # not on PATH itself
    assert find_pg_bin("pg_ctl", allow_wrapper=False) is None


def test_the_real_machine_initdb_through_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.path.realpath(require_tool("initdb", "postgresql"))
    (tmp_path / "initdb").symlink_to(real)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin")
    assert find_pg_bin("initdb", allow_wrapper=False) == real
    postgres = find_pg_bin("postgres", allow_wrapper=False)
    assert postgres is not None and Path(postgres).parent == Path(real).parent


def test_debian_wrapper_is_only_a_fallback_for_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.path.exists(PG_WRAPPER):
        pytest.skip(f"{PG_WRAPPER} not found: install postgresql-common")
    (tmp_path / "pg_dump").symlink_to(PG_WRAPPER)
    monkeypatch.setattr(local_servers, "_pg_dirs", lambda: [])
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_pg_bin("pg_dump", allow_wrapper=False) is None
    assert find_pg_bin("pg_dump") == str(tmp_path / "pg_dump")
    bindir = _fake_install(tmp_path, "pg_dump")
    monkeypatch.setattr(local_servers, "_pg_dirs", lambda: [str(bindir)])
    assert find_pg_bin("pg_dump") == str(bindir / "pg_dump")  # a versioned client beats the wrapper
