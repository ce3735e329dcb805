"""Real Redis and PostgreSQL servers for the test suite, started on loopback.

Each server runs as a child process on a free port with its data in a fresh
temporary directory, and is torn down by ``stop()``. Nothing here depends on
pytest, so ``conftest.py`` fixtures can wrap these classes directly.

Reusing external servers
------------------------
If ``JOBAGENT_TEST_REDIS_URL`` is set, :class:`RedisServer` starts nothing and
``url`` returns that value; likewise ``JOBAGENT_TEST_DATABASE_URL`` for
:class:`PostgresServer` (give a SQLAlchemy URL such as
``postgresql+psycopg://user@host:5432/db``). ``stop()`` and ``restart()`` never
touch an external server. Note that tests sharing an external server also share
its data.

PostgreSQL refuses to run as root. When the tests run as root, ``initdb`` and
``postgres`` are run as the ``postgres`` system user (override the name with
``JOBAGENT_TEST_PG_OS_USER``), and the data directory is owned by that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from jobagent.local_servers import find_pg_bin as _find_pg_bin

REDIS_URL_ENV = "JOBAGENT_TEST_REDIS_URL"
DATABASE_URL_ENV = "JOBAGENT_TEST_DATABASE_URL"
PG_OS_USER_ENV = "JOBAGENT_TEST_PG_OS_USER"

PG_USER = "jobagent"
PG_DATABASE = "jobagent_test"

START_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """A test server could not be found, started or reached."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    """True if something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _terminate(proc: subprocess.Popen[bytes] | None, timeout: float = 15.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def _read_log(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "<no log>"


# --------------------------------------------------------------------------- Redis


def find_redis_server() -> str:
    """Path of the ``redis-server`` binary."""
    found = shutil.which("redis-server")
    if found:
        return found
    for candidate in ("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise ServerError("redis-server not found; install it (apt-get install redis-server)")


class RedisServer:
    """A throwaway ``redis-server`` on 127.0.0.1 with no persistence.

    Use ``start()`` / ``stop()`` (or the class as a context manager) and
    ``url`` (``redis://127.0.0.1:PORT/0``). ``restart()`` stops and starts the
    same server on the same port (its data is lost, as nothing is persisted).

    If ``JOBAGENT_TEST_REDIS_URL`` is set, nothing is started and ``url``
    returns that value.
    """

    def __init__(self, port: int | None = None) -> None:
        self.external_url: str | None = os.environ.get(REDIS_URL_ENV) or None
        self.port: int = port or 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.tmpdir: Path | None = None

    @property
    def external(self) -> bool:
        return self.external_url is not None

    @property
    def url(self) -> str:
        if self.external_url:
            return self.external_url
        if not self.port:
            raise ServerError("RedisServer is not started")
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.external or (self.proc is not None and self.proc.poll() is None)

    def start(self) -> RedisServer:
        if self.external:
            self._wait_ready()
            return self
        if self.running:
            return self
        if self.tmpdir is None:
            self.tmpdir = Path(tempfile.mkdtemp(prefix="jobagent-redis-"))
        if not self.port:
            self.port = free_port()
        log = self.tmpdir / "redis.log"
        cmd = [
            find_redis_server(),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.tmpdir),
            "--daemonize", "no",
            "--maxmemory-policy", "noeviction",
            "--logfile", str(log),
        ]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            _terminate(self.proc)
            self.proc = None
            raise
        return self

    def _wait_ready(self) -> None:
        import redis

        deadline = time.monotonic() + START_TIMEOUT
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                log = _read_log(self.tmpdir / "redis.log") if self.tmpdir else ""
                raise ServerError(f"redis-server exited with {self.proc.returncode}:\n{log}")
            try:
                client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
                try:
                    if client.ping():
                        return
                finally:
                    client.close()
            except redis.RedisError as exc:
                last = exc
            time.sleep(0.05)
        raise ServerError(f"Redis at {self.url} did not answer PING: {last}")

    def stop(self) -> None:
        """Terminate the server and remove its directory (no-op if external)."""
        if self.external:
            return
        _terminate(self.proc)
        self.proc = None
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def restart(self) -> RedisServer:
        """Stop and start again on the same port (no-op if external)."""
        if self.external:
            return self
        _terminate(self.proc)
        self.proc = None
        return self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --------------------------------------------------------------------------- PostgreSQL


def find_pg_bin(name: str) -> str:
    """Path of a PostgreSQL server binary (``initdb``, ``postgres``, ``pg_ctl``, ``pg_isready``)."""
    found = _find_pg_bin(name)
    if found is None:
        raise ServerError(f"PostgreSQL binary {name!r} not found; install postgresql")
    return found


def _pg_os_user() -> pwd.struct_passwd | None:
    """The OS user to run PostgreSQL as, or None to run as the current user."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get(PG_OS_USER_ENV, "postgres")
    try:
        return pwd.getpwnam(name)
    except KeyError as exc:
        raise ServerError(f"running as root but there is no {name!r} user to run PostgreSQL as") from exc


class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1 with durability turned off.

    ``start()`` runs ``initdb`` (trust auth, superuser ``jobagent``) in a temp
    directory, starts ``postgres`` on a free port and creates the database
    ``jobagent_test``. ``url`` is the SQLAlchemy URL
    ``postgresql+psycopg://jobagent@127.0.0.1:PORT/jobagent_test``.
    ``create_database(name)`` makes another empty database and returns its URL.
    ``stop()`` shuts the server down and removes the directory.

    If ``JOBAGENT_TEST_DATABASE_URL`` is set, nothing is started and ``url``
    returns that value; ``create_database`` then creates databases on that
    server (the URL's user needs CREATEDB).
    """

    def __init__(self, port: int | None = None, database: str = PG_DATABASE) -> None:
        self.external_url: str | None = os.environ.get(DATABASE_URL_ENV) or None
        self.port: int = port or 0
        self.database = database
        self.user = PG_USER
        self.proc: subprocess.Popen[bytes] | None = None
        self.tmpdir: Path | None = None
        self._os_user = None if self.external_url else _pg_os_user()

    # ---- URLs

    @property
    def external(self) -> bool:
        return self.external_url is not None

    @property
    def url(self) -> str:
        if self.external_url:
            return self.external_url
        return self.url_for(self.database)

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

        u = make_url(self.url_for(database)).set(drivername="postgresql")
        return u.render_as_string(hide_password=False)

    @property
    def running(self) -> bool:
        return self.external or (self.proc is not None and self.proc.poll() is None)

    # ---- lifecycle

    def _run_kwargs(self) -> dict[str, Any]:
        if self._os_user is None:
            return {}
        return {"user": self._os_user.pw_uid, "group": self._os_user.pw_gid, "extra_groups": []}

    def _chown(self, path: Path) -> None:
        if self._os_user is not None:
            os.chown(path, self._os_user.pw_uid, self._os_user.pw_gid)

    @property
    def datadir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "data"

    @property
    def sockdir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "sock"

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "postgres.log"

    def _tmp_base(self) -> str | None:
        """Parent for the temp dir: the default, unless the postgres user could not traverse it."""
        if self._os_user is None:
            return None
        base = Path(tempfile.gettempdir()).resolve()
        for d in (base, *base.parents):
            if not os.stat(d).st_mode & 0o001:
                return "/tmp"
        return str(base)

    def _initdb(self) -> None:
        # mkdtemp makes a 0700 dir; open it up so the postgres user can traverse it.
        self.tmpdir = Path(tempfile.mkdtemp(prefix="jobagent-pg-", dir=self._tmp_base()))
        os.chmod(self.tmpdir, 0o755)
        for d in (self.datadir, self.sockdir):
            d.mkdir(mode=0o700)
            self._chown(d)
        self.logfile.touch()
        self._chown(self.logfile)
        cmd = [
            find_pg_bin("initdb"),
            "-D", str(self.datadir),
            "-A", "trust",
            "-U", self.user,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]
        res = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True, cwd=self.tmpdir, **self._run_kwargs()
        )
        if res.returncode != 0:
            raise ServerError(
                f"initdb failed ({res.returncode}):\n{res.stdout.decode(errors='replace')}"
                f"\n{res.stderr.decode(errors='replace')}"
            )

    def start(self) -> PostgresServer:
        if self.external:
            self._wait_ready()
            return self
        if self.running:
            return self
        if self.tmpdir is None:
            self._initdb()
            fresh = True
        else:
            fresh = False
        if not self.port:
            self.port = free_port()
        cmd = [
            find_pg_bin("postgres"),
            "-D", str(self.datadir),
            "-p", str(self.port),
            "-k", str(self.sockdir),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ]
        log = open(self.logfile, "ab")
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.tmpdir, **self._run_kwargs(),
            )
        finally:
            log.close()
        try:
            self._wait_ready()
            if fresh:
                self._create_database_raw(self.database)
        except BaseException:
            _terminate(self.proc)
            self.proc = None
            raise
        return self

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        last: Exception | None = None
        dsn = self.libpq_dsn("postgres") if not self.external else self.libpq_dsn(self._external_db())
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerError(f"postgres exited with {self.proc.returncode}:\n{_read_log(self.logfile)}")
            if not self.external and not self._pg_isready():
                time.sleep(0.05)
                continue
            try:
                with psycopg.connect(dsn, connect_timeout=2) as conn:
                    conn.execute("select 1")
                return
            except psycopg.Error as exc:
                last = exc
            time.sleep(0.05)
        log = _read_log(self.logfile) if self.tmpdir else ""
        raise ServerError(f"PostgreSQL did not become ready: {last}\n{log}")

    def _pg_isready(self) -> bool:
        try:
            exe = find_pg_bin("pg_isready")
        except ServerError:
            return True  # fall back to connecting with psycopg
        res = subprocess.run(
            [exe, "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", "postgres", "-t", "1"],
            stdin=subprocess.DEVNULL, capture_output=True,
        )
        return res.returncode == 0

    def _external_db(self) -> str:
        from sqlalchemy.engine import make_url

        assert self.external_url is not None
        return make_url(self.external_url).database or "postgres"

    def _create_database_raw(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        admin_db = "postgres" if not self.external else self._external_db()
        with psycopg.connect(self.libpq_dsn(admin_db), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))

    def create_database(self, name: str) -> str:
        """Create an empty database ``name`` on this server and return its SQLAlchemy URL."""
        if not self.running:
            raise ServerError("PostgresServer is not started")
        self._create_database_raw(name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` (disconnecting any sessions) if it exists."""
        import psycopg
        from psycopg import sql

        admin_db = "postgres" if not self.external else self._external_db()
        with psycopg.connect(self.libpq_dsn(admin_db), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Shut the server down (fast shutdown) and remove its directory; no-op if external."""
        if self.external:
            return
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT = "fast" shutdown: disconnect clients, then exit cleanly.
            self.proc.send_signal(2)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _terminate(self.proc)
        self.proc = None
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def restart(self) -> PostgresServer:
        """Stop and start again on the same port, keeping the data (no-op if external)."""
        if self.external:
            return self
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _terminate(self.proc)
        self.proc = None
        return self.start()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
