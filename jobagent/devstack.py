"""The local development stack behind ``jobagent dev``.

One supervisor process owns everything a developer needs: Redis and PostgreSQL (the configured ones, or
local throwaway-but-persistent ones started from the installed binaries), the schema, a worker, the
scheduler and the HTTP shim. Children run as ``python -m jobagent.cli <cmd>`` so that what runs in dev is
exactly what runs in production, only restarted whenever a ``*.py`` file of the package changes.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from jobagent.local_servers import PostgresServer, RedisServer, ServerError, find_pg_bin, free_port

COLORS = ("36", "33", "35", "32", "34", "31")
BACKOFF_FIRST, BACKOFF_MAX, STABLE_AFTER = 1.0, 30.0, 10.0


class Output:
    """Serialises prefixed lines from many threads so two children never interleave within a line."""

    def __init__(self, stream: IO[str] | None = None, color: bool = False) -> None:
        self.stream, self.color, self.width = stream or sys.stdout, color, 9
        self.lock = threading.Lock()
        self._colors: dict[str, str] = {}

    def line(self, name: str, text: str) -> None:
        prefix = f"{name:<{self.width}}|"
        if self.color:
            code = self._colors.setdefault(name, "1" if name == "dev" else COLORS[len(self._colors) % len(COLORS)])
            prefix = f"\x1b[{code}m{prefix}\x1b[0m"
        with self.lock:
            self.stream.write(f"{prefix} {text}\n")
            self.stream.flush()

    def log(self, text: str) -> None:
        self.line("dev", text)


@dataclass
class ChildSpec:
    """One supervised process; ``argv`` are the arguments after ``python -m jobagent.cli``."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Child:
    spec: ChildSpec
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    restart_at: float | None = 0.0  # monotonic time of the next start; None while running
    backoff: float = BACKOFF_FIRST


def default_specs(*, web: bool = True, scheduler: bool = True, queues: str = "high,default",
                  port: int | None = None) -> list[ChildSpec]:
    specs = [ChildSpec("worker", ["worker", "--queues", queues])]
    if scheduler:
        specs.append(ChildSpec("scheduler", ["scheduler"], {"TZ": "UTC"}))  # rq-scheduler reads cron in local time
    if web:
        specs.append(ChildSpec("web", ["serve", "--workers", "2", *(["--port", str(port)] if port else [])]))
    return specs


