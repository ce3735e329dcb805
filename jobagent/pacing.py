"""Host pacing: one request at a time per host, at least a minimum interval apart.

Every outbound request to a job board (harvest pages, liveness re-checks, ``sources add`` checks) takes a
slot here first, so a board sees the pace we promise no matter which code path asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class _HostGate:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.not_before = 0.0


_gates: dict[str, _HostGate] = {}
_gates_lock = threading.Lock()


@contextmanager
def host_slot(host: str, min_interval: float) -> Iterator[_HostGate]:
    with _gates_lock:
        gate = _gates.setdefault(host, _HostGate())
    with gate.lock:
        wait = gate.not_before - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            yield gate
        finally:
            gate.not_before = max(gate.not_before, time.monotonic() + min_interval)
