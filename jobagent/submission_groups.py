"""Group commit for single submissions (issue 16, aim 3): concurrent callers share one ``submit_specs`` batch.

Why: an HTTP submission is one spec, and each one paid its own INSERT, MULTI/EXEC and enqueued mark
(round trips, a PostgreSQL statement and commit, Redis work). Under gunicorn threads many such callers
are in one process at once; ``submit_specs`` costs a fixed number of round trips whatever the batch size,
so one batch for all of them costs each caller a fraction of it.

How (group commit, no timer): the first caller with nothing in flight submits at once, alone, so a lone
caller waits for nothing extra. Callers that arrive while a batch is in flight queue up; when the batch
is done, its leader hands the lead to the oldest waiting caller, which takes ALL queued specs (up to
``MAX_BATCH``) as the next batch. Only one batch per group is in flight at a time, so while it waits on
PostgreSQL and Redis the other threads parse their requests and queue up behind it.

Every guarantee of ``submit_specs`` holds per caller: each gets its own ``Submission``, in order, or the
batch's exception raised in its own thread (a failed enqueue marks every execution of the batch failed,
as for any batch; Redis away before the write leaves no row). One caller's bad data must not fail the
others: a batch that PostgreSQL refused as data (``DataError``/``IntegrityError``: a too-long value, a NUL
byte, a profile deleted meanwhile) wrote nothing, since the rows go in one statement, so it is submitted
again one spec at a time and only the bad one fails.

Groups are per ``Settings`` object (specs for different settings never share a batch); the embedded
default and SQLite keep the direct path.
"""

from __future__ import annotations

import copy
import os
import threading
import weakref
from collections import deque

from jobagent.config import Settings
from jobagent.errors import EnqueueFailed
from jobagent.submission import submit_specs
from jobagent.submission_rows import Submission, SubmissionSpec

__all__ = ["MAX_BATCH", "SubmissionGroup", "group_for", "submit_one"]

# A batch's INSERT carries 20 parameters per spec; 100 specs keeps it far below PostgreSQL's 65,535
# parameters and a batch's latency near that of a few single submissions.
MAX_BATCH = 100


class _Waiter:
    """One caller: its spec, and what the batch gave it back."""

    __slots__ = ("done", "error", "lead", "result", "spec")

    def __init__(self, spec: SubmissionSpec) -> None:
        self.spec = spec
        # Held until the caller may go on: a bare lock (released once, by another thread) costs less than
        # an Event, whose wait and set run Python code on every submission.
        self.done = threading.Lock()
        self.done.acquire()
        self.lead = False  # set before ``done`` is released when this caller is to submit the next batch
        self.result: Submission | None = None
        self.error: BaseException | None = None


class SubmissionGroup:
    """The callers of one ``Settings``: at most one batch in flight, the rest queued for the next one.

    ``batches``, ``submitted`` and ``largest`` count what was done (tests and benchmarks read them). The
    group holds no reference to its settings (``group_for`` keys it by them, weakly): each leader submits
    with its own caller's, the very same object.
    """

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: deque[_Waiter] = deque()
        self._busy = False  # a leader is submitting; invariant: queued callers => busy
        self.batches = 0
        self.submitted = 0
        self.largest = 0

    def waiting(self) -> int:
        """Callers queued for the next batch (not counting the batch in flight)."""
        with self._lock:
            return len(self._queue)

    def submit(self, spec: SubmissionSpec, settings: Settings) -> Submission:
        me = _Waiter(spec)
        with self._lock:
            self._queue.append(me)
            lead, self._busy = not self._busy, True
        if not lead:
            me.done.acquire()
            if not me.lead:
                return _outcome(me, own=False)
        self._lead(me, settings)
        return _outcome(me, own=True)

    def _lead(self, me: _Waiter, settings: Settings) -> None:
        """Submit everything queued (``me`` is its head), hand the lead on, then wake the batch's callers."""
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.max_batch))]
        try:
            self._run(batch, settings)
        finally:  # whatever happened, nobody may wait for ever
            with self._lock:
                if self._queue:
                    nxt = self._queue[0]
                    nxt.lead = True
                    nxt.done.release()
                else:
                    self._busy = False
            for waiter in batch:
                if waiter is not me:
                    waiter.done.release()

    def _run(self, batch: list[_Waiter], settings: Settings) -> None:
        self.batches += 1
        self.submitted += len(batch)
        self.largest = max(self.largest, len(batch))
        try:
            subs = submit_specs([w.spec for w in batch], settings)
        except BaseException as exc:
            if len(batch) > 1 and _refused_as_data(exc):  # nothing written: find the bad spec, alone
                for waiter in batch:
                    self._run([waiter], settings)
                return
            for position, waiter in enumerate(batch):
                waiter.error = _for_caller(exc, position, len(batch))
            return
        for waiter, sub in zip(batch, subs, strict=True):
            waiter.result = sub


