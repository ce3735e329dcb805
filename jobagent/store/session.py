"""Engines and sessions, one engine per database URL per process."""

from __future__ import annotations

import gc
import logging
import mmap
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Executable, Result, create_engine, event, update
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from jobagent.config import get_settings

log = logging.getLogger(__name__)


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url``, or for the current settings (resolved on every call, cached per URL)."""
    return _engine_for(url or get_settings().effective_database_url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets a status reader and an in-process workflow share the file; FKs are off by default.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    engine = create_engine(url, pool_size=5, max_overflow=5)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", lambda dbapi_conn, record, _proxy: _ping_if_idle(engine, dbapi_conn, record))
    return engine


PING_AFTER_IDLE = 1.0  # in workers: seconds a pooled connection may sit unused before its next checkout pings it
_ping_grace = 0.0  # everywhere else every checkout pings, as pool_pre_ping does (set by prepare_for_forking)
# In a forked work-horse: when the previous work-horse last used the inherited connection and left it intact
# (``HorseConnection``). The connection's own idle stamp is the parent's copy, stale since the warm-up.
_vouched_at = 0.0


def _note_idle(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine, dbapi_conn: Any, record: Any) -> None:
    """``pool_pre_ping``, except in a worker for a connection checked in less than ``PING_AFTER_IDLE`` ago.

    SQLAlchemy's pre-ping costs a round trip on every checkout, and a task checks out a connection for its
    claim and again for each record, milliseconds apart. In a worker a connection that was fine a moment ago
    is taken as fine (if PostgreSQL went away in that moment, the statement fails and the task is retried
    like any database blip); one that sat idle (across a PostgreSQL restart, say, or inherited by a new
    work-horse) is pinged, and a dead one is replaced before use (SQLAlchemy's pessimistic disconnect
    recipe: ``DisconnectionError`` makes the pool invalidate it and retry the checkout). Producers (CLI,
    HTTP) ping on every checkout: a submission has no retry.
    """
    if _ping_grace and time.monotonic() - max(record.info.get("idle_since", 0.0), _vouched_at) < _ping_grace:
        return
    try:
        alive = engine.dialect.do_ping(dbapi_conn)  # one round trip (psycopg: in autocommit, no transaction)
    except Exception as exc:  # noqa: BLE001 - any failure of a trivial query means the connection is unusable
        raise DisconnectionError(f"stale pooled connection: {exc}") from exc
    if not alive:
        raise DisconnectionError("stale pooled connection")


@lru_cache(maxsize=8)
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error so no half-written rows remain."""
    session = _factory(url or get_settings().effective_database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rows_affected(result: Result[Any]) -> int:
    """The row count of an UPDATE/DELETE (``Session.execute`` is typed as returning a plain ``Result``)."""
    return int(cast("CursorResult[Any]", result).rowcount)


def execute_alone(statement: Executable, url: str | None = None) -> int:
    """Run one UPDATE/DELETE as its own transaction (autocommit) and return its row count.

    A single statement is atomic by itself; in a session it costs three round trips (BEGIN, the
    statement, COMMIT), alone it costs one. The engine's per-node records and lease renewals are such
    statements, and on a trivial task those round trips were most of jobagent's overhead over RQ.
    """
    engine = get_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return rows_affected(conn.execute(statement))


def execute_raw(sql: str, params: tuple[Any, ...] | dict[str, Any], url: str | None = None) -> tuple[int, Any]:
    """Run one plain SQL statement on PostgreSQL (autocommit, psycopg ``%s`` parameters): (row count, first row).

    For the few statements every task runs (the engine's claim and records): SQLAlchemy builds, keys and
    caches a Core statement on every call, and in a freshly forked work-horse that work also copies the
    pages it touches; measured here, a record cost 3-4 ms through Core and under 1 ms like this. The
    connection still comes from the engine's pool (its checkout ping and invalidation apply; a heartbeat
    thread gets another one) and goes back as it came, outside any transaction.
    """
    raw = get_engine(url).raw_connection()
    try:
        conn = raw.driver_connection
        conn.autocommit = True  # type: ignore[union-attr]
        try:
            # psycopg's own rule: prepared on the server from the 5th run of a statement on a connection,
            # except on the forking worker's shared one, which has preparing switched off (_no_server_prepares).
            cur = conn.execute(sql, params)  # type: ignore[union-attr]
            return cur.rowcount, (cur.fetchone() if cur.description else None)
        finally:
            conn.autocommit = False  # type: ignore[union-attr]
    except Exception as exc:
        if raw.driver_connection is not None and raw.driver_connection.closed:
            raw.invalidate(exc)  # a broken connection must not go back to the pool
        raise
    finally:
        raw.close()


def prepare_for_forking(url: str | None = None, *, share_connection: bool = True) -> None:
    """Do once in a worker's main process what every forked work-horse would otherwise redo.

    Mapper configuration, the dialect's first-connect setup and compiling the engine's statements cost
    more than a small task; done here they are inherited by each fork. The warm-up runs the engine's
    own claim and record statements on throwaway rows in a transaction that is rolled back.

    ``share_connection`` (the forking worker): the warm-up's PostgreSQL connection stays in the pool and
    each work-horse, forked one at a time, uses it instead of opening its own (a new connection costs a
    PostgreSQL backend start, 11-13 ms, more than the rest of a trivial task); see ``HorseConnection``.
    Otherwise (pooled work-horses, which open one connection each and keep it; SQLite) the pool is emptied
    here and every forked child drops what it inherited, without closing it.
    """
    from sqlalchemy.orm import configure_mappers

    from jobagent.store.models import Run, WorkflowExecution, utcnow

    global _horse_connection, _ping_grace
    _ping_grace = PING_AFTER_IDLE
    configure_mappers()
    engine = get_engine(url)
    shared = share_connection and engine.dialect.name == "postgresql"
    if shared:
        # Server-side prepared statements are named per connection by psycopg's client-side counter; a
        # work-horse's PREPARE would survive on the server while the next fork starts from the parent's
        # counter and PREPAREs the same name again. Plain statements keep every fork consistent.
        event.listen(engine, "connect", _no_server_prepares)
        engine.dispose()
    with Session(engine) as session:  # never committed
        session.add(Run(id="warm-up", workflow_type="warm-up"))
        session.add(WorkflowExecution(id="warm-up", run_id="warm-up", workflow_type="warm-up"))
        session.flush()
        session.expunge_all()
        ex = session.get(WorkflowExecution, "warm-up", with_for_update=True)
        assert ex is not None
        ex.status, ex.attempts, ex.started_at, ex.nodes_total, ex.current_node = "x", 1, utcnow(), 1, "x"
        session.flush()
        stmt = update(WorkflowExecution).where(WorkflowExecution.id == "warm-up")
        session.execute(stmt.values(current_node="x", nodes_done=0, context_snapshot={}))
        session.execute(stmt.values(status="x", nodes_done=1, result={}, context_snapshot={},
                                    completed_at=utcnow(), error_message=None))
        session.rollback()
    if shared:
        _horse_connection = HorseConnection(engine)
    else:  # no handoff: whatever the parent pools later is never a child's to use
        engine.dispose()
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    # Park everything imported so far outside the collector: a child's GC pass would otherwise touch (and so
    # copy) every inherited object's page, which costs more than the task itself.
    gc.collect()
    gc.freeze()


def forget_inherited_connections(url: str | None = None) -> None:
    """In a freshly forked child: drop the parent's pooled connections without closing them (they are the
    parent's); the child opens its own on first use."""
    get_engine(url).dispose(close=False)


def _no_server_prepares(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.prepare_threshold = None


class HorseConnection:
    """Hands the main process's one pooled PostgreSQL connection to each forked work-horse in turn.

    Safe because the main process forks one work-horse at a time and does not use the connection while
    it runs, and because psycopg never closes a connection from a process other than the one that opened
    it. A work-horse may leave the connection unusable for the next one: it was killed mid-statement, its
    task failed (a time-limit exception can land between a query and its result), or the connection broke
    and the pool replaced it. So the work-horse says "clean" in a shared byte only when its task succeeded
    and the pool neither invalidated nor replaced a connection; anything else makes the main process open a
    fresh connection before the next fork, which costs what every task used to pay.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.flag = mmap.mmap(-1, mmap.PAGESIZE)
        self.parent = os.getpid()
        self.broken = False
        event.listen(engine, "invalidate", self._broke)
        event.listen(engine, "soft_invalidate", self._broke)

    def _broke(self, *_args: Any) -> None:
        self.broken = True

    def before_fork(self) -> None:
        self.flag[0] = 0
        self.broken = False

    def horse_done(self, ok: bool) -> None:
        """In the work-horse, after its task: report whether the inherited connection is fit for reuse."""
        self.flag[0] = 1 if ok and not self.broken else 0

    def after_horse(self) -> None:
        """In the main process, after the work-horse exited: replace a connection it may have spoiled."""
        global _vouched_at
        if os.getpid() != self.parent:
            return
        if self.flag[0] == 1:
            _vouched_at = time.monotonic()  # used a moment ago and left intact: the next work-horse need not ping
            return
        self.engine.dispose()
        try:
            with self.engine.connect():
                pass  # open the next work-horse's connection now, in the main process
        except Exception:  # noqa: BLE001 - PostgreSQL away: the next work-horse connects (and reports) itself
            log.warning("could not reopen the work-horses' PostgreSQL connection", exc_info=True)


_horse_connection: HorseConnection | None = None


class _NoHandoff:
    """Stands in when there is nothing to hand off (SQLite, pooled mode, tests that fork directly)."""

    def before_fork(self) -> None: ...

    def horse_done(self, ok: bool) -> None: ...

    def after_horse(self) -> None: ...


def horse_connection() -> HorseConnection | _NoHandoff:
    return _horse_connection or _NoHandoff()
