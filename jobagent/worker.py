"""Worker start-up: what a ``jobagent worker`` process does before its first task, in one place.

Start-up is the worker's own concern, not the registry's (``jobagent.workflows``) nor the task entry point's
(``jobagent.tasks``): keeping it here is what lets ``tasks`` import ``workflows`` without ``workflows``
importing ``tasks`` back (the cycle issue 15 cut).

Order matters. ``preload`` imports every workflow and the domain packages its nodes import lazily, then
builds the vocabularies; Sentry is initialised; the store is prepared for forking (mappers configured,
statements compiled, one warm PostgreSQL connection that the forked work-horses inherit, see
``jobagent.store.session.prepare_for_forking``). Every work-horse forked after that inherits all of it, so a
task pays for its own work and RQ's fork, not for imports or a new database connection.

Two ways to run tasks:

- forking (the default): RQ's ``Worker``, a fresh work-horse per task (``JobagentWorker``);
- pooled (``--pool N``): N long-lived work-horses, each running tasks in-process and keeping its database
  connection, recycled after ``--max-jobs`` tasks (``jobagent.worker_pool``).
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import select
import signal
from typing import Any

from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import DequeueStrategy
from rq.worker.base import BaseWorker

from jobagent.config import Settings, get_settings
from jobagent.markup_free_worker import MarkupFreeWorker
from jobagent.workflows.engine import Workflow

log = logging.getLogger(__name__)

# The packages whose modules workflow nodes import inside their functions (to keep producers light).
DOMAIN_PACKAGES = ("jobagent.cv", "jobagent.postings")


def plugin_modules(settings: Settings | None = None) -> list[str]:
    """The workflow modules named in ``JOBAGENT_WORKFLOW_MODULES``."""
    return [m.strip() for m in (settings or get_settings()).workflow_modules.split(",") if m.strip()]


def preload(settings: Settings | None = None) -> None:
    """Import every workflow and every domain module once, in the worker's main process.

    The domain packages are walked rather than listed, so a new module is preloaded without anyone
    remembering to add it here.
    """
    from jobagent import places
    from jobagent.cv.vocabulary import occupations, skill_index
    from jobagent.languages import detect
    from jobagent.workflows import BUILTIN_MODULES

    importlib.import_module("jobagent.tasks")
    for package_name in DOMAIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            importlib.import_module(info.name)
    # Issue 13: the vocabularies (~80 ms to build) are built once here, so each forked task inherits them.
    skill_index()
    occupations()
    # The gazetteer's name index (~1.7 s) and the language model (~0.7 s) likewise: every search task reads
    # places and languages, and a forked task that built them itself paid both again each time.
    places.resolve("London")
    detect("Preloading the language model.")
    for module in (*BUILTIN_MODULES.values(), *plugin_modules(settings)):
        importlib.import_module(module)


def registered_workflows(settings: Settings | None = None) -> list[Workflow[Any]]:
    """Every workflow this worker can run: the built-in ones and those of the plugin modules."""
    from jobagent.workflows import BUILTIN_MODULES

    found: list[Workflow[Any]] = [importlib.import_module(m).WORKFLOW for m in BUILTIN_MODULES.values()]
    for module in plugin_modules(settings):
        found += getattr(importlib.import_module(module), "WORKFLOWS", [])
    return found


class JobagentWorker(MarkupFreeWorker):
    """RQ's forking worker whose work-horses reuse the main process's warm PostgreSQL connection, and whose
    main process moves on as soon as a work-horse has finished its task rather than once it has exited.

    The handoff (``jobagent.store.session.HorseConnection``) is safe because the main process runs one
    work-horse at a time and never touches the connection while one runs; a work-horse that did not leave
    the connection idle and intact (it was killed, failed, or its connection broke) makes the main
    process replace it before the next fork.

    Early release (issue 16): a work-horse of a 90 MB worker takes several milliseconds to exit (the kernel
    tears its address space down), after RQ has recorded the task's outcome in Redis and the engine in
    PostgreSQL. The work-horse writes one byte to a pipe once ``perform_job`` has returned, and the main
    process takes that as "exited normally" and dequeues the next task while the old work-horse finishes
    dying; it is reaped (``_reap_released``) when its SIGCHLD arrives, and at the latest before the next
    fork and at shutdown, so no zombie outlives it by more than moments. A work-horse that dies
    before writing the byte (killed, OOM, hard time limit) is seen to exit (its pidfd, or the pipe's EOF),
    and the main process waits for its exit status exactly as RQ does, so crash handling is RQ's own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._done_read: int | None = None
        self._done_write: int | None = None
        self._horse_fd: int | None = None  # a pidfd of the running work-horse
        self._released: list[int] = []  # released early, not reaped yet

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        from jobagent.store.session import horse_connection

        self._reap_released(block=False)
        horse_connection().before_fork()
        self._done_read, self._done_write = os.pipe()
        super().fork_work_horse(job, queue)
        os.close(self._done_write)  # only the work-horse holds the write end: its death is EOF
        self._done_write = None
        try:  # and its exit is seen at once, even if a process the task forked still holds the write end
            self._horse_fd = os.pidfd_open(self.horse_pid)
        except (AttributeError, OSError):  # not Linux >= 5.3: the pipe's EOF alone tells
            self._horse_fd = None

    def perform_job(self, job: Job, queue: Queue, execution: Any) -> bool:
        from jobagent.store.session import horse_connection

        ok = super().perform_job(job, queue, execution)
        if self._is_horse:
            horse_connection().horse_done(ok)
            if self._done_write is not None:
                try:
                    os.write(self._done_write, b"1")  # the outcome is recorded; the main process may go on
                except OSError:  # the main process is gone: nobody to tell
                    pass
        return ok

    def wait_for_horse(self) -> tuple[int | None, int | None, Any]:
        """RQ's wait, except that a work-horse that reported its task done counts as exited normally.

        The read is interrupted, like RQ's ``wait4``, by the monitor's alarm (``HorseMonitorTimeoutException``:
        RQ then heartbeats, or kills a work-horse far past its time limit) and resumed on the next call.
        """
        if self._done_read is None:
            return super().wait_for_horse()
        if self._horse_fd is not None:
            poller = select.poll()
            poller.register(self._done_read, select.POLLIN)
            poller.register(self._horse_fd, select.POLLIN)
            ready = {fd for fd, _ in poller.poll()}
            if self._done_read not in ready:  # it exited without a word: its exit status tells how
                return super().wait_for_horse()
        if os.read(self._done_read, 1) == b"":  # no report: the work-horse died; its exit status tells how
            return super().wait_for_horse()
        self._close_horse_fds()
        pid = self.horse_pid
        self._released.append(pid)
        self._reap_released(block=False)  # it may have exited (and its SIGCHLD passed) before it was listed
        return pid, os.EX_OK, None

    def _close_horse_fds(self) -> None:
        for fd in (self._done_read, self._horse_fd):
            if fd is not None:
                os.close(fd)
        self._done_read = self._horse_fd = None

    def monitor_work_horse(self, job: Job, queue: Queue, execution: Any) -> None:
        from jobagent.store.session import horse_connection

        try:
            super().monitor_work_horse(job, queue, execution)
        finally:
            self._close_horse_fds()
            horse_connection().after_horse()

    def _reap_released(self, *, block: bool) -> None:
        """Collect the exit status of work-horses released early (their outcome is already recorded).

        Only those pids: the current work-horse is RQ's to wait for. Also runs as the SIGCHLD handler, so
        it neither logs nor raises.
        """
        for pid in list(self._released):
            try:
                done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                done = pid
            except InterruptedError:
                continue
            if done and pid in self._released:
                self._released.remove(pid)

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()
        signal.signal(signal.SIGCHLD, lambda _signum, _frame: self._reap_released(block=False))

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a task's own subprocesses are its business

    def teardown(self) -> None:
        self._reap_released(block=True)
        super().teardown()


def make_worker(queue_names: list[str], settings: Settings | None = None, *,
                worker_class: type[BaseWorker] | None = None, **kwargs: Any) -> BaseWorker:
    """An RQ worker on jobagent's queues with JSON payloads (``JobagentWorker`` unless told otherwise)."""
    from jobagent.queue import JSONJob, get_queue, get_redis

    settings = settings or get_settings()
    if settings.embedded:
        raise ValueError("a worker needs REDIS_URL; the embedded default runs workflows in-process")
    queues = [get_queue(n, settings) for n in queue_names]
    cls = worker_class or JobagentWorker
    connection = get_redis(settings)
    _resolve_driver_info(connection)
    return cls(queues, connection=connection, serializer=JSONSerializer, job_class=JSONJob, **kwargs)


def _resolve_driver_info(connection: Any) -> None:
    """Resolve redis-py's client name and version once, for every connection this process and its forks open.

    Unless given ``driver_info``, redis-py 8 looks its own version up in the installed package metadata
    (``importlib.metadata``, several milliseconds) for every new connection, and each forked work-horse
    opens one: measured, that was a fifth of a trivial task's time in the work-horse. The resolved
    ``DriverInfo`` says the same to Redis (``CLIENT SETINFO``).
    """
    try:
        from redis.driver_info import DriverInfo
    except ImportError:  # redis-py before 7: nothing to resolve
        return
    kwargs = connection.connection_pool.connection_kwargs
    if not {"driver_info", "lib_name", "lib_version"} & kwargs.keys():  # else the caller chose; leave it
        kwargs["driver_info"] = DriverInfo()


def checked_queue_names(spec: str) -> list[str]:
    """The queues of a comma-separated ``spec``, refused (one line, exit 3) when one is not ours."""
    from jobagent.errors import InvalidInput
    from jobagent.queue import QUEUE_NAMES

    names = [q.strip() for q in spec.split(",") if q.strip()]
    unknown = [n for n in names if n not in QUEUE_NAMES] or ([] if names else ["(none)"])
    if unknown:
        raise InvalidInput(f"unknown queue {unknown[0]!r}; use a comma-separated list of {', '.join(QUEUE_NAMES)}")
    return names


def start(queue_names: list[str], *, name: str | None = None, strategy: DequeueStrategy | str = DequeueStrategy.DEFAULT,
          burst: bool = False, max_jobs: int | None = None, pool: int = 0, maintenance_interval: int = 600,
          worker_ttl: int = 420, job_monitoring_interval: int = 30) -> int:
    """Prepare this process and run a forking worker (``pool == 0``) or a pool of ``pool`` work-horses.

    Returns the process exit code.
    """
    from jobagent.monitoring.sentry import init_sentry
    from jobagent.redaction import install_log_redaction
    from jobagent.store.session import prepare_for_forking
    from jobagent.workflows.engine import warm_up

    strategy = DequeueStrategy(strategy)

    settings = get_settings()
    preload(settings)
    init_sentry("worker")  # work-horses are forked from here and inherit it
    warm_up(registered_workflows(settings))  # the engine's statements, compiled once for every work-horse
    prepare_for_forking(share_connection=not pool)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction([settings.webhook_url])  # issue 11: no URL secrets (userinfo, webhook path) in logs
    options: dict[str, Any] = dict(maintenance_interval=maintenance_interval, worker_ttl=worker_ttl,
                                   job_monitoring_interval=job_monitoring_interval)
    if pool:
        from jobagent.worker_pool import WorkerPool

        return WorkerPool(queue_names, make_worker, size=pool, max_jobs=max_jobs or 50, name=name, strategy=strategy,
                          burst=burst, worker_options=options).run()
    w = make_worker(queue_names, name=name, **options)
    w.work(burst=burst, max_jobs=max_jobs, with_scheduler=True, dequeue_strategy=strategy)
    return 0
