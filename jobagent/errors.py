"""One typed error tree, in the style of httpx's ``_exceptions.py``.

Every face (CLI, HTTP) turns a ``JobagentError`` into one clear line (or a JSON body), so the message must
make sense without a traceback. Whether a failure is worth another attempt is decided from its *type* by
``jobagent.retry_policy``, never from its message text::

    JobagentError
    ├── InputError (= InvalidInput)      permanent: the user's input is wrong
    │   ├── NotFound                     an id that does not exist
    │   ├── AmbiguousId(candidates)      an id prefix that several rows start with
    │   └── FetchRefused (also FetchError)  refused URL, too big, too many redirects
    ├── PermanentFailure                 a node knows retrying cannot help
    │   └── StoreRefused                 the database refused a value (too long, out of range): a bug
    ├── FetchError                       fetching a URL failed; ``.url`` is already redacted
    │   ├── FetchStatus(status, retry_after)  an HTTP error answer: 5xx/408/429 retry, other 4xx do not
    │   ├── FetchTimeout                 connect/read timeout: retried
    │   │   └── FetchDeadline            the overall download deadline passed (slow loris): not retried
    │   └── FetchUnavailable             connection refused/reset, DNS failure: retried
    └── ServiceUnavailable               our own infrastructure is away: retried, CLI exit 1, HTTP 503
        ├── DatabaseUnavailable          PostgreSQL (or SQLite) cannot be reached
        └── QueueUnavailable             Redis cannot be reached
            └── EnqueueFailed            ... at the moment a run was handed to the queue

``translate`` is the one place that turns httpx, psycopg, SQLAlchemy and redis exceptions into this tree.
"""

from __future__ import annotations

import re


class JobagentError(Exception):
    """Base class: the message is shown to the user as it is."""


class InputError(JobagentError):
    """The user gave something we cannot use (bad path, corrupt file, bad email, refused URL, malformed feed)."""


InvalidInput = InputError  # the historical name; ``raise InvalidInput`` and ``except InvalidInput`` still work


class NotFound(InputError):
    """An id that does not exist in the store."""


class AmbiguousId(InputError):
    """An id prefix that several rows start with: ``candidates`` are their full ids, so a face can list them
    (CLI exit 3, HTTP 409) and the user copies the one meant."""

    def __init__(self, noun: str, given: str, candidates: list[str]) -> None:
        self.noun = noun
        self.given = given
        self.candidates = candidates
        super().__init__(f"{noun} id {given!r} is ambiguous; it starts {len(candidates)} ids: "
                         f"{', '.join(candidates)}")


class PermanentFailure(JobagentError):
    """Raised by a node when retrying cannot help (the input itself is wrong)."""


class StoreRefused(PermanentFailure):
    """The database refused a value (SQLSTATE class 22 data exception, 23 integrity violation, 54 program
    limit such as "string is too long for tsvector"). Not the user's input as typed (faces check limits
    first, ``jobagent.limits``) and not an outage: the same statement fails the same way, so it is never
    retried nor shown as 503."""


class FetchError(JobagentError):
    """Fetching a URL failed. ``url`` is redacted (no userinfo, no query), safe for logs and messages."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class FetchRefused(FetchError, InputError):
    """We will not fetch this URL (scheme, address, size, redirects): permanent, the user must change it."""


class FetchStatus(FetchError):
    """The server answered with an HTTP error status; ``retry_after`` is seconds from Retry-After, or None."""

    def __init__(self, message: str, *, url: str = "", status: int, retry_after: float | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class FetchTimeout(FetchError):
    """The server did not connect or answer within the per-operation timeout."""


class FetchDeadline(FetchTimeout):
    """The whole download took longer than ``JOBAGENT_FETCH_DEADLINE``: a server that trickles bytes.

    Not retried: the same server would hold a worker for the same time again on every attempt.
    """


class FetchUnavailable(FetchError):
    """The server could not be reached (refused, reset, DNS temporarily failing): another attempt may work."""


class ServiceUnavailable(JobagentError):
    """One of our own backing services is away; not the user's fault, so retried and shown as exit 1 / 503."""


class DatabaseUnavailable(ServiceUnavailable):
    """PostgreSQL (or the embedded SQLite file) cannot be reached or answered with an operational error."""


class QueueUnavailable(ServiceUnavailable):
    """Redis cannot be reached."""


