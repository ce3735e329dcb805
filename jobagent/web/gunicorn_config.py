"""gunicorn server hooks for ``jobagent serve`` (passed as ``--config python:jobagent.web.gunicorn_config``).

Why ``gc.freeze()`` before each fork: with ``--preload`` the master has imported the app and everything
its requests call (about 130,000 objects), and each worker inherits them. CPython's cyclic collector would
otherwise walk all of them in every full collection of the worker; under load that came every few hundred
requests, cost a fifth of the worker's CPU per submission (1.87 against 1.51 ms, issue 16) and showed up in
p99 as pauses. Frozen objects are never collected (the master's objects live as long as the worker
anyway), and the worker no longer writes to their pages, so they stay shared between workers (the
copy-on-write advice of the ``gc.freeze`` documentation).
"""

from __future__ import annotations

import gc
from typing import Any


def pre_fork(server: Any, worker: Any) -> None:
    """Runs in the master before each worker is forked, after the app was preloaded: at start-up, and when
    a worker is replaced. Collected first, so no garbage is frozen for good (the worker's ``prepare_for_forking``
    does the same)."""
    gc.collect()
    gc.freeze()
