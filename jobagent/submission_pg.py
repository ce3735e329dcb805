"""Submission against PostgreSQL and Redis in the fewest round trips (issue 16, aim 1).

The order of work is submission.py's: both rows committed, then the queue, then the enqueued mark. Here
each step is one round trip whatever the batch size: one INSERT that writes the runs and the executions
together (a data-modifying CTE is one statement, so one implicit transaction: both tables or neither),
one MULTI/EXEC for every task of the batch, one UPDATE for the mark. The mark is sent to PostgreSQL just
before the MULTI/EXEC goes to Redis and its answer read just after, so the two round trips overlap: a
submission waits for two round trips, not three. If the MULTI/EXEC fails, the failure statement clears
the mark again; if the process dies between the two, the row is pending with a mark and no queue job,
which reconcile requeues after its grace ("queue job lost from Redis"), as it does a never-enqueued row.
Statements go straight to psycopg on an autocommit connection (no BEGIN/COMMIT round trips, no SQLAlchemy
compile step; psycopg prepares a statement it has run five times), so a submission's Python costs less
than Celery's ``delay``.

The connections come from a small pool of their own without ``pool_pre_ping`` (that ping is one more
round trip per checkout). A connection PostgreSQL dropped (a restart, an idle timeout) fails on first
use instead; the pool is then emptied and the statement retried once on a new connection, which is safe
here: a statement that failed on a dead socket never ran.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import generators, pq
from psycopg.errors import error_from_result
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, create_engine

from jobagent.config import Settings
from jobagent.errors import EnqueueFailed
from jobagent.store.models import utcnow
from jobagent.submission_rows import Submission, SubmissionSpec, enqueue_error, execution_row, run_row

_RUN_COLUMNS = ("id", "workflow_type", "profile_id", "query", "location", "params", "dedup_key", "created_at")
_EX_COLUMNS = ("id", "task_id", "run_id", "workflow_type", "status", "queue", "attempts", "nodes_done",
               "nodes_total", "requeues", "context_snapshot", "created_at")
_JSON_COLUMNS = frozenset({"params", "context_snapshot"})

# Sent through libpq's asynchronous call (text parameters), so it is in flight while Redis works.
_MARK_ENQUEUED = b"UPDATE workflow_executions SET enqueued_at = $1::timestamptz WHERE id = ANY($2::varchar[])"
_MARK_FAILED = ("UPDATE workflow_executions SET status = 'failed', error_message = %s, completed_at = %s, "
                "enqueued_at = NULL WHERE id = ANY(%s) AND status = 'pending'")
# Executions go with their runs (ON DELETE CASCADE); only used when nothing reached Redis.
_TAKE_BACK = "DELETE FROM runs WHERE id = ANY(%s)"

_engines: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                                               pool_reset_on_return=None, pool_size=2, max_overflow=8)
    return engine


def _forget_pools_in_child() -> None:
    """A forked child (an RQ work-horse, a gunicorn worker) must never use its parent's sockets."""
    for engine in _engines.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_pools_in_child)


def _run(raw: Any, sql: str, params: list[Any]) -> None:
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
    finally:
        cur.close()


def _checkout_and_run(url: str, sql: str, params: list[Any]) -> Any:
    """Run one autocommit statement, once more on a fresh connection if the pooled one was dead; the
    connection stays checked out for the caller (who must ``close()`` it: back to the pool)."""
    engine = _engine(url)
    for attempt in (1, 2):
        raw = engine.raw_connection()
        try:
            _run(raw, sql, params)
        except psycopg.OperationalError:
            raw.invalidate()
            if attempt == 2:
                raise
            engine.dispose()  # its other idle connections died with the same server
            continue
        except BaseException:
            raw.close()
            raise
        return raw
    raise AssertionError("unreachable")


def _execute(url: str, sql: str, params: list[Any]) -> None:
    _checkout_and_run(url, sql, params).close()


def _send_mark(raw: Any, ids: list[str]) -> None:
    """Send the enqueued mark without waiting for its answer (``_collect`` reads it)."""
    conn = raw.driver_connection
    stamp = utcnow().isoformat().encode()
    conn.pgconn.send_query_params(_MARK_ENQUEUED, [stamp, ("{" + ",".join(ids) + "}").encode()])
    conn.wait(generators.send(conn.pgconn))


def _collect(raw: Any) -> None:
    """Read the answer to ``_send_mark``; raise what PostgreSQL said if it refused."""
    conn = raw.driver_connection
    results = conn.wait(generators.fetch_many(conn.pgconn))
    for result in results:
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise error_from_result(result, encoding=conn.info.encoding)


@lru_cache(maxsize=32)
def _insert_sql(count: int) -> str:
    """Both tables in one statement for ``count`` submissions (cached: the same text lets psycopg prepare it)."""
    def values(columns: tuple[str, ...]) -> str:
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        return ", ".join([row] * count)

    return (f"WITH new_runs AS (INSERT INTO runs ({', '.join(_RUN_COLUMNS)}) VALUES {values(_RUN_COLUMNS)}) "
            f"INSERT INTO workflow_executions ({', '.join(_EX_COLUMNS)}) VALUES {values(_EX_COLUMNS)}")


def _flat(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[Any]:
    return [Jsonb(row[c]) if c in _JSON_COLUMNS else row[c] for row in rows for c in columns]


def submit_batch(specs: list[SubmissionSpec], settings: Settings, *, fresh_ping: bool,
                 recheck: Callable[[], object], forget_ping: Callable[[], None]) -> list[Submission]:
    """Insert, enqueue, mark; on a failed enqueue, mark every execution of the batch failed with the reason,
    or take the rows back when the ping was skipped and Redis turns out to be away (nothing was submitted).

    ``recheck`` pings Redis afresh (raising ``EnqueueFailed`` when it is away) and ``forget_ping`` drops the
    cached ping: both live with the ping cache in ``submission``, which calls this."""
    from jobagent.queue import enqueue_executions

    url = settings.effective_database_url
    now = utcnow()
    runs = [run_row(spec, now) for spec in specs]
    executions = [execution_row(run["id"], spec, now) for run, spec in zip(runs, specs, strict=True)]
    raw = _checkout_and_run(url, _insert_sql(len(specs)), _flat(runs, _RUN_COLUMNS) + _flat(executions, _EX_COLUMNS))
    ids = [ex["id"] for ex in executions]
    try:
        _send_mark(raw, ids)
        try:
            enqueue_executions([(ex["id"], ex["queue"]) for ex in executions], settings)
        finally:
            _collect(raw)
    except psycopg.Error:  # PostgreSQL went away mid-submission: this connection is done for
        raw.invalidate()
        raise
    except Exception as exc:  # MULTI/EXEC is all or nothing: no task of the batch is queued
        raw.close()
        forget_ping()
        error = enqueue_error(exc)
        if not fresh_ping:
            try:
                recheck()
            except EnqueueFailed:  # Redis was away before these rows were written: as if never submitted
                _execute(url, _TAKE_BACK, [[run["id"] for run in runs]])
                raise
        _execute(url, _MARK_FAILED, [error, utcnow(), ids])
        raise EnqueueFailed(f"{error} (run {runs[0]['id']} marked failed)") from exc
    raw.close()
    return [Submission(ex["run_id"], ex["id"], ex["id"], ex["workflow_type"], ex["queue"], "pending")
            for ex in executions]
