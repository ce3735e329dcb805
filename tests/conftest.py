"""Fixtures: real Redis and PostgreSQL servers for the session, a clean store and queues per test,
and real ``jobagent worker`` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import text

from tests.local_services import hook_server, smtp_server  # noqa: F401  (fixtures shared by several files)
from tests.servers import PostgresServer, RedisServer, require_tool

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.skip_policy"]  # issue 15 (h4): in CI a skipped test is a failure
LAYERS = ("unit", "integration", "e2e", "deploy")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its layer, taken from its directory, so ``-m`` selects layers without a marker
    on each test that could drift from where the file lives."""
    for item in items:
        layer = Path(str(item.fspath)).parent.name
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
TABLES = "alert_state, company_research, deliveries, matches, postings, workflow_executions, runs, user_profiles"
TABLES += ", cv_documents"  # issue 11 (h3): CV bytes stored at submit, migration 0004
TABLES += ", board_events, board_entries, board_looks"  # the board (issue 14)
TABLES += ", api_tokens"  # token owners (issue 23 item 8, migration 0016)
TABLES += ", posting_sources, sources"  # postings index (issue 12)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    if not os.environ.get("JOBAGENT_TEST_REDIS_URL"):
        require_tool("redis-server", "redis-server")  # issue 15 (h4): a missing server is a named skip
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    if not os.environ.get("JOBAGENT_TEST_DATABASE_URL"):
        require_tool("initdb", "postgresql")  # issue 15 (h4): a missing server is a named skip
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    from jobagent.store.migrate import upgrade

    upgrade(pg_server.url)
    return pg_server.url


def _reset_caches() -> None:
    from jobagent import submission
    from jobagent.config import get_settings

    get_settings.cache_clear()
    submission._schema_ready.clear()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., dict[str, str]]:
    """Point the settings at given servers (or none, for the embedded default) for this test."""

    def configure(database_url: str | None = None, redis_url: str | None = None, **extra: str) -> dict[str, str]:
        for key in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(key, raising=False)
        values = {"JOBAGENT_DATA_DIR": str(tmp_path / "data"), "JOBAGENT_RETRY_BACKOFF_BASE": "1",
                  "JOBAGENT_WORKFLOW_MODULES": "tests.workflows_for_tests", **extra}
        if database_url:
            values["DATABASE_URL"] = database_url
        if redis_url:
            values["REDIS_URL"] = redis_url
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        _reset_caches()
        return values

    yield configure
    _reset_caches()


@pytest.fixture
def clean_pg(pg_url: str) -> str:
    from jobagent.store.session import get_engine

    with get_engine(pg_url).begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} CASCADE"))
    return pg_url


@pytest.fixture
def clean_redis(redis_server: RedisServer) -> str:
    Redis.from_url(redis_server.url).flushdb()
    return redis_server.url


@pytest.fixture
def live(env: Callable[..., dict[str, str]], clean_pg: str, clean_redis: str) -> dict[str, str]:
    """Production shape: Postgres + Redis, work done by worker subprocesses."""
    return env(database_url=clean_pg, redis_url=clean_redis)


@pytest.fixture(params=["postgres", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both store backends; SQLite files are migrated the way the embedded default does it."""
    if request.param == "postgres":
        return request.getfixturevalue("clean_pg")
    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    return url


class Workers:
    """Starts ``jobagent worker`` subprocesses in their own process groups and always stops them."""

    def __init__(self, environ: dict[str, str], log_dir: Path) -> None:
        self.environ = environ
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", "worker", *args], env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("worker-*.log")))


@pytest.fixture
def workers(live: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(live, tmp_path)
    yield pool
    pool.stop_all()


def wait_until(predicate: Callable[[], object], timeout: float = 60, interval: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def run_demo_in_process() -> None:
    """``jobagent demo`` in this process (output discarded), for module fixtures that need its profile, runs
    and matches in their embedded store; fails the fixture unless the demo exits 0."""
    import contextlib
    import io

    from jobagent.cli import main

    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setattr("sys.argv", ["jobagent", "demo"])
        with pytest.raises(SystemExit) as done:
            main()
    assert done.value.code == 0


def run_cli(*args: str, environ: dict[str, str] | None = None, home: Path | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess, as a user runs it."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOBAGENT_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(environ or {})
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}"
    if home is not None:
        env["HOME"] = str(home)
        env.pop("XDG_DATA_HOME", None)
    return subprocess.run([sys.executable, "-m", "jobagent.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=home or ROOT)


@pytest.fixture
def cli_main(capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """``jobagent.cli.main`` in this process, exit-code mapping included: the same code path as the console
    script, without paying the interpreter start-up for each of many calls. Returns (code, stdout, stderr)."""
    from jobagent.cli import main

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr("sys.argv", ["jobagent", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
