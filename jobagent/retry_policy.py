"""The one retry policy: whether a failure is worth another attempt, decided from its type in the error tree.

Retried: 5xx answers (and 408/429, which ask to come back later), connect/read timeouts, connection errors,
and our own infrastructure away (database, Redis). Not retried: input errors (refused URL, bad file,
malformed feed, unknown id), other 4xx answers, and an overall download deadline that ran out (a server
trickling bytes would hold a worker as long on every attempt). Anything the tree does not know (a bug, an
odd reply) counts as transient: a few bounded retries cost little, failing for good on a fluke loses a run.

The RQ ``Retry`` every execution and the daily task are queued with is built here too, so "how often and
how long apart" has one home.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
