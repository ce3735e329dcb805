"""Errors a user can act on.

Every face (CLI, HTTP) turns a ``JobagentError`` into one clear line (or a 4xx JSON body),
so the message must make sense without a traceback.
"""


class JobagentError(Exception):
    """Base class: the message is shown to the user as it is."""


class InvalidInput(JobagentError):
    """The user gave something we cannot use (bad path, corrupt file, bad email, refused URL)."""


class NotFound(JobagentError):
    """An id that does not exist in the store."""


class EnqueueFailed(JobagentError):
    """The run was recorded but could not reach the queue; its execution is marked failed."""


class PermanentFailure(JobagentError):
    """Raised by a node when retrying cannot help (the input itself is wrong)."""


class TransientFailure(Exception):
    """Raised by a node when the cause is outside (a service down, a timeout): another attempt may work.

    Deliberately not a ``JobagentError``: it is not the user's fault and must not stop the retries.
    """


def _transient_types() -> tuple[type[BaseException], ...]:
    """Infrastructure hiccups, imported lazily so ``jobagent --help`` does not pay for the libraries."""
    types: list[type[BaseException]] = [TransientFailure, TimeoutError, ConnectionError]
    try:
        import httpx

        types += [httpx.TimeoutException, httpx.TransportError]
    except ImportError:  # pragma: no cover - httpx is a dependency
        pass
    try:
        from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

        types += [OperationalError, DisconnectionError, InterfaceError]
    except ImportError:  # pragma: no cover
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        types += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def is_permanent(exc: BaseException) -> bool:
    """Whether retrying ``exc`` is pointless, so the execution fails at once with a single alert.

    Permanent: every ``JobagentError`` (corrupt CV, unknown profile, refused URL, a missing workflow) and a
    context that no longer validates (pydantic ``ValidationError``: the stored input itself is wrong).
    Transient: network timeouts and refused connections (httpx), a database or Redis hiccup
    (SQLAlchemy ``OperationalError``, redis ``ConnectionError``), and ``TransientFailure``.
    Anything else (a bug, an unexpected reply) counts as transient: a few bounded retries cost little,
    while failing for good on a fluke loses a user's run.
    """
    if isinstance(exc, _transient_types()):
        return False
    if isinstance(exc, JobagentError):
        return True
    try:
        from pydantic import ValidationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, ValidationError)
