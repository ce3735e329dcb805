"""The workflow engine: ordered nodes over a typed context, with every step recorded in the store.

Before each node runs, the engine commits ``current_node``, the number of finished nodes and a JSON
snapshot of the context. A retry therefore resumes at the node that failed, from the context that node
saw, and a status reader always knows where a run is. Nodes know nothing about RQ.

The claim also takes a lease (``jobagent.workflows.lease``): while one worker holds a fresh lease, a
second claim of the same execution (a queue job requeued after Redis lost the first) returns without
running anything, and every record the holder writes is conditional on still owning the lease.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import Table, case, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from jobagent.config import Settings, get_settings
from jobagent.errors import JobagentError, LeaseLost, PermanentFailure, SoftTimeLimitExceeded
from jobagent.retry_policy import is_permanent
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import execute_alone, get_engine, session_scope
from jobagent.workflows import pg_records
from jobagent.workflows.lease import Lease, lease_is_fresh

log = logging.getLogger(__name__)

C = TypeVar("C", bound=BaseModel)

PENDING, PROCESSING, COMPLETED, FAILED = "pending", "processing", "completed", "failed"
FINAL_STATES = (COMPLETED, FAILED)


@dataclass(frozen=True)
class NodeEnv:
    """What a node may use besides its context: the ids it works for and the settings."""

    execution_id: str
    run_id: str
    settings: Settings
    lease: Lease | None = field(default=None, compare=False)

    def check_lease(self) -> None:
        """Raise ``LeaseLost`` if another worker took the execution over; call before a side effect."""
        if self.lease is not None:
            self.lease.check()

    @contextmanager
    def fenced(self) -> Iterator[Session]:
        """A session for a write of personal data that must not outlive the lease (``Lease.fenced``)."""
        if self.lease is None:
            with session_scope() as s:
                yield s
        else:
            with self.lease.fenced() as s:
                yield s


class Node(Generic[C]):
    """One step. Subclasses set ``name`` and implement ``run``, mutating the context in place."""

    name: ClassVar[str]

    def run(self, ctx: C, env: NodeEnv) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Workflow(Generic[C]):
    kind: str
    context_model: type[C]
    nodes: list[Node[C]]
    result: Callable[[C], dict[str, Any]] = field(default=lambda ctx: {})


def _fail_message(node: str | None, exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, JobagentError):
        return f"{node}: {text}" if node else text
    return f"{node}: {exc.__class__.__name__}: {text}" if node else f"{exc.__class__.__name__}: {text}"


def run_workflow(
    resolve: Callable[[str], Workflow[Any]],
    execution_id: str,
    *,
    retries_left: int = 0,
    retry_in: int | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Run (or resume) one execution. Re-raises node errors so the queue can retry them.

    ``resolve`` maps the stored workflow type to a workflow. The usual claim is one statement on PostgreSQL
    in a worker (``_claim_registered``), two elsewhere (``_claim_unleased``), without a transaction; every
    other case reads and locks the row and decides (round trips per task matter: see
    benchmarks/bench_task_overhead.py).
    """
    settings = settings or get_settings()
    began = time.monotonic()
    unknown: PermanentFailure | None = None
    lease = Lease(execution_id, settings.lease_seconds)
    claimed = (_claim_registered(resolve, execution_id, lease) if pg_records.enabled()
               else _claim_unleased(resolve, execution_id, lease))
    if claimed is not None:
        workflow, workflow_type, run_id, snapshot, attempts, start = claimed
    else:  # missing, settled, leased (perhaps by a dead work-horse) or unknown: read, lock and decide
        with session_scope() as s:
            ex = s.get(WorkflowExecution, execution_id, with_for_update=True)
            if ex is None:
                raise PermanentFailure(f"execution {execution_id} is not in the store")
            if ex.status in FINAL_STATES:
                log.info("execution %s already %s; nothing to do", execution_id, ex.status)
                return {"status": ex.status}
            if lease_is_fresh(ex.lease_owner, ex.lease_expires_at):
                # A duplicate queue job (e.g. requeued after a FLUSHALL): the holder finishes the run, and
                # this task ends quietly rather than failing, so it is neither retried nor alerted on.
                log.warning("execution %s is leased by %s until %s; leaving it to that worker", execution_id,
                            ex.lease_owner, ex.lease_expires_at)
                return {"status": ex.status, "leased_by": ex.lease_owner}
            try:
                workflow = resolve(ex.workflow_type)
            except LookupError as exc:  # e.g. a worker without the plugin module: settle it, don't retry
                ex.status, ex.error_message, ex.completed_at = FAILED, f"{exc} on this worker", utcnow()
                unknown = PermanentFailure(ex.error_message)
                run_id, attempts = ex.run_id, ex.attempts
            else:
                start = min(ex.nodes_done, len(workflow.nodes))
                ex.status, ex.attempts = PROCESSING, ex.attempts + 1
                ex.started_at = ex.started_at or utcnow()
                ex.nodes_total = len(workflow.nodes)
                lease.grant(ex)
                if start < len(workflow.nodes):  # the first node's record rides on the claiming transaction
                    ex.current_node = workflow.nodes[start].name
                run_id, snapshot, attempts = ex.run_id, dict(ex.context_snapshot or {}), ex.attempts
            workflow_type = ex.workflow_type
    if unknown is not None:
        _report_final(unknown, workflow_type, execution_id, run_id, None, attempts)
        raise unknown
    env = NodeEnv(execution_id=execution_id, run_id=run_id, settings=settings, lease=lease)
    node_name: str | None = None
    if not settings.embedded:  # in-process runs have no second claimer, and SQLite prefers one writer
        lease.start_heartbeat()
    try:
        ctx = workflow.context_model.model_validate(snapshot)
        for index in range(start, len(workflow.nodes)):
            node = workflow.nodes[index]
            node_name = node.name
            if time.monotonic() - began > settings.soft_time_limit:
                raise SoftTimeLimitExceeded(
                    f"gave up before {node_name}: the {settings.soft_time_limit} s soft time limit was reached"
                )
            if index > start:
                lease.check()
                _record(execution_id, lease, current_node=node_name, nodes_done=index,
                        context_snapshot=ctx.model_dump(mode="json"), lease_expires_at=lease.expiry())
            node.run(ctx, env)
        result = workflow.result(ctx)
        lease.stop_heartbeat()  # the release below must not race a renewal
        lease.check()
        _record(execution_id, lease, status=COMPLETED, nodes_done=len(workflow.nodes), result=result,
                context_snapshot=ctx.model_dump(mode="json"), completed_at=utcnow(), error_message=None,
                **_RELEASED)
        return {"status": COMPLETED}
    except LeaseLost as exc:
        log.warning("execution %s: %s; stopping without recording", execution_id, exc)
        return {"status": "lease lost"}
    except BaseException as exc:
        permanent = is_permanent(exc)
        final = permanent or not retries_left
        message = _fail_message(node_name, exc)
        log.exception("execution %s failed at %s (final=%s, permanent=%s)", execution_id, node_name, final,
                      permanent)
        lease.stop_heartbeat()
        try:
            if final:
                _record(execution_id, lease, status=FAILED, error_message=message, completed_at=utcnow(),
                        **_RELEASED)
                _report_final(exc, workflow_type, execution_id, run_id, node_name, attempts)
            else:
                wait = f" in {retry_in} s" if retry_in else ""
                _record(execution_id, lease, status=PENDING,
                        error_message=f"{message} (will retry{wait}; {retries_left} retries left)", **_RELEASED)
        except LeaseLost:
            log.warning("execution %s: lease lost; the failure is left to the new holder", execution_id)
            return {"status": "lease lost"}
        raise
    finally:
        lease.stop_heartbeat()


