"""Engines and sessions, one engine per database URL per process."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, update
from sqlalchemy.orm import Session, sessionmaker

from jobagent.config import get_settings


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
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


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


def prepare_for_forking(url: str | None = None) -> None:
    """Do once in a worker's main process what every forked work-horse would otherwise redo.

    Mapper configuration, the dialect's first-connect setup and compiling the engine's statements cost
    more than a small task; done here they are inherited by each fork. The warm-up runs the engine's
    own claim and record statements on throwaway rows in a transaction that is rolled back. The
    parent's pooled connections must never be used by a child, so the pool is emptied and each child
    drops its inherited copy without closing it.
    """
    from sqlalchemy.orm import configure_mappers

    from jobagent.store.models import Run, WorkflowExecution, utcnow

    configure_mappers()
    engine = get_engine(url)
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
    engine.dispose()
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    # Park everything imported so far outside the collector: a child's GC pass would otherwise touch (and so
    # copy) every inherited object's page, which costs more than the task itself.
    gc.collect()
    gc.freeze()