class Supervisor:
    """Runs the children, restarts them on code changes or crashes, and stops them all on SIGINT/SIGTERM.

    Every child gets its own session, so a Ctrl-C in the terminal reaches only the supervisor, which then
    sends a single SIGTERM (a *warm* shutdown for RQ: the current task finishes) instead of the terminal's
    SIGINT to everyone at once. All spawning happens on the main thread; threads only read pipes and watch.
    """

    def __init__(self, specs: Iterable[ChildSpec], env: dict[str, str], output: Output, *,
                 watch: Path | None = None, stop_timeout: float = 10.0) -> None:
        self.children = [Child(s) for s in specs]
        self.env, self.out = env, output
        self.out.width = max([9, *(len(s.spec.name) for s in self.children)])
        self.watch_path = watch
        self.stop_timeout = stop_timeout
        self.stopping = threading.Event()
        self.changed: queue.SimpleQueue[str] = queue.SimpleQueue()

    def _spawn(self, child: Child) -> None:
        env = {**os.environ, **self.env, **child.spec.env, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", *child.spec.argv], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        child.proc, child.started, child.restart_at = proc, time.monotonic(), None
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=self._pump, args=(child.spec.name, stream), daemon=True).start()
        self.out.log(f"started {child.spec.name} (pid {proc.pid}): jobagent {' '.join(child.spec.argv)}")

    def _pump(self, name: str, stream: IO[bytes] | None) -> None:
        """Read a child's pipe line by line; a child must never block on a full pipe."""
        if stream is None:
            return
        with stream:
            for raw in iter(stream.readline, b""):
                self.out.line(name, raw.decode(errors="replace").rstrip("\r\n"))

    def _stop(self, children: list[Child]) -> None:
        """SIGTERM all at once (so they wind down in parallel), then SIGKILL each group that overstays."""
        running = [c for c in children if c.proc is not None and c.proc.poll() is None]
        for c in running:
            assert c.proc is not None
            self.out.log(f"stopping {c.spec.name} (pid {c.proc.pid})")
            c.proc.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for c in running:
            assert c.proc is not None
            try:
                c.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.out.log(f"{c.spec.name} did not stop within {self.stop_timeout:g} s; killing it")
            try:  # the whole group: an RQ work-horse or gunicorn workers must not outlive their parent
                os.killpg(c.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.out.log(f"{c.spec.name} stopped (code {c.proc.wait()})")

    def _check_exits(self) -> None:
        """A child that exits on its own is restarted with exponential backoff, so a broken one never spins."""
        now = time.monotonic()
        for c in self.children:
            if c.proc is not None and c.restart_at is None and c.proc.poll() is not None:
                if now - c.started > STABLE_AFTER:
                    c.backoff = BACKOFF_FIRST
                self.out.log(f"{c.spec.name} exited with code {c.proc.returncode}; restarting in {c.backoff:g} s")
                c.restart_at = now + c.backoff
                c.backoff = min(c.backoff * 2, BACKOFF_MAX)
            if c.restart_at is not None and now >= c.restart_at:
                self._spawn(c)

    def _watch(self, path: Path) -> None:
        from watchfiles import watch

        for changes in watch(path, watch_filter=lambda _change, path: path.endswith(".py"),
                             stop_event=self.stopping, raise_interrupt=False):
            for name in sorted({os.path.basename(p) for _, p in changes}):
                self.changed.put(name)

    def run(self) -> int:
        """Supervise until asked to stop; returns the exit code (0 after a clean stop)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, _frame: self.stopping.set())
        if self.watch_path is not None and importlib.util.find_spec("watchfiles") is None:
            self.out.log("watchfiles is not installed (pip install watchfiles): no restarts on code changes")
        elif self.watch_path is not None:
            threading.Thread(target=self._watch, args=(self.watch_path,), name="watch", daemon=True).start()
            self.out.log(f"watching {self.watch_path} for *.py changes")
        try:
            while not self.stopping.is_set():
                changed = [self.changed.get() for _ in range(self.changed.qsize())]
                if changed:
                    names = ", ".join(c.spec.name for c in self.children)
                    self.out.log(f"restarting {names} ({', '.join(sorted(set(changed))[:5])} changed)")
                    self._stop(self.children)
                    for c in self.children:
                        c.backoff, c.restart_at = BACKOFF_FIRST, 0.0
                if not self.stopping.is_set():
                    self._check_exits()
                self.stopping.wait(0.2)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean stop short
            self.out.log("shutting down")
            self._stop(self.children)
        return 0


def run_dev(*, web: bool = True, scheduler: bool = True, queues: str = "high,default", port: int | None = None,
            watch: Path | None = None, stop_timeout: float = 10.0, color: bool = False) -> int:
    """Servers, schema, children; always stops what it started. Returns the process exit code."""
    from jobagent.config import get_settings

    out = Output(color=color)
    # Until the supervisor takes over, SIGTERM unwinds like Ctrl-C so the finally still stops our servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    settings = get_settings()
    base = settings.data_dir / "dev"
    servers: list[RedisServer | PostgresServer] = []
    env: dict[str, str] = {}
    try:
        if settings.redis_url:
            env["REDIS_URL"] = settings.redis_url
        else:  # stable ports between runs (6379, 5432) when free, so a second shell's exports keep working
            servers.append(redis_server := RedisServer(port=free_port(6379), data_dir=base / "redis",
                                                       new_session=True).start())
            env["REDIS_URL"] = redis_server.url
            out.log(f"started redis-server on port {redis_server.port}")
        if settings.database_url:
            env["DATABASE_URL"] = settings.database_url
            out.log(f"store: PostgreSQL at {_where(settings.database_url)} (DATABASE_URL)")
        elif (initdb := find_pg_bin("initdb", allow_wrapper=False)) is None:
            out.log("store: SQLite (embedded) at "
                    f"{settings.effective_database_url.removeprefix('sqlite:///')}: no DATABASE_URL and no "
                    "PostgreSQL server installed (apt-get install postgresql)")
        else:
            servers.append(pg := PostgresServer(port=free_port(5432), database="jobagent", data_dir=base / "postgres",
                                                durable=True, new_session=True).start())
            env["DATABASE_URL"] = pg.url
            out.log(f"started postgres on port {pg.port} (data in {pg.dir})")
            out.log(f"store: PostgreSQL at 127.0.0.1:{pg.port}/{pg.database} (server from {Path(initdb).parent})")
        shown = " ".join(f"{k}={v}" for k, v in sorted(env.items()))
        out.log(f"to use this stack from another shell: export {shown}")
        upgrade = subprocess.run([sys.executable, "-m", "jobagent.cli", "db", "upgrade"], capture_output=True,
                                 text=True, env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        for text in (upgrade.stdout + upgrade.stderr).splitlines():
            out.line("db", text)
        if upgrade.returncode != 0:
            out.log(f"jobagent db upgrade failed with code {upgrade.returncode}")
            return 1
        specs = default_specs(web=web, scheduler=scheduler, queues=queues, port=port)
        return Supervisor(specs, env, out, watch=watch, stop_timeout=stop_timeout).run()
    except ServerError as exc:  # a server failed to come up: one line, exit 1
        out.log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        out.log("interrupted during start-up")
        return 0
    finally:
        for server in reversed(servers):
            server.stop()
        if servers:
            out.log("stopped local servers")


def _where(url: str) -> str:
    """``host:port/db`` of a database URL, never its password."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return f"{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"