class EnqueueFailed(QueueUnavailable):
    """A run could not be handed to the queue (Redis away); nothing is left pending because of it.

    ``reason`` and ``run_ids`` (in the order of the specs) are set when rows were written and marked failed,
    so a caller that shared a batch can be told its own run (``submission_groups``)."""

    def __init__(self, message: str, *, reason: str | None = None, run_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.run_ids = run_ids


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _translate_httpx(exc: BaseException, url: str) -> JobagentError | None:
    import httpx

    where = f"could not fetch {url}" if url else "could not fetch"
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeout(f"{where}: timed out ({type(exc).__name__})", url=url)
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchRefused(f"{where}: invalid URL ({_first_line(exc)})", url=url)
    if isinstance(exc, httpx.HTTPStatusError):
        resp = exc.response
        return FetchStatus(f"{where}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip(), url=url,
                           status=resp.status_code, retry_after=parse_retry_after(resp.headers.get("retry-after")))
    if isinstance(exc, httpx.HTTPError):  # ConnectError, ReadError, RemoteProtocolError, ProxyError ...
        return FetchUnavailable(f"{where}: {_first_line(exc)}", url=url)
    return None


def _translate_database(exc: BaseException) -> JobagentError | None:
    try:
        from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
        from sqlalchemy.exc import TimeoutError as PoolTimeout
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return None
    types: tuple[type[BaseException], ...] = (OperationalError, DisconnectionError, InterfaceError, PoolTimeout)
    try:
        import psycopg

        types += (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # pragma: no cover
        pass
    orig = getattr(exc, "orig", None) or exc
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    if sqlstate[:2] in _REFUSED_CLASSES and sqlstate != _UNIQUE_VIOLATION:  # psycopg: ProgramLimitExceeded
        # is an OperationalError, and without this it read "cannot reach PostgreSQL" and was retried
        return StoreRefused(f"the database refused a value: {_first_line(orig)}")
    if not isinstance(exc, types):
        return None
    if type(orig).__module__.startswith("sqlite3"):
        return DatabaseUnavailable(f"cannot open SQLite at {_configured_address('database')}: {_first_line(orig)}")
    return DatabaseUnavailable(f"cannot reach PostgreSQL at {_address('database', str(orig))}: "
                               f"{_short_reason(orig)}")


# Data exception, integrity violation, program limit exceeded: permanent whatever the driver's class.
# A unique violation is left out: two writers racing for one key is settled by another attempt.
_REFUSED_CLASSES = ("22", "23", "54")
_UNIQUE_VIOLATION = "23505"
_LIBPQ_ADDRESS = re.compile(r'server (?:at "(?P<host>[^"]+)"(?: \([^)]*\))?, port (?P<port>\d+)'
                            r'|on socket "(?P<sock>[^"]+)")')
_REDIS_ADDRESS = re.compile(r"connecting to (?P<addr>\S+?)\.?(?:\s|$)")


def _address(service: str, message: str) -> str:
    """host:port of the server the message is about (read from the driver's message, else the configured
    URL), never a password: the user sees at once which server is meant."""
    if service == "database":
        m = _LIBPQ_ADDRESS.search(message)
        if m:
            return m["sock"] or f"{m['host']}:{m['port']}"
    else:
        m = _REDIS_ADDRESS.search(message)
        if m:
            return m["addr"]
    return _configured_address(service)


def _configured_address(service: str) -> str:
    from urllib.parse import urlsplit

    try:
        from jobagent.config import get_settings

        settings = get_settings()
        url = settings.effective_database_url if service == "database" else (settings.redis_url or "")
    except Exception:  # the settings themselves may be what is broken; the message must still be shown
        return "the configured address"
    if url.startswith("sqlite"):
        return url.split("///", 1)[-1] or "(memory)"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "the configured address"
    default = 5432 if service == "database" else 6379
    return f"{host or 'localhost'}:{port or default}"


def _short_reason(exc: BaseException) -> str:
    """The reason without the driver's own address prefix: libpq's 'connection to server at "h", port 1
    failed: Connection refused' and redis's 'Error 111 connecting to h:1. Connection refused.' both
    become 'Connection refused' (the address is already in our words)."""
    line = _first_line(exc)
    if "failed: " in line:
        return line.rsplit("failed: ", 1)[-1].strip() or line
    m = _REDIS_ADDRESS.search(line)
    if m and line[m.end():].strip():
        return line[m.end():].strip().rstrip(".")
    return line


def _translate_redis(exc: BaseException) -> JobagentError | None:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return QueueUnavailable(f"cannot reach Redis at {_address('redis', str(exc))}: {_short_reason(exc)}")
    return None


def translate(exc: BaseException, *, url: str = "") -> BaseException:
    """The one mapping step: a library exception becomes its place in the tree; anything else is returned as is.

    ``url`` (already redacted) names the fetched resource in httpx messages. Libraries are imported lazily
    so ``jobagent --help`` does not pay for them.
    """
    if isinstance(exc, JobagentError):
        return exc
    module = type(exc).__module__.split(".")[0]
    mapped: JobagentError | None = None
    if module in ("httpx", "httpcore"):
        mapped = _translate_httpx(exc, url)
    elif module in ("sqlalchemy", "psycopg", "sqlite3"):
        mapped = _translate_database(exc)
    elif module == "redis":
        mapped = _translate_redis(exc)
    if mapped is None:
        return exc
    from jobagent.redaction import redact_text

    mapped.args = (redact_text(str(mapped)),)  # library messages may name a URL with userinfo
    return mapped