def _report_final(exc: BaseException, workflow_type: str, execution_id: str, run_id: str, node: str | None,
                  attempts: int) -> None:
    """The one alert for a workflow that failed for good; reporting must never mask the failure itself."""
    try:
        from jobagent.monitoring.sentry import capture_final_failure

        capture_final_failure(exc, workflow_type=workflow_type, execution_id=execution_id, run_id=run_id,
                              node=node, attempts=attempts)
    except Exception:  # noqa: BLE001
        log.exception("could not report the failure of execution %s", execution_id)


_RELEASED: dict[str, Any] = {"lease_owner": None, "lease_expires_at": None}


def _claim_unleased(resolve: Callable[[str], Workflow[Any]], execution_id: str,
                    lease: Lease) -> tuple[Workflow[Any], str, str, dict[str, Any], int, int] | None:
    """The common claim in two statements and no ORM: read the type, then one conditional UPDATE.

    The UPDATE claims the row only if it is still open and nobody holds a lease on it, which is what the
    locking path below decides for that case, atomically and without a lock held across round trips.
    Anything else (no row, a final state, a lease, an unknown workflow) returns None and takes the full
    path, which explains itself in the log and the store. Per task this saves a transaction (BEGIN,
    SELECT ... FOR UPDATE, COMMIT) and the ORM's unit of work, much of it copy-on-write page faults in a
    freshly forked work-horse.
    """
    t = cast(Table, WorkflowExecution.__table__)
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        workflow_type = conn.execute(select(t.c.workflow_type).where(t.c.id == execution_id)).scalar()
        if workflow_type is None:
            return None
        try:
            workflow = resolve(workflow_type)
        except LookupError:
            return None
        names = {i: node.name for i, node in enumerate(workflow.nodes)}
        row = conn.execute(_claim_statement(execution_id, workflow_type, names, lease, utcnow())).first()
    if row is None:
        return None
    run_id, nodes_done, snapshot, attempts = row
    return workflow, workflow_type, run_id, dict(snapshot or {}), attempts, min(nodes_done, len(names))


