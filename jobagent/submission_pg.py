"""Submission against PostgreSQL and Redis in the fewest round trips (issue 16, aim 1).

The order of work is submission.py's: both rows committed, then the queue. Each step is one round trip
whatever the batch size: one INSERT that writes the runs and the executions together (a data-modifying
CTE is one statement, so one implicit transaction: both tables or neither), then one MULTI/EXEC for every
task of the batch.

The INSERT already sets ``enqueued_at`` ("handed to the queue at"), so no third statement marks it. If the
MULTI/EXEC fails, the failure statement marks the batch failed and clears the mark; if the process dies
between the two, the row is pending with a mark and no queue job, which reconcile requeues after its grace
("queue job lost from Redis while pending"), exactly as it did when the mark was a separate UPDATE that
could commit before Redis answered. Rows of the daily fan-out are written elsewhere without the mark.

The INSERT is one prepared statement per connection for every batch size: each column travels as one
PostgreSQL array literal (``unnest`` turns them back into rows), sent as text through libpq's own calls.
psycopg's cursor layer (query conversion, one adapter per value) cost more Python than Redis's part of a
submission, and a submission must cost less than Celery's ``delay``.

The connections come from a small pool of their own (``_Connections``) with no ping on checkout (that
ping is one more round trip). A connection PostgreSQL dropped (a restart, an idle timeout) fails on first
use instead; the pool is then emptied and the statement retried once on a new connection, which is safe
here: a statement that failed on a dead socket never ran (and if it had, its ids would collide).
"""

from __future__ import annotations

import json
import os
import select
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result
from sqlalchemy.engine import make_url

from jobagent.config import Settings
from jobagent.errors import EnqueueFailed
from jobagent.store.models import utcnow
from jobagent.submission_rows import Submission, SubmissionSpec, enqueue_error, execution_row, run_row

# (column, PostgreSQL type) in the order of the statement's parameters.
_RUN_COLUMNS = (("id", "varchar"), ("workflow_type", "varchar"), ("profile_id", "varchar"), ("query", "varchar"),
                ("location", "varchar"), ("params", "jsonb"), ("dedup_key", "varchar"), ("created_at", "timestamptz"),
                ("owner", "varchar"))
_EX_COLUMNS = (("id", "varchar"), ("task_id", "varchar"), ("run_id", "varchar"), ("workflow_type", "varchar"),
               ("status", "varchar"), ("queue", "varchar"), ("attempts", "int"), ("nodes_done", "int"),
               ("nodes_total", "int"), ("requeues", "int"), ("context_snapshot", "jsonb"),
               ("created_at", "timestamptz"), ("enqueued_at", "timestamptz"))




def _insert_sql(columns: tuple[tuple[str, str], ...], table: str, first: int, *, batch: bool) -> str:
    """INSERT INTO ``table``: one row of scalar parameters, or every row from one array per column."""
    kinds = [f"${first + i}::{kind}{'[]' if batch else ''}" for i, (_, kind) in enumerate(columns)]
    rows = f"SELECT * FROM unnest({', '.join(kinds)})" if batch else f"VALUES ({', '.join(kinds)})"
    return f"INSERT INTO {table} ({', '.join(name for name, _ in columns)}) {rows}"


def _both_tables(*, batch: bool) -> bytes:
    return ("WITH new_runs AS (" + _insert_sql(_RUN_COLUMNS, "runs", 1, batch=batch) + ") "
            + _insert_sql(_EX_COLUMNS, "workflow_executions", 1 + len(_RUN_COLUMNS), batch=batch)).encode()


# Two prepared statements: one row costs PostgreSQL less as VALUES than as unnest of one-element arrays
# (0.25 against 0.35 ms a round trip here), and a batch of any size is one statement as arrays.
_STATEMENTS = {False: (b"jobagent_submit_one_v2", _both_tables(batch=False)),
               True: (b"jobagent_submit_many_v2", _both_tables(batch=True))}
_MARK_FAILED = ("UPDATE workflow_executions SET status = 'failed', error_message = %s, completed_at = %s, "
                "enqueued_at = NULL WHERE id = ANY(%s) AND status = 'pending'")
# Executions go with their runs (ON DELETE CASCADE); only used when nothing reached Redis.
_TAKE_BACK = "DELETE FROM runs WHERE id = ANY(%s)"

# The psycopg connections on which each statement is prepared (a new connection prepares it on first use).
_prepared: dict[bool, weakref.WeakSet[psycopg.Connection[Any]]] = {False: weakref.WeakSet(), True: weakref.WeakSet()}