def _for_caller(exc: BaseException, position: int, size: int) -> BaseException:
    """The batch's failure as the caller at ``position`` should read it: naming its own run."""
    if isinstance(exc, EnqueueFailed) and exc.reason and len(exc.run_ids) == size:
        run_id = exc.run_ids[position]
        own = EnqueueFailed(f"{exc.reason} (run {run_id} marked failed)", reason=exc.reason, run_ids=(run_id,))
        own.__cause__ = exc.__cause__
        return own.with_traceback(exc.__traceback__)
    return exc


def _refused_as_data(exc: BaseException) -> bool:
    """PostgreSQL refused a value of some spec: the one INSERT that writes a batch's rows failed, so no row
    was written and nothing reached Redis (``submit_specs`` inserts before it enqueues)."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    return isinstance(exc, psycopg.DataError | psycopg.IntegrityError | sa_exc.DataError | sa_exc.IntegrityError)


def _outcome(waiter: _Waiter, *, own: bool) -> Submission:
    if waiter.error is not None:
        raise waiter.error if own else _own_copy(waiter.error)
    assert waiter.result is not None
    return waiter.result


def _own_copy(exc: BaseException) -> BaseException:
    """A copy of the batch's exception for another caller's thread: raising one object in many threads at
    once would splice their tracebacks together. Same type and message; the traceback starts where the
    leader met it."""
    try:
        clone = copy.copy(exc)
    except Exception:
        return exc
    if type(clone) is not type(exc) or clone.args != exc.args:
        return exc
    clone.__cause__, clone.__context__ = exc.__cause__, exc.__context__
    clone.__suppress_context__ = exc.__suppress_context__
    return clone.with_traceback(exc.__traceback__)


_groups: dict[int, tuple[weakref.ref[Settings], SubmissionGroup]] = {}
_groups_lock = threading.Lock()


def group_for(settings: Settings) -> SubmissionGroup:
    """The group of this very ``Settings`` object (identity, not equality: a caller with its own settings
    never joins another's batch); groups of settings that no longer exist are dropped."""
    key = id(settings)
    entry = _groups.get(key)
    if entry is not None and entry[0]() is settings:
        return entry[1]
    with _groups_lock:
        entry = _groups.get(key)
        if entry is not None and entry[0]() is settings:
            return entry[1]
        for stale in [k for k, (ref, _) in _groups.items() if ref() is None]:
            del _groups[stale]
        group = SubmissionGroup()
        _groups[key] = (weakref.ref(settings), group)
        return group


def submit_one(spec: SubmissionSpec, settings: Settings) -> Submission:
    """Submit one spec, in a batch with the specs other threads submit meanwhile (PostgreSQL + Redis)."""
    if settings.embedded or not settings.effective_database_url.startswith("postgresql"):
        return submit_specs([spec], settings)[0]
    return group_for(settings).submit(spec, settings)


def _forget_groups_in_child() -> None:
    """A forked child starts with no group: a lock or a queue copied mid-batch would never be released."""
    global _groups_lock
    _groups.clear()
    _groups_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_groups_in_child)