def _claim_registered(resolve: Callable[[str], Workflow[Any]], execution_id: str,
                      lease: Lease) -> tuple[Workflow[Any], str, str, dict[str, Any], int, int] | None:
    """The common claim in one plain statement (``pg_records.claim``), for the workflows ``warm_up`` registered.

    The statement picked the node names by the row's type from what was registered; ``resolve`` has the
    last word. Should it disagree (another registry than the worker's), the row is already ours: an unknown
    type is settled as failed, as the locking path settles it, and different nodes are recorded at once.
    """
    now = utcnow()
    row = pg_records.claim(execution_id, lease.owner, lease.expiry(), now)
    if row is None:
        return None
    workflow_type, run_id, nodes_done, snapshot, attempts = row
    try:
        workflow = resolve(workflow_type)
    except LookupError as exc:
        unknown = PermanentFailure(f"{exc} on this worker")
        _record(execution_id, lease, status=FAILED, error_message=str(unknown), completed_at=utcnow(), **_RELEASED)
        _report_final(unknown, workflow_type, execution_id, run_id, None, attempts)
        raise unknown from None
    names = [node.name for node in workflow.nodes]
    start = min(nodes_done, len(names))
    if names != pg_records.node_names(workflow_type):
        _record(execution_id, lease, nodes_total=len(names),
                **({"current_node": names[start]} if start < len(names) else {}))
    return workflow, workflow_type, run_id, dict(snapshot or {}), attempts, start


def _record(execution_id: str, lease: Lease, **fields: Any) -> None:
    """One UPDATE, no read, conditional on still holding the lease (``LeaseLost`` when another has it)."""
    if pg_records.enabled():
        done = pg_records.record(execution_id, lease.owner, fields)
    else:
        done = execute_alone(update(WorkflowExecution)
                             .where(WorkflowExecution.id == execution_id, WorkflowExecution.lease_owner == lease.owner)
                             .values(**fields))
    if not done:
        lease.lost.set()
        raise LeaseLost(f"execution {execution_id}: the lease was revoked (profile deleted) or taken over")


def _claim_statement(execution_id: str, workflow_type: str, names: dict[int, str], lease: Lease,
                     now: datetime) -> ReturningUpdate[Any]:
    t = cast(Table, WorkflowExecution.__table__)
    return (
        update(t)
        .where(t.c.id == execution_id, t.c.workflow_type == workflow_type, t.c.status.not_in(FINAL_STATES),
               or_(t.c.lease_owner.is_(None), t.c.lease_expires_at.is_(None), t.c.lease_expires_at <= now))
        .values(status=PROCESSING, attempts=t.c.attempts + 1, started_at=func.coalesce(t.c.started_at, now),
                nodes_total=len(names), lease_owner=lease.owner, lease_expires_at=lease.expiry(),
                # the first node's record rides on the claim, as in the locking path
                current_node=case(names, value=t.c.nodes_done, else_=t.c.current_node) if names
                else t.c.current_node)
        .returning(t.c.run_id, t.c.nodes_done, t.c.context_snapshot, t.c.attempts))


def warm_up(workflows: list[Workflow[Any]]) -> None:
    """Compile, in the worker's main process, every statement a task runs, so each work-horse inherits them.

    SQLAlchemy caches compiled statements per engine; a forked work-horse starts from the parent's cache,
    and compiling the claim and the records there cost more than running them. Each statement runs for an
    execution id that cannot exist, so it changes nothing.
    """
    nobody = "warm-up:no-such-execution"
    lease = Lease(nobody, 3)
    t = cast(Table, WorkflowExecution.__table__)
    pg_records.register_claimable({w.kind: [node.name for node in w.nodes] for w in workflows})
    if pg_records.enabled():
        pg_records.claim(nobody, lease.owner, lease.expiry(), utcnow())
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(select(t.c.workflow_type).where(t.c.id == nobody)).scalar()
        for size in sorted({len(w.nodes) for w in workflows}):
            names = {i: f"node{i}" for i in range(size)}
            conn.execute(_claim_statement(nobody, "warm-up", names, lease, utcnow())).first()
    now = utcnow()
    for fields in ({"current_node": "x", "nodes_done": 0, "context_snapshot": {}, "lease_expires_at": now},
                   {"status": COMPLETED, "nodes_done": 1, "result": {}, "context_snapshot": {}, "completed_at": now,
                    "error_message": None, **_RELEASED},
                   {"status": FAILED, "error_message": "x", "completed_at": now, **_RELEASED},
                   {"status": PENDING, "error_message": "x", **_RELEASED}):
        try:
            _record(nobody, lease, **fields)
        except LeaseLost:
            pass
    lease.renew()
