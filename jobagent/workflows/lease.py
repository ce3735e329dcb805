"""Leases: a worker's claim on a running execution, kept in the store so that nothing runs twice.

Redis can lose a queue job while a worker is still running it (a FLUSHALL, a restart without
persistence), and reconcile then requeues the execution. Without a lease a second worker would claim it
and both would deliver. The claiming worker writes ``lease_owner`` and ``lease_expires_at`` in the
claiming transaction, renews the lease between nodes and from the process's lease keeper thread during
long nodes, and releases it when it records the outcome. A claim is refused while another owner's lease is fresh; a
lease whose owner is a dead process on this host is void at once, so a retry after a killed work-horse
need not wait for it to expire.

A node's own writes of personal data (tailored CVs, reports, matches, a profile) run inside ``fenced()``: a
transaction that first re-takes the lease row and holds it until the write is done. Deleting a profile
revokes the lease of its running executions with an UPDATE of the same row, so the two serialize: a
fenced write either finishes before the deletion looks (and the deletion removes it), or finds the lease
revoked and stops with ``LeaseLost`` having written nothing (issue 23 §4).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from jobagent.errors import LeaseLost
from jobagent.store.models import WorkflowExecution, utcnow
from jobagent.store.session import execute_alone, rows_affected, session_scope

log = logging.getLogger(__name__)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed work-horse stays a zombie until its worker reaps it: that is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def lease_is_fresh(owner: str | None, expires_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether ``owner`` still holds its lease: not expired, and not a process known to be dead."""
    if not owner or expires_at is None or expires_at <= (now or utcnow()):
        return False
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return False
    return True


class Lease:
    """One worker's lease on one execution; ``owner`` is ``host:pid:nonce`` so dead owners can be told."""

    def __init__(self, execution_id: str, seconds: int) -> None:
        self.execution_id = execution_id
        self.seconds = max(int(seconds), 3)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lost = threading.Event()

    def expiry(self) -> datetime:
        return utcnow() + timedelta(seconds=self.seconds)

    def grant(self, ex: WorkflowExecution) -> None:
        """Write the lease onto the row being claimed (inside the claiming transaction)."""
        ex.lease_owner, ex.lease_expires_at = self.owner, self.expiry()

    def renew(self) -> bool:
        """Push the expiry out; False (and ``lost`` set) when another owner has the row now."""
        done = execute_alone(update(WorkflowExecution)
                             .where(WorkflowExecution.id == self.execution_id,
                                    WorkflowExecution.lease_owner == self.owner)
                             .values(lease_expires_at=self.expiry()))
        if not done:
            self.lost.set()
        return bool(done)

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"execution {self.execution_id}: the lease was revoked (profile deleted) or taken over")

    @contextmanager
    def fenced(self) -> Iterator[Session]:
        """A transaction holding this execution's row (renewed, so the lease is ours) for the whole block.

        ``LeaseLost`` at the start when the lease was revoked (the profile was deleted) or taken over; the
        block's own statements commit with the row, so a revocation waits for them or comes first.
        """
        with session_scope() as s:
            held = rows_affected(s.execute(update(WorkflowExecution)
                                           .where(WorkflowExecution.id == self.execution_id,
                                                  WorkflowExecution.lease_owner == self.owner)
                                           .values(lease_expires_at=self.expiry())))
            if not held:
                self.lost.set()
                raise LeaseLost(f"execution {self.execution_id}: the lease was revoked (profile deleted) or taken over")
            yield s

    def start_heartbeat(self) -> None:
        """Renew every third of the lease while a long node runs (from the process's one lease keeper)."""
        _keeper().add(self)

    def stop_heartbeat(self) -> None:
        """No renewal after this returns: one in flight is waited for (the release must not race it)."""
        _keeper().remove(self)


class _Keeper:
    """One daemon thread per process that renews every registered lease when its renewal is due.

    Issue 16: a thread per task cost a thread start and a join on every task, a tenth of a trivial task's
    time in a pooled work-horse that runs hundreds. A work-horse forked per task still starts one thread
    (the keeper, on its first lease), never more. Renewals run outside the registry lock, each under its
    lease's own lock, which ``remove`` takes so that nothing renews a lease after it was removed.
    """

    def __init__(self) -> None:
        self.due: dict[Lease, float] = {}
        self.guards: dict[Lease, threading.Lock] = {}
        self.wake = threading.Condition()
        self.thread: threading.Thread | None = None

    def add(self, lease: Lease) -> None:
        with self.wake:
            self.due[lease] = time.monotonic() + lease.seconds / 3
            self.guards.setdefault(lease, threading.Lock())
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
                self.thread.start()
            self.wake.notify()

    def remove(self, lease: Lease) -> None:
        with self.wake:
            self.due.pop(lease, None)
            guard = self.guards.pop(lease, None)
        if guard is not None and threading.current_thread() is not self.thread:
            with guard:  # a renewal of this lease that already started has finished
                pass

    def _run(self) -> None:
        while True:
            with self.wake:
                now = time.monotonic()
                ready = [lease for lease, at in self.due.items() if at <= now]
                if not ready:
                    self.wake.wait(min(self.due.values(), default=now + 60) - now)
                    continue
                for lease in ready:
                    self.due[lease] = now + lease.seconds / 3
                guards = [(lease, self.guards[lease]) for lease in ready]
            for lease, guard in guards:
                with guard:
                    if lease in self.due:
                        self._renew(lease)

    def _renew(self, lease: Lease) -> None:
        try:
            if not lease.renew():
                log.warning("execution %s: lease taken over by another worker", lease.execution_id)
                with self.wake:
                    self.due.pop(lease, None)  # as the thread per lease did: stop beating a lost lease
        except Exception:  # noqa: BLE001 - a DB blip: try again next beat; the lease has slack
            log.exception("execution %s: could not renew the lease", lease.execution_id)


_keepers: dict[int, _Keeper] = {}


def _keeper() -> _Keeper:
    """This process's keeper (a forked child starts its own: threads do not survive a fork)."""
    pid = os.getpid()
    keeper = _keepers.get(pid)
    if keeper is None:
        _keepers.clear()
        keeper = _keepers[pid] = _Keeper()
    return keeper