class _Connections:
    """Idle autocommit connections to one PostgreSQL, the most recently used last (LIFO keeps few warm).

    Not SQLAlchemy's pool: its checkout and checkin were a tenth of a submission's Python, and this path
    needs none of what it adds (events, reset on return, pre-ping). A pop or an append of a list is atomic
    under the GIL, so threads share it without a lock; past ``MAX_IDLE`` a returned connection is closed.
    """

    MAX_IDLE = 8

    def __init__(self, url: str) -> None:
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.idle: list[psycopg.Connection[Any]] = []

    def take(self) -> psycopg.Connection[Any]:
        try:
            return self.idle.pop()
        except IndexError:
            return psycopg.connect(self.conninfo, autocommit=True)

    def give(self, conn: psycopg.Connection[Any]) -> None:
        """Back to the idle list if it is sound and idle, else closed."""
        pgconn = conn.pgconn
        if (pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status == pq.TransactionStatus.IDLE
                and len(self.idle) < self.MAX_IDLE):
            self.idle.append(conn)
        else:
            conn.close()

    def forget(self) -> None:
        """PostgreSQL dropped one: the others most likely died with the same server."""
        idle, self.idle = self.idle, []
        for conn in idle:
            conn.close()


_pools: dict[str, _Connections] = {}


def _pool(url: str) -> _Connections:
    pool = _pools.get(url)
    if pool is None:
        pool = _pools[url] = _Connections(url)
    return pool


def _forget_pools_in_child() -> None:
    """A forked child (an RQ work-horse, a gunicorn worker) must never use its parent's sockets; psycopg does
    not close, in a child, a connection another process opened, so dropping them is enough."""
    for pool in _pools.values():
        pool.idle = []


os.register_at_fork(after_in_child=_forget_pools_in_child)


def _run(conn: psycopg.Connection[Any], sql: str, params: list[Any]) -> None:
    with conn.cursor() as cur:
        cur.execute(sql, params)


def _checkout_and_run(url: str, statement: Callable[[psycopg.Connection[Any]], None]) -> psycopg.Connection[Any]:
    """Run one autocommit statement, once more on a fresh connection if the pooled one was dead; the
    connection stays checked out for the caller (who must hand it back: ``_pool(url).give``)."""
    pool = _pool(url)
    for attempt in (1, 2):
        conn = pool.take()
        try:
            statement(conn)
        except psycopg.OperationalError:
            conn.close()
            if attempt == 2:
                raise
            pool.forget()
            continue
        except psycopg.Error:  # PostgreSQL refused the statement: the connection itself is fine
            pool.give(conn)
            raise
        except BaseException:  # interrupted mid-statement (Ctrl-C): the connection may still be busy
            conn.close()
            raise
        return conn
    raise AssertionError("unreachable")


def _execute(url: str, sql: str, params: list[Any]) -> None:
    _pool(url).give(_checkout_and_run(url, lambda conn: _run(conn, sql, params)))


