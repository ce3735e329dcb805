"""Host pacing: one request at a time per host, at least a minimum interval apart, shared by every process.

Every outbound request to a job board (harvest pages, liveness re-checks, ``sources add`` checks, the
jobspy source) takes a slot here first, so a board sees the pace we promise whichever code path asks.

- Embedded mode (no ``REDIS_URL``): one process, so an in-process gate per host is the whole story.
- Under workers (``REDIS_URL`` set): N workers would send N times the rate with a gate each, so the start
  of each request is also admitted by a pyrate-limiter bucket per host in Redis (GCRA, one permit per
  interval, decided in one Lua call: nothing of our own decides who goes first). The in-process gate
  still serializes this process's threads, so a host sees at most one request at a time from each process.
- One request at a time per host across processes too: a redis-py ``Lock`` per host is held while the
  request runs, and its end holds the host for the interval. Admission by start time alone let a request
  that a busy process sent late land right before the next process's one (seen in the test: 4 ms apart).
- A board that answers 429/503 with ``Retry-After`` (or keeps failing) is held: ``hold(host, seconds)``
  writes ``jobagent:pacing:hold:HOST`` (the hold-until time in ms since the epoch, expiring with it), and
  every process's ``host_slot`` waits it out before its next request to that host.
- Redis away: pacing must never crash a harvest, so one warning is logged and this process paces
  in-process for ``FALLBACK_SECONDS`` before it asks Redis again.

``JOBAGENT_HOST_MIN_INTERVALS`` (``api.example.com=2.0,*.recruitee.com=0.5``) sets the interval of a host
(a ``*.`` key covers its subdomains, the per-company hosts of one ATS); other hosts use
``JOBAGENT_HOST_MIN_INTERVAL``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobagent.errors import first_line

if TYPE_CHECKING:
    from redis import Redis

    from jobagent.config import Settings

log = logging.getLogger(__name__)

BUCKET_KEY = "jobagent:pacing:host:{host}"
HOLD_KEY = "jobagent:pacing:hold:{host}"
BUSY_KEY = "jobagent:pacing:busy:{host}"
BUSY_LEASE = 90.0  # seconds a request may hold its host (fetches end by JOBAGENT_FETCH_DEADLINE, 30 s)
FALLBACK_SECONDS = 30.0  # in-process pacing after Redis failed, before asking it again
MAX_HOLD = 600.0  # a hold is never waited longer than this (the getter refuses longer Retry-After itself)


# --- per-host intervals ------------------------------------------------------------------------------------------


def interval_for(host: str, default: float, intervals: dict[str, float]) -> float:
    """The interval of ``host``: its own entry, else the longest ``*.suffix`` entry covering it, else
    ``default``."""
    host = host.lower().rstrip(".")
    if host in intervals:
        return intervals[host]
    best: tuple[int, float] | None = None
    for key, seconds in intervals.items():
        if key.startswith("*.") and (host.endswith(key[1:]) or host == key[2:]):
            if best is None or len(key) > best[0]:
                best = (len(key), seconds)
    return best[1] if best else default


# --- in-process gate -----------------------------------------------------------------------------------


class _HostGate:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.not_before = 0.0  # time.monotonic()


_gates: dict[str, _HostGate] = {}
_gates_lock = threading.Lock()


def _gate(host: str) -> _HostGate:
    with _gates_lock:
        return _gates.setdefault(host, _HostGate())


# --- shared pacing (Redis) -----------------------------------------------------------------------------


class _Shared:
    """The Redis side for one ``REDIS_URL``: a limiter per (host, interval) and the hold keys."""

    def __init__(self, url: str) -> None:
        from redis import Redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Pacing is asked before every request: a Redis that is away must be noticed in a second, not after
        # redis-py's default retries (about 3.5 s for a refused port).
        self.redis: Redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2,
                                           retry=Retry(NoBackoff(), 0))
        self._buckets: dict[tuple[str, int], Any] = {}
        self._lock = threading.Lock()
        self.down_until = 0.0  # time.monotonic(); in-process pacing only until then
        self.warned = False

    def bucket(self, host: str, interval_ms: int) -> Any:
        from pyrate_limiter import GCRA, Rate, RedisStateStore, StateBucket

        with self._lock:
            found = self._buckets.get((host, interval_ms))
            if found is None:
                # GCRA with a burst of 1: one permit per interval, perfectly smooth; its state is one Redis
                # hash per host, updated by one Lua call (atomic across processes) and expiring by itself.
                store = RedisStateStore(self.redis, BUCKET_KEY.format(host=host))
                found = StateBucket([Rate(1, interval_ms, burst=1)], GCRA(), store)
                self._buckets[(host, interval_ms)] = found
            return found

    def wait_hold(self, host: str) -> None:
        deadline = time.monotonic() + MAX_HOLD
        while True:
            raw = self.redis.get(HOLD_KEY.format(host=host))
            wait = (int(raw) / 1000 - time.time()) if raw else 0.0
            if wait <= 0 or time.monotonic() >= deadline:
                return
            time.sleep(min(wait, deadline - time.monotonic()))

    def admit(self, host: str, interval: float) -> Any:
        """This host's turn across processes: its lock (one request at a time), then the hold (a Retry-After,
        or the interval after the last request ended), then the rate limiter's permit. Returns the lock."""
        lock = self.redis.lock(BUSY_KEY.format(host=host), timeout=BUSY_LEASE, sleep=0.01)
        lock.acquire()
        try:
            self._admit(host, interval)
        except BaseException:
            _release(lock)
            raise
        return lock

    def done(self, host: str, interval: float, lock: Any) -> None:
        """The request ended: the next one, from any process, waits the interval from now."""
        try:
            if interval > 0:
                self.hold(host, interval)
        finally:
            _release(lock)

    def _admit(self, host: str, interval: float) -> None:
        self.wait_hold(host)
        interval_ms = int(interval * 1000)
        if interval_ms > 0:
            from pyrate_limiter import RateItem

            bucket = self.bucket(host, interval_ms)
            # Each try is stamped with the clock read just then: a stamp carried over a sleep (as
            # ``Limiter``'s blocking retry does, adding the planned sleep) lags the real time and let a
            # second process in 60 ms after the first in this file's test.
            while not bucket.put(item := RateItem(host, bucket.now())):
                time.sleep(max(bucket.waiting(item), 1) / 1000)
            self.wait_hold(host)

    def hold(self, host: str, seconds: float) -> None:
        until_ms = int((time.time() + seconds) * 1000)
        key = HOLD_KEY.format(host=host)
        current = self.redis.get(key)
        if current is None or int(current) < until_ms:  # a hold only ever grows
            self.redis.set(key, until_ms, px=max(1, int(seconds * 1000)))


