"""The engine's per-task statements on PostgreSQL as plain SQL: the claim in one statement, records in one.

Every task runs a claim and at least one record, and on a trivial task they were most of what jobagent
adds to RQ (issue 16). Through SQLAlchemy Core each call builds a statement, computes its cache key and
sets up an execution context; in a freshly forked work-horse that work also copies every page it touches.
Here the statement text is built once per process and run on the pooled connection
(``jobagent.store.session.execute_raw``), with the same conditions the Core statements in
``jobagent.workflows.engine`` state, so the lease rules are one set of rules on either path:

- the claim takes the row only while it is open and nobody holds a lease on it; it also records the first
  node, as the locking claim does. It needs no read first: the node names of every workflow this worker
  registered (``register_claimable``, called by ``engine.warm_up``) ride along as one JSON parameter, and
  the row's own ``workflow_type`` picks its list. A row whose type the worker did not register is left
  alone, and the engine's locking path explains why;
- a record writes only while this lease still owns the row.

SQLite (the embedded default, in-process runs) keeps the Core statements: it has no second claimer and no
fork, and ``engine`` falls back to them whenever nothing was registered.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table

from jobagent.store.models import WorkflowExecution
from jobagent.store.session import execute_raw, get_engine

_TABLE = cast(Table, WorkflowExecution.__table__)
_JSON_COLUMNS = frozenset({"context_snapshot", "result"})
_FINAL = ("completed", "failed")  # engine.FINAL_STATES (imported by engine, which imports this module)

# Set once per worker process by register_claimable: {workflow type: [node names]} and its JSON text.
_names: dict[str, list[str]] = {}
_names_json = ""

CLAIM_SQL = f"""
UPDATE {_TABLE.name} AS t SET
  status = 'processing', attempts = t.attempts + 1, started_at = COALESCE(t.started_at, %(now)s),
  nodes_total = jsonb_array_length(%(names)s::jsonb -> t.workflow_type),
  current_node = COALESCE(%(names)s::jsonb -> t.workflow_type ->> t.nodes_done, t.current_node),
  lease_owner = %(owner)s, lease_expires_at = %(expires)s
WHERE t.id = %(id)s AND %(names)s::jsonb ? t.workflow_type AND t.status NOT IN {_FINAL!r}
  AND (t.lease_owner IS NULL OR t.lease_expires_at IS NULL OR t.lease_expires_at <= %(now)s)
RETURNING t.workflow_type, t.run_id, t.nodes_done, t.context_snapshot, t.attempts
"""


def register_claimable(names: dict[str, list[str]]) -> None:
    """The workflows (type -> node names) this process claims in one statement; the rest take the locking path."""
    global _names_json
    _names.clear()
    _names.update(names)
    _names_json = json.dumps(_names, sort_keys=True)


def enabled() -> bool:
    """Whether the plain-SQL path applies: workflows were registered and the store is PostgreSQL."""
    return bool(_names) and get_engine().dialect.name == "postgresql"


def node_names(workflow_type: str) -> list[str] | None:
    """The node names the claim statement used for ``workflow_type`` (None: not registered)."""
    return _names.get(workflow_type)


def claim(execution_id: str, owner: str, expires: datetime, now: datetime) -> tuple[str, str, int, Any, int] | None:
    """Claim an open, unleased execution of a registered type: (type, run id, nodes done, snapshot, attempts)."""
    _, row = execute_raw(CLAIM_SQL, {"id": execution_id, "names": _names_json, "owner": owner,
                                     "expires": expires, "now": now})
    return None if row is None else cast(tuple[str, str, int, Any, int], tuple(row))


def record(execution_id: str, owner: str, fields: dict[str, Any]) -> int:
    """One UPDATE of ``fields`` while ``owner`` holds the lease; the number of rows written (0 or 1)."""
    from psycopg.types.json import Jsonb

    values = tuple(Jsonb(v) if k in _JSON_COLUMNS and v is not None else v for k, v in fields.items())
    count, _ = execute_raw(_record_sql(tuple(fields)), (*values, execution_id, owner))
    return count


@lru_cache(maxsize=32)
def _record_sql(columns: tuple[str, ...]) -> str:
    for name in columns:
        _TABLE.c[name]  # noqa: B018 - a KeyError here names a column the table does not have
    assignments = ", ".join(f"{name} = %s" for name in columns)
    return f"UPDATE {_TABLE.name} SET {assignments} WHERE id = %s AND lease_owner = %s"