def read_row(url: str, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row of one read-only statement on this pool: one round trip, where a SQLAlchemy session
    costs six (ping, BEGIN, the SELECT, ROLLBACK...; 5 ms against 0.3 here). The shim's per-request token
    lookup uses it (issue 23 item 8). A read is safe to retry on a fresh connection."""
    found: list[tuple[Any, ...] | None] = []

    def fetch(conn: psycopg.Connection[Any]) -> None:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            found.append(cur.fetchone())

    _pool(url).give(_checkout_and_run(url, fetch))
    return found[-1]


def _text(value: Any, dumped: dict[int, str]) -> str | None:
    """One value as PostgreSQL reads it from text; ``dumped`` keeps the JSON of a context both rows share."""
    kind = type(value)
    if value is None or kind is str:
        return value
    if kind is datetime:
        return value.isoformat()
    if kind is dict or kind is list:
        if id(value) not in dumped:
            dumped[id(value)] = json.dumps(value, separators=(",", ":"))
        return dumped[id(value)]
    return str(value)


def _array(texts: list[str | None]) -> bytes:
    """A PostgreSQL array literal: every element double-quoted with ``\\`` and ``"`` escaped, NULL bare."""
    items = ["NULL" if text is None else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' for text in texts]
    return ("{" + ",".join(items) + "}").encode()


def _params(runs: list[dict[str, Any]], executions: list[dict[str, Any]], batch: bool) -> list[bytes | None]:
    """The statement's parameters: one text per column, or one array literal per column."""
    dumped: dict[int, str] = {}
    params: list[bytes | None] = []
    for rows, columns in ((runs, _RUN_COLUMNS), (executions, _EX_COLUMNS)):
        for name, _ in columns:
            if batch:
                params.append(_array([_text(row[name], dumped) for row in rows]))
            else:
                text = _text(rows[0][name], dumped)
                params.append(None if text is None else text.encode())
    return params


def _check(conn: psycopg.Connection[Any], result: pq.abc.PGresult | None) -> None:
    """Raise what PostgreSQL said if it refused; a lost connection is an ``OperationalError`` (retried)."""
    if result is not None and result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
        return
    if conn.pgconn.status == pq.ConnStatus.BAD or result is None:
        message = ((result.error_message if result else b"") or conn.pgconn.error_message).decode(errors="replace")
        raise psycopg.OperationalError(message.strip() or "connection to PostgreSQL lost")
    raise error_from_result(result, encoding=conn.info.encoding)


def _await_result(pgconn: pq.abc.PGconn) -> pq.abc.PGresult | None:
    """Wait (GIL released, in poll) for the answer to the statement just sent: its first result."""
    waiter = select.poll()
    waiter.register(pgconn.socket, select.POLLIN)
    pgconn.consume_input()
    while pgconn.is_busy():
        waiter.poll()
        pgconn.consume_input()
    first = pgconn.get_result()
    while pgconn.get_result() is not None:  # drain: the connection must be idle before it goes back
        pass
    return first


def _insert(conn: psycopg.Connection[Any], runs: list[dict[str, Any]], executions: list[dict[str, Any]],
            meanwhile: Callable[[], None]) -> None:
    """Both tables in one prepared statement; ``meanwhile`` runs while PostgreSQL works on it.

    libpq's own calls rather than psycopg's cursor: its query conversion and one adapter per value were
    most of the statement's client cost."""
    batch = len(runs) > 1
    name, sql = _STATEMENTS[batch]
    if conn not in _prepared[batch]:
        _check(conn, conn.pgconn.prepare(name, sql))
        _prepared[batch].add(conn)
    conn.pgconn.send_query_prepared(name, _params(runs, executions, batch))
    try:
        meanwhile()
    finally:
        _check(conn, _await_result(conn.pgconn))


def submit_batch(specs: list[SubmissionSpec], settings: Settings, *, fresh_ping: bool,
                 recheck: Callable[[], object], forget_ping: Callable[[], None]) -> list[Submission]:
    """Insert (marked enqueued), enqueue; on a failed enqueue, mark every execution of the batch failed with
    the reason, or take the rows back when the ping was skipped and Redis turns out to be away (nothing was
    submitted). The Redis commands are built while PostgreSQL commits the rows, and sent after.

    ``recheck`` pings Redis afresh (raising ``EnqueueFailed`` when it is away) and ``forget_ping`` drops the
    cached ping: both live with the ping cache in ``submission``, which calls this."""
    from jobagent.queue import prepare_enqueue

    url = settings.effective_database_url
    now = utcnow()
    runs = [run_row(spec, now) for spec in specs]
    executions = [execution_row(run["id"], spec, now) | {"enqueued_at": now}
                  for run, spec in zip(runs, specs, strict=True)]
    built: list[Callable[[], object]] = []
    problems: list[Exception] = []

    def build_tasks() -> None:
        if not built and not problems:
            try:
                built.append(prepare_enqueue([(ex["id"], ex["queue"]) for ex in executions], settings))
            except Exception as exc:  # noqa: BLE001 (reported below, once the rows are committed)
                problems.append(exc)

    _pool(url).give(_checkout_and_run(url, lambda conn: _insert(conn, runs, executions, build_tasks)))
    try:
        if problems:
            raise problems[0]
        built[0]()
    except Exception as exc:  # MULTI/EXEC is all or nothing: no task of the batch is queued
        forget_ping()
        error = enqueue_error(exc)
        if not fresh_ping:
            try:
                recheck()
            except EnqueueFailed:  # Redis was away before these rows were written: as if never submitted
                _execute(url, _TAKE_BACK, [[run["id"] for run in runs]])
                raise
        _execute(url, _MARK_FAILED, [error, utcnow(), [ex["id"] for ex in executions]])
        run_ids = tuple(run["id"] for run in runs)
        marked = f"run {run_ids[0]}" if len(run_ids) == 1 else f"{len(run_ids)} runs, from {run_ids[0]},"
        raise EnqueueFailed(f"{error} ({marked} marked failed)", reason=error, run_ids=run_ids) from exc
    return [Submission(ex["run_id"], ex["id"], ex["id"], ex["workflow_type"], ex["queue"], "pending")
            for ex in executions]
