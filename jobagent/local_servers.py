"""Local Redis and PostgreSQL servers on loopback: the one launcher behind ``jobagent dev``, the test
fixtures and the benchmarks, and where PostgreSQL's programs live (also used by backups).

A server is a child process on 127.0.0.1 with its data in ``data_dir`` (kept between runs: ``jobagent dev``)
or in a fresh temporary directory removed by ``stop()`` (tests, benchmarks). PostgreSQL refuses to run as
root, so as root ``initdb`` and ``postgres`` run as the ``postgres`` OS user, in a directory that user can
enter. Given ``external_url``, nothing is started and ``url`` is that URL (tests against a shared server).
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

PG_WRAPPER = "/usr/share/postgresql-common/pg_wrapper"
START_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """A local server could not be found, started or reached; the message names the package to install."""


def free_port(preferred: int = 0) -> int:
    """``preferred`` if nothing listens there (stable URLs between dev runs), else any free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    """True if something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _pg_dirs() -> list[str]:
    """Debian's versioned ``/usr/lib/postgresql/N/bin`` directories, newest first."""
    return sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: [int(p) if p.isdigit() else 0 for p in Path(d).parent.name.split(".")], reverse=True)


def find_pg_bin(name: str, *, allow_wrapper: bool = True) -> str | None:
    """The real PostgreSQL program ``name``, wherever it is installed, or None.

    In order: ``name`` on PATH, symlinks resolved (``/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/
    initdb`` on some Debian images); the directory the real ``initdb`` on PATH lives in (so ``postgres``
    comes from the same installation); the newest ``/usr/lib/postgresql/*/bin/NAME``. Debian's PATH entries
    for clients are a version-agnostic wrapper, which only ``allow_wrapper`` accepts (fine for pg_dump, not
    for starting a server); the newest versioned client can dump any older server, which a backup wants.
    """
    found = shutil.which(name)
    real = os.path.realpath(found) if found else None
    if real is not None and real != PG_WRAPPER:
        return real
    beside = shutil.which("initdb")
    dirs = [os.path.dirname(os.path.realpath(beside))] if beside and os.path.realpath(beside) != PG_WRAPPER else []
    for d in (*dirs, *_pg_dirs()):
        candidate = os.path.join(d, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return found if allow_wrapper else None


def find_redis_server() -> str | None:
    """Path of ``redis-server`` (PATH, then the usual places), or None."""
    found = shutil.which("redis-server")
    if found:
        return found
    for candidate in ("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _read_log(path: Path | None, limit: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:] if path else ""
    except OSError:
        return "<no log>"


def _traversable(path: Path) -> bool:
    """Whether "other" users may enter every existing ancestor of ``path``."""
    return all(not d.exists() or os.stat(d).st_mode & 0o001 for d in (path.resolve(), *path.resolve().parents))


class _LocalServer:
    """Lifecycle shared by both servers: start (wait until it answers), stop, restart, context manager."""

    stop_signal = signal.SIGTERM
    name = "server"

    def __init__(self, *, port: int = 0, data_dir: Path | None = None, external_url: str | None = None,
                 new_session: bool = False) -> None:
        self.external_url = external_url or None
        self.port = port
        self.data_dir = data_dir  # None: a temporary directory, removed by stop()
        self.dir: Path | None = data_dir
        self.new_session = new_session  # own session: a terminal's Ctrl-C reaches only the supervisor
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: Path | None = None

    @property
    def external(self) -> bool:
        return self.external_url is not None

    @property
    def running(self) -> bool:
        return self.external or (self.proc is not None and self.proc.poll() is None)

    def _spawn(self, argv: list[str], **kwargs: Any) -> None:
        assert self.log is not None
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=self.new_session, **kwargs)

    def _wait(self, check: Callable[[], object]) -> None:
        """Poll ``check`` until it returns truthy; any client error means "not up yet"."""
        deadline, last = time.monotonic() + START_TIMEOUT, ""
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited with {self.proc.returncode}; log {self.log}:\n"
                                  f"{_read_log(self.log)}")
            try:
                if check():
                    return
            except Exception as exc:  # noqa: BLE001  (connection refused, starting up, ...)
                last = str(exc)
            time.sleep(0.05)
        self._halt()
        raise ServerError(f"{self.name} did not become ready within {START_TIMEOUT:.0f} s: {last}\n"
                          f"{_read_log(self.log)}")

    def _halt(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def _launch(self) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        if not self.running:
            try:
                self._launch()
            except BaseException:
                self._halt()
                raise
        return self

    def stop(self) -> None:
        """Stop the server and remove a temporary data directory (no-op if external)."""
        if self.external:
            return
        self._halt()
        if self.data_dir is None and self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def restart(self) -> Self:
        """Stop and start again on the same port with the same directory (no-op if external)."""
        if not self.external:
            self._halt()
        return self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RedisServer(_LocalServer):
    """A loopback ``redis-server`` without persistence (Redis only carries work; PostgreSQL is the truth)
    and with ``noeviction``, as RQ needs. ``restart()`` loses the data."""

    name = "redis-server"

    @property
    def url(self) -> str:
        if self.external_url:
            return self.external_url
        if not self.port:
            raise ServerError("RedisServer is not started")
        return f"redis://127.0.0.1:{self.port}/0"

    def _launch(self) -> None:
        import redis

        if self.external:
            return self._wait(lambda: redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        exe = find_redis_server()
        if exe is None:
            raise ServerError("redis-server is not installed (apt-get install redis-server)")
        if self.dir is None:
            self.dir = Path(tempfile.mkdtemp(prefix="jobagent-redis-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.log = self.dir / "redis.log"
        self._spawn([exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", str(self.dir), "--daemonize", "no", "--maxmemory-policy", "noeviction",
                     "--logfile", str(self.log)])

        def ping() -> bool:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()

        self._wait(ping)


class PostgresServer(_LocalServer):
    """A loopback PostgreSQL cluster with trust auth, superuser ``jobagent`` and database ``database``.

    ``durable=False`` (tests, benchmarks) turns fsync off and skips initdb's sync: a crash loses a scratch
    cluster, never real data. ``jobagent dev`` keeps a durable cluster in its data directory.
    """

    name = "postgres"
    user = "jobagent"
    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown: clean, without waiting for clients to leave

    def __init__(self, *, port: int = 0, database: str = "jobagent_test", data_dir: Path | None = None,
                 durable: bool = False, external_url: str | None = None, new_session: bool = False,
                 os_user: str = "postgres") -> None:
        super().__init__(port=port, data_dir=data_dir, external_url=external_url, new_session=new_session)
        self.database, self.durable = database, durable
        self.os_user: pwd.struct_passwd | None = None
        if os.geteuid() == 0 and not self.external:
            try:
                self.os_user = pwd.getpwnam(os_user)
            except KeyError:
                raise ServerError(f"running as root and there is no {os_user!r} user to run PostgreSQL as") from None
            if data_dir is not None and not _traversable(data_dir):  # e.g. under /root: keep one per data_dir
                tag = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:10]
                self.data_dir = self.dir = Path(tempfile.gettempdir()) / f"jobagent-dev-{os.geteuid()}-{tag}"

    @property
    def url(self) -> str:
        return self.external_url or self.url_for(self.database)

    def url_for(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        if self.external_url:
            from sqlalchemy.engine import make_url

            return make_url(self.external_url).set(database=database).render_as_string(hide_password=False)
        if not self.port:
            raise ServerError("PostgresServer is not started")
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def libpq_dsn(self, database: str) -> str:
        """A plain libpq URL (for psycopg.connect) of ``database`` on this server."""
        from sqlalchemy.engine import make_url

        return make_url(self.url_for(database)).set(drivername="postgresql").render_as_string(hide_password=False)

    def _admin_db(self) -> str:
        if not self.external_url:
            return "postgres"
        from sqlalchemy.engine import make_url

        return make_url(self.external_url).database or "postgres"

    def _as_owner(self, *paths: Path) -> dict[str, Any]:
        """Popen arguments that run a command as the cluster's owner, after giving it ``paths``."""
        if self.os_user is None:
            return {}
        for path in paths:
            os.chown(path, self.os_user.pw_uid, self.os_user.pw_gid)
        return {"user": self.os_user.pw_uid, "group": self.os_user.pw_gid, "extra_groups": []}

    def _make_dir(self) -> Path:
        if self.dir is None:  # mkdtemp under a parent the postgres user can enter
            parent = None if self.os_user is None or _traversable(Path(tempfile.gettempdir())) else "/tmp"
            self.dir = Path(tempfile.mkdtemp(prefix="jobagent-pg-", dir=parent))
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        return self.dir

    def _launch(self) -> None:
        import psycopg

        if self.external:
            def answers() -> bool:
                with psycopg.connect(self.libpq_dsn(self._admin_db()), connect_timeout=2) as conn:
                    return conn.execute("SELECT 1").fetchone() is not None

            return self._wait(answers)
        initdb, postgres = find_pg_bin("initdb", allow_wrapper=False), find_pg_bin("postgres", allow_wrapper=False)
        if initdb is None or postgres is None:
            raise ServerError("the PostgreSQL server (initdb, postgres) is not installed (apt-get install postgresql)")
        base = self._make_dir()
        data, self.log = base / "data", base / "postgres.log"
        self.log.touch()
        if not (data / "PG_VERSION").exists():
            data.mkdir(mode=0o700, exist_ok=True)
            res = subprocess.run([initdb, "-D", str(data), "-A", "trust", "-U", self.user, "--encoding=UTF8",
                                  "--locale=C", *([] if self.durable else ["--no-sync"])],
                                 stdin=subprocess.DEVNULL, capture_output=True, cwd=base, **self._as_owner(data))
            if res.returncode != 0:
                raise ServerError(f"initdb failed ({res.returncode}): {res.stderr.decode(errors='replace')[-2000:]}")
        self.port = self.port or free_port()
        fast = [] if self.durable else ["-c", "fsync=off", "-c", "synchronous_commit=off",
                                        "-c", "full_page_writes=off"]
        self._spawn([postgres, "-D", str(data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                     "-c", "unix_socket_directories=", "-c", "max_connections=200", *fast],
                    cwd=base, **self._as_owner(self.log))

        def ready() -> bool:
            with psycopg.connect(self.libpq_dsn("postgres"), connect_timeout=2, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone() is None:
                    self._create(conn, self.database)
            return True

        self._wait(ready)

    @staticmethod
    def _create(conn: Any, name: str) -> None:
        from psycopg import sql

        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))

    def create_database(self, name: str) -> str:
        """Create an empty database ``name`` on this server and return its SQLAlchemy URL."""
        import psycopg

        if not self.running:
            raise ServerError("PostgresServer is not started")
        with psycopg.connect(self.libpq_dsn(self._admin_db()), autocommit=True, connect_timeout=5) as conn:
            self._create(conn, name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` (disconnecting any sessions) if it exists."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.libpq_dsn(self._admin_db()), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
