"""The one retry policy: whether a failure is worth another attempt, decided from its type in the error tree.

Retried: 5xx answers (and 408/429, which ask to come back later), connect/read timeouts, connection errors,
and our own infrastructure away (database, Redis). Not retried: input errors (refused URL, bad file,
malformed feed, unknown id), other 4xx answers, and an overall download deadline that ran out (a server
trickling bytes would hold a worker as long on every attempt). Anything the tree does not know (a bug, an
odd reply) counts as transient: a few bounded retries cost little, failing for good on a fluke loses a run.

The RQ ``Retry`` every execution and the daily task are queued with is built here too, and so is the one
retry loop for HTTP (``retry_http``, on tenacity), which the harvest's page getter and the sources' plain
fetches both use, so "how often and how long apart" has one home.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from jobagent.errors import (
    FetchDeadline,
    FetchStatus,
    FetchTimeout,
    FetchUnavailable,
    InputError,
    JobagentError,
    PermanentFailure,
    ServiceUnavailable,
    translate,
)

if TYPE_CHECKING:
    from rq import Retry

    from jobagent.config import Settings

RETRY_STATUSES = frozenset({408, 425, 429})  # 4xx answers that mean "not now" rather than "never"
# A board asking to come back later than this is reported as failed rather than holding a worker.
MAX_RETRY_AFTER = 120.0
HTTP_BACKOFF_CAP = 30.0  # seconds: the longest exponential backoff between two HTTP attempts

T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """True when another attempt may succeed."""
    exc = translate(exc)
    if isinstance(exc, FetchStatus):
        return exc.status >= 500 or exc.status in RETRY_STATUSES
    if isinstance(exc, FetchDeadline):
        return False
    if isinstance(exc, FetchTimeout | FetchUnavailable | ServiceUnavailable):
        return True
    if isinstance(exc, InputError | PermanentFailure):
        return False
    if isinstance(exc, JobagentError):  # a domain refusal without a more specific type (e.g. a bad feed)
        return False
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    try:
        from pydantic import ValidationError
    except ImportError:  # pragma: no cover
        return True
    return not isinstance(exc, ValidationError)  # a stored context that no longer validates is the input


def retry_delay(exc: BaseException, attempt: int, *, base: float, cap: float) -> float:
    """Seconds before attempt ``attempt + 1``: exponential backoff, or the server's Retry-After when longer."""
    delay = min(base * 2**attempt, cap)
    exc = translate(exc)
    if isinstance(exc, FetchStatus) and exc.retry_after is not None:
        delay = max(delay, min(exc.retry_after, cap))
    return delay


def asks_too_long(exc: BaseException) -> float | None:
    """The Retry-After of ``exc`` when it exceeds ``MAX_RETRY_AFTER`` (then it is not retried), else None."""
    after = getattr(translate(exc), "retry_after", None)
    return float(after) if after is not None and after > MAX_RETRY_AFTER else None


def retry_http(call: Callable[[], T], *, retries: int, backoff: float,
               sleep: Callable[[float], None] = time.sleep,
               before_retry: Callable[[BaseException, float], None] | None = None) -> T:
    """``call()``, attempted up to ``retries`` more times while ``is_transient`` says another attempt may
    succeed: the one retry loop for HTTP.

    The delay is ``retry_delay`` (exponential from ``backoff``, capped at ``max(backoff * 8,
    HTTP_BACKOFF_CAP)``, or the server's Retry-After when longer, up to ``MAX_RETRY_AFTER``); a Retry-After
    beyond that is not waited for. ``before_retry(exc, delay)`` runs before each wait (the harvest holds the
    host there, and passes a ``sleep`` that does nothing, because its pacing waits the hold out). The last
    error is raised as it was, keeping its type.

    Example: ``retry_http(lambda: fetch_url(url), retries=2, backoff=0.5)``.
    """
    import tenacity

    cap = max(backoff * 8, HTTP_BACKOFF_CAP)

    def delay(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if exc is None:  # pragma: no cover - only failures are retried
            return 0.0
        after = getattr(translate(exc), "retry_after", None)
        if after is not None:
            return max(min(backoff * 2 ** (state.attempt_number - 1), cap), float(after))
        return retry_delay(exc, state.attempt_number - 1, base=backoff, cap=cap)

    def announce(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if before_retry is not None and exc is not None and state.next_action is not None:
            before_retry(exc, state.next_action.sleep)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(retries + 1), wait=delay, sleep=sleep, reraise=True,
        retry=tenacity.retry_if_exception(lambda exc: is_transient(exc) and asks_too_long(exc) is None),
        before_sleep=announce)
    return retrying(call)


def rq_retry(settings: Settings) -> Retry | None:
    """RQ's retry for a queued task; in-process runs (embedded default) have no worker to retry them."""
    from rq import Retry

    if settings.embedded or settings.max_retries <= 0:
        return None
    return Retry(max=settings.max_retries, interval=settings.retry_intervals())


def is_permanent(exc: BaseException) -> bool:
    """Whether retrying ``exc`` is pointless, so the execution fails at once with a single alert (the
    engine's entry point to the decision above)."""
    return not is_transient(exc)
