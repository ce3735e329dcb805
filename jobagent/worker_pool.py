"""Pooled mode (``jobagent worker --pool N``): N long-lived work-horses instead of a fork per task (issue 16).

Each work-horse is forked once from the prepared main process (``jobagent.worker.start``), opens its own
PostgreSQL connection and keeps it, and runs tasks in-process as RQ's ``SimpleWorker`` does, so a task pays
neither a fork nor a connection. It is recycled (exits, and the pool forks a fresh one) after ``--max-jobs``
tasks, the ``max_tasks_per_child`` of the seed, which bounds whatever a task might leak.

What the forking worker's main process does for its work-horse, the pool's main process does for each of
its work-horses:

- **hard time limit**: a task past its time limit gets RQ's ``JobTimeoutException`` (SIGALRM) inside the
  work-horse; one that is stuck beyond that (signals blocked, a C call that never returns) is SIGKILLed
  ``HARD_LIMIT_GRACE`` seconds later;
- **a work-horse that dies mid-task** (killed, OOM): its task is settled the way RQ settles an abandoned one:
  the failure callback (``jobagent.tasks.on_task_failure``) puts the execution back to ``pending`` or marks
  it failed, then RQ's failure handling retries the queue job if it has retries left;
- **warm stop**: SIGTERM (or SIGINT) to the main process is passed to every work-horse, which finishes its
  current task and exits; nothing new is started. A second signal stops them cold;
- **scheduling**: the main process runs RQ's scheduler (retry back-offs), so a recycled or killed
  work-horse never takes the scheduler lock with it.

The main process learns which task a work-horse runs from a small shared memory page per slot (deadline,
queue job id, RQ execution id), written by the work-horse around each task: no round trip to Redis.
"""

from __future__ import annotations

import logging
import mmap
import os
import random
import signal
import socket
import struct
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from rq.job import Job, JobStatus
from rq.queue import Queue
from rq.worker import DequeueStrategy, SimpleWorker
from rq.worker.base import BaseWorker

from jobagent.markup_free_worker import MarkupFree

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE = 5  # seconds past a task's time limit before its work-horse is SIGKILLed
RECYCLED = 3  # a work-horse's exit code after running its --max-jobs tasks
TICK = 0.25  # seconds between the main process's checks

_LAYOUT = struct.Struct("d64s64s")  # deadline (epoch s, 0 = idle), queue job id, RQ execution id


class HardTimeLimitExceeded(Exception):
    """A pooled work-horse was SIGKILLed: its task ran past the time limit and did not stop on its own."""


class WorkHorseDied(Exception):
    """A pooled work-horse ended mid-task (killed by a signal, or the process exited)."""


class SlotMemory:
    """The page one work-horse shares with the main process: what it runs now and until when."""

    def __init__(self) -> None:
        self.page = mmap.mmap(-1, mmap.PAGESIZE)

    def begin(self, deadline: float, job_id: str, execution_id: str) -> None:
        self.page[:_LAYOUT.size] = _LAYOUT.pack(deadline, job_id.encode()[:64], execution_id.encode()[:64])

    def end(self) -> None:
        self.page[:_LAYOUT.size] = _LAYOUT.pack(0.0, b"", b"")

    def current(self) -> tuple[float, str, str]:
        deadline, job_id, execution_id = _LAYOUT.unpack(self.page[:_LAYOUT.size])
        return deadline, job_id.rstrip(b"\0").decode(), execution_id.rstrip(b"\0").decode()


