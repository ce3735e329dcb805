"""The local development stack behind ``jobagent dev``.

One supervisor process owns everything a developer needs: Redis and PostgreSQL (the configured ones, or
local throwaway-but-persistent ones started from the installed binaries), the schema, a worker, the
scheduler and the HTTP shim. Children run as ``python -m jobagent.cli <cmd>`` so that what runs in dev is
exactly what runs in production, only restarted whenever a ``*.py`` file of the package changes.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jobagent.local_servers import find_pg_bin

COLORS = ("36", "33", "35", "32", "34", "31")
START_TIMEOUT = 30.0
BACKOFF_FIRST, BACKOFF_MAX, STABLE_AFTER = 1.0, 30.0, 10.0


class DevStackError(RuntimeError):
    """The stack cannot start (no server configured and none installed, a server failed to come up)."""


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


def free_port(preferred: int = 0) -> int:
    """``preferred`` if nothing listens there (stable URLs between runs), else any free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(check: Callable[[], object], proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise DevStackError(f"{what} exited with {proc.returncode}; log {log}:\n{tail}")
        try:
            if check():
                return
        except Exception:  # not up yet; any client error means "retry"
            pass
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise DevStackError(f"{what} did not become ready within {START_TIMEOUT:.0f} s; log {log}")


class _LocalServer:
    """A server this run started (in its own session, so Ctrl-C reaches only the supervisor) and must stop."""

    stop_signal = signal.SIGTERM

    def __init__(self, base: Path) -> None:
        self.dir = base
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(self.stop_signal)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class LocalRedis(_LocalServer):
    """A loopback redis-server without persistence: Redis only carries work, Postgres holds the truth."""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> LocalRedis:
        import redis

        exe = shutil.which("redis-server")
        if exe is None:
            raise DevStackError("REDIS_URL is not set and redis-server is not installed")
        self.dir = self.dir / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port, log = free_port(6379), self.dir / "redis.log"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--daemonize", "no", "--logfile", str(log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for(lambda: redis.Redis.from_url(self.url, socket_connect_timeout=1).ping(), self.proc, "redis", log)
        return self


class LocalPostgres(_LocalServer):
    """A loopback PostgreSQL cluster whose data survives between ``jobagent dev`` runs.

    PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` OS user (like the tests do);
    that user cannot enter root's home, so the cluster then lives under the temp dir instead.
    """

    user, database = "jobagent", "jobagent"
    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown: clean, without waiting for clients to leave

    def __init__(self, base: Path) -> None:
        self.os_user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.os_user = pwd.getpwnam("postgres")
            except KeyError:
                raise DevStackError("running as root and there is no 'postgres' user to run PostgreSQL as") from None
        if self.os_user is not None and not _traversable(base):
            base = Path(tempfile.gettempdir()) / f"jobagent-dev-{os.geteuid()}"
        super().__init__(base / "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _as_owner(self, chown: Path | None = None) -> dict[str, Any]:
        """Popen arguments that run a command as the cluster's owner; with ``chown``, give it that path."""
        if self.os_user is None:
            return {}
        if chown is not None:
            os.chown(chown, self.os_user.pw_uid, self.os_user.pw_gid)
        return {"user": self.os_user.pw_uid, "group": self.os_user.pw_gid, "extra_groups": []}

    def start(self) -> LocalPostgres:
        import psycopg

        initdb, postgres = find_pg_bin("initdb", allow_wrapper=False), find_pg_bin("postgres", allow_wrapper=False)
        if initdb is None or postgres is None:
            raise DevStackError("DATABASE_URL is not set and the PostgreSQL server is not installed")
        data, log = self.dir / "data", self.dir / "postgres.log"
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o755)
        os.chmod(self.dir, 0o755)
        if not (data / "PG_VERSION").exists():
            data.mkdir(mode=0o700, exist_ok=True)
            res = subprocess.run([initdb, "-D", str(data), "-A", "trust", "-U", self.user, "--encoding=UTF8",
                                  "--locale=C"], stdin=subprocess.DEVNULL, capture_output=True, cwd=self.dir,
                                 **self._as_owner(chown=data))
            if res.returncode != 0:
                raise DevStackError(f"initdb failed: {res.stderr.decode(errors='replace')[-2000:]}")
        self.port = free_port(5432)
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [postgres, "-D", str(data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                 "-c", "unix_socket_directories="],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir,
                start_new_session=True, **self._as_owner(chown=log))
        admin = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

        def ready() -> bool:
            with psycopg.connect(admin, connect_timeout=2, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone() is None:
                    conn.execute(f'CREATE DATABASE "{self.database}"')
            return True

        _wait_for(ready, self.proc, "postgres", log)
        return self


def _traversable(path: Path) -> bool:
    """Whether "other" users may enter every existing ancestor of ``path``."""
    for d in (path.resolve(), *path.resolve().parents):
        if d.exists() and not os.stat(d).st_mode & 0o001:
            return False
    return True


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
    servers: list[LocalRedis | LocalPostgres] = []
    env: dict[str, str] = {}
    try:
        if settings.redis_url:
            env["REDIS_URL"] = settings.redis_url
        else:
            servers.append(redis_server := LocalRedis(base).start())
            env["REDIS_URL"] = redis_server.url
            out.log(f"started redis-server on port {redis_server.port}")
        if settings.database_url:
            env["DATABASE_URL"] = settings.database_url
        elif find_pg_bin("initdb", allow_wrapper=False) is None:
            out.log(f"no DATABASE_URL and no PostgreSQL installed: using {settings.effective_database_url}")
        else:
            servers.append(pg := LocalPostgres(base).start())
            env["DATABASE_URL"] = pg.url
            out.log(f"started postgres on port {pg.port} (data in {pg.dir})")
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
    except DevStackError as exc:
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