def _release(lock: Any) -> None:
    from redis.exceptions import LockError

    try:
        lock.release()
    except LockError:  # its lease ran out during a long request; someone else may hold it now
        pass


_shared: dict[str, _Shared] = {}
_shared_lock = threading.Lock()


def _shared_for(settings: Settings) -> _Shared | None:
    if settings.embedded or not settings.redis_url:
        return None
    with _shared_lock:
        found = _shared.get(settings.redis_url)
        if found is None:
            found = _shared[settings.redis_url] = _Shared(settings.redis_url)
    return found


def _redis_failed(shared: _Shared, exc: BaseException) -> None:
    shared.down_until = time.monotonic() + FALLBACK_SECONDS
    if not shared.warned:
        shared.warned = True
        log.warning("pacing: Redis unavailable (%s); pacing in-process only, asking again in %.0f s",
                    first_line(exc), FALLBACK_SECONDS)
    else:
        log.debug("pacing: Redis still unavailable: %s", exc)


def _redis_call(shared: _Shared | None, call: Any, *args: Any) -> Any:
    """Run one Redis step of pacing; Redis away switches this process to in-process pacing for a while."""
    from redis.exceptions import RedisError

    if shared is None or time.monotonic() < shared.down_until:
        return None
    try:
        result = call(*args)
    except (RedisError, OSError) as exc:
        _redis_failed(shared, exc)
        return None
    if shared.warned:
        shared.warned = False
        log.info("pacing: Redis is back; pacing is shared again")
    return result


# --- the API callers use -------------------------------------------------------------------------------


@dataclass
class Slot:
    """The slot a request holds; ``hold`` pushes every later request to this host back (all processes)."""

    host: str
    settings: Settings

    def hold(self, seconds: float) -> None:
        hold(self.host, seconds, self.settings)


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from jobagent.config import get_settings

    return get_settings()


@contextmanager
def host_slot(host: str, min_interval: float, settings: Settings | None = None) -> Iterator[Slot]:
    """Wait for this host's turn, then hold it while the request runs.

    ``min_interval`` is the caller's default; an entry of ``JOBAGENT_HOST_MIN_INTERVALS`` for the host wins.
    """
    settings = _settings(settings)
    host = host.lower()
    interval = interval_for(host, min_interval, settings.host_intervals())
    shared = _shared_for(settings)
    gate = _gate(host)
    with gate.lock:
        wait = gate.not_before - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        lock = _redis_call(shared, shared.admit if shared else None, host, interval)
        try:
            yield Slot(host, settings)
        finally:
            gate.not_before = max(gate.not_before, time.monotonic() + interval)
            if shared is not None and lock is not None:
                _redis_call(shared, shared.done, host, interval, lock)


def hold(host: str, seconds: float, settings: Settings | None = None) -> None:
    """Nothing more to ``host`` for ``seconds`` (a Retry-After, a backoff), from this process and, under
    workers, from every other one."""
    settings = _settings(settings)
    host = host.lower()
    gate = _gate(host)
    gate.not_before = max(gate.not_before, time.monotonic() + seconds)
    shared = _shared_for(settings)
    _redis_call(shared, shared.hold if shared else None, host, seconds)