class PooledHorse(MarkupFree, SimpleWorker):
    """RQ's in-process worker that tells the pool's main process which task it runs and its deadline."""

    def __init__(self, *args: Any, slot: SlotMemory | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot = slot

    def perform_job(self, job: Job, queue: Queue, execution: Any) -> bool:
        if self.slot is None:
            return super().perform_job(job, queue, execution)
        timeout = job.timeout if job.timeout and job.timeout > 0 else self.queue_class.DEFAULT_TIMEOUT
        self.slot.begin(time.time() + timeout + HARD_LIMIT_GRACE, job.id, execution.id)
        try:
            return super().perform_job(job, queue, execution)
        finally:
            self.slot.end()


class _Slot:
    def __init__(self, index: int) -> None:
        self.index = index
        self.memory = SlotMemory()
        self.pid = 0
        self.killed_at_limit = False


class WorkerPool:
    """The main process of ``--pool N``: forks, watches, settles and recycles N ``PooledHorse`` processes."""

    def __init__(self, queue_names: list[str], make_worker: Callable[..., BaseWorker], *, size: int, max_jobs: int,
                 name: str | None = None,
                 strategy: DequeueStrategy = DequeueStrategy.DEFAULT, burst: bool = False,
                 worker_options: dict[str, Any] | None = None) -> None:
        if size < 1 or max_jobs < 1:
            raise ValueError("a pool needs at least one work-horse and max_jobs >= 1")
        self.queue_names = queue_names
        self.make_worker = make_worker  # jobagent.worker.make_worker, passed in: that module imports this one
        self.slots = [_Slot(i) for i in range(size)]
        self.max_jobs = max_jobs
        self.base_name = name or f"{socket.gethostname()}.{os.getpid()}"
        self.strategy = strategy
        self.burst = burst
        self.options = worker_options or {}
        self.stop_signals = 0
        self.scheduler: Any = None

    def horse_name(self, slot: _Slot, pid: int) -> str:
        return f"{self.base_name}-{slot.index}-{pid}"

    # --- main process -----------------------------------------------------------------------------------

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        log.info("worker pool %s: %d work-horses, recycled after %d tasks each", self.base_name, len(self.slots),
                 self.max_jobs)
        self._start_scheduler()
        for slot in self.slots:
            self._spawn(slot)
        try:
            while any(slot.pid for slot in self.slots):
                self._reap()
                self._enforce_deadlines()
                self._schedule()
                time.sleep(TICK)
        finally:
            if self.scheduler is not None:
                self.scheduler.stop()
        log.info("worker pool %s: stopped", self.base_name)
        return 0

    def _request_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_signals += 1
        log.info("worker pool %s: %s; %s shut down of the work-horses", self.base_name, signal.Signals(signum).name,
                 "warm" if self.stop_signals == 1 else "cold")
        for slot in self.slots:
            if slot.pid:
                try:
                    os.kill(slot.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            slot = next((s for s in self.slots if s.pid == pid), None)
            if slot is None:
                continue
            slot.pid = 0
            code = os.waitstatus_to_exitcode(status)
            deadline, job_id, execution_id = slot.memory.current()
            if deadline:
                self._settle(slot, pid, code, job_id, execution_id)
            elif code not in (0, RECYCLED):
                log.warning("work-horse %d exited with %d between tasks", pid, code)
            if self.stop_signals:
                continue
            if code == RECYCLED or deadline or (not self.burst):
                if code == RECYCLED:
                    log.info("work-horse %d recycled after %d tasks", pid, self.max_jobs)
                self._spawn(slot)

    def _enforce_deadlines(self) -> None:
        now = time.time()
        for slot in self.slots:
            deadline, job_id, _ = slot.memory.current()
            if slot.pid and deadline and now > deadline and not slot.killed_at_limit:
                log.error("work-horse %d: task %s is past its hard time limit; killing it", slot.pid, job_id)
                slot.killed_at_limit = True
                try:
                    os.kill(slot.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _settle(self, slot: _Slot, pid: int, code: int, job_id: str, execution_id: str) -> None:
        """Settle the task of a work-horse that died mid-task, as RQ's forking worker does for its horse."""
        from rq.callbacks import execute_failure_callback
        from rq.exceptions import NoSuchJobError
        from rq.executions import Execution
        from rq.utils import now

        from jobagent.markup_free_worker import strip_markup
        from jobagent.queue import JSONJob, get_queue, get_redis
        killed, slot.killed_at_limit = slot.killed_at_limit, False
        slot.memory.end()
        how = f"signal {-code}" if code < 0 else f"exit code {code}"
        exc: Exception = (HardTimeLimitExceeded(f"killed past the hard time limit ({how})") if killed
                          else WorkHorseDied(f"work-horse {pid} ended mid-task ({how})"))
        log.warning("work-horse %d died running task %s: %s", pid, job_id, exc)
        connection = get_redis()
        try:
            job = JSONJob.fetch(job_id, connection=connection)
        except NoSuchJobError:
            return
        if job.get_status() in (JobStatus.FINISHED, JobStatus.FAILED):
            return
        try:
            execution: Execution | None = Execution.fetch(execution_id, job.id, connection=connection)
        except Exception:  # noqa: BLE001 - already cleaned up: RQ's failure handling copes without it
            execution = None
        horse = self.make_worker(self.queue_names, worker_class=PooledHorse, name=self.horse_name(slot, pid))
        job.ended_at = now()
        try:  # the store first, while retries_left still counts the attempt that died (as RQ's cleanup does)
            execute_failure_callback(job, horse.death_penalty_class, type(exc), exc, None)
        except Exception:  # noqa: BLE001 - RQ's own bookkeeping below must still run
            log.exception("failure callback of task %s", job_id)
        horse.handle_job_failure(job, queue=get_queue(job.origin),
                                 exc_string=strip_markup(f"Work-horse terminated unexpectedly: {exc}"),
                                 execution=execution)
        horse.register_death()

    def _start_scheduler(self) -> None:
        from rq.scheduler import RQScheduler
        from rq.serializers import JSONSerializer

        from jobagent.queue import get_redis

        self.scheduler = RQScheduler(self.queue_names, connection=get_redis(), serializer=JSONSerializer)
        self.scheduler.register_birth()

    def _schedule(self) -> None:
        """One scheduler pass (retry back-offs): what RQ's scheduler process does every second."""
        scheduler = self.scheduler
        try:
            if scheduler.should_reacquire_locks:
                scheduler.acquire_locks()
            if scheduler.acquired_locks and (scheduler.last_heartbeat is None
                                             or time.time() - scheduler.last_heartbeat.timestamp() >= 1):
                scheduler.heartbeat()
                scheduler.enqueue_scheduled_jobs()
        except Exception:  # noqa: BLE001 - a Redis blip: next tick
            log.exception("scheduler pass failed")

    # --- work-horse -------------------------------------------------------------------------------------

    def _spawn(self, slot: _Slot) -> None:
        slot.memory.end()
        slot.killed_at_limit = False
        pid = os.fork()
        if pid:
            slot.pid = pid
            return
        code = 1
        try:
            code = self._horse(slot)
        except BaseException:  # noqa: BLE001 - the main process settles whatever was running
            log.exception("work-horse %d failed", os.getpid())
        finally:
            logging.shutdown()
            os._exit(code)

    def _horse(self, slot: _Slot) -> int:
        from jobagent.store.session import forget_inherited_connections

        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        random.seed()
        forget_inherited_connections()
        horse = self.make_worker(self.queue_names, worker_class=PooledHorse, slot=slot.memory,
                            name=self.horse_name(slot, os.getpid()), **self.options)
        horse.work(burst=self.burst, max_jobs=self.max_jobs, with_scheduler=False, dequeue_strategy=self.strategy)
        done = horse.successful_job_count + horse.failed_job_count
        return RECYCLED if done >= self.max_jobs else 0
