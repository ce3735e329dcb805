"""The one URL redactor, for every message, stored error and log line that names a URL.

URLs carry secrets in three places: userinfo (``https://user:password@host/cv.pdf``), the query
(``?token=...``, signed links) and, for webhooks, the path (``/services/T0/B0/SECRET``). A redacted URL
keeps what a person needs to recognise it (scheme, host, port and, unless told otherwise, the path).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

HIDDEN = "***"
_TRAILING = ".,;:!?)]}"
_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
_secret_prefixes: set[str] = set()  # URLs whose path is secret (the configured webhook), registered at startup


def register_secret_url(url: str | None) -> None:
    """Treat the path of ``url`` (and of every URL starting with it) as secret, e.g. the webhook URL."""
    if url and url.strip():
        parts = urlsplit(url.strip())
        _secret_prefixes.add(f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower())


def _secret_origins() -> set[str]:
    """Registered origins plus the configured webhook's, so a CLI process redacts it without setup."""
    try:
        from jobagent.config import get_settings

        configured = get_settings().webhook_url
    except Exception:  # noqa: BLE001 - invalid settings must not break redaction of an error message
        configured = None
    if configured:
        register_secret_url(configured)
    return _secret_prefixes


def _origin(scheme: str, netloc: str) -> str:
    host = netloc.rpartition("@")[2]
    return f"{scheme}://{host}"


def redact_url(url: str, *, secret_path: bool = False) -> str:
    """``url`` without userinfo and query values; without the path too when ``secret_path`` (webhooks)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "URL"
    if not parts.scheme or not parts.netloc:
        return url
    secret_path = secret_path or _origin(parts.scheme, parts.netloc).lower() in _secret_origins()
    shown = f"{parts.scheme}://{HIDDEN}@" if "@" in parts.netloc else f"{parts.scheme}://"
    shown += parts.netloc.rpartition("@")[2]
    if parts.path not in ("", "/"):
        shown += "/…" if secret_path else parts.path
    if parts.query:
        shown += f"?{HIDDEN}"
    return shown


def redact_text(text: str, *, secret_paths: bool = False) -> str:
    """Every URL inside free text (an error message, a log line, a traceback) redacted."""
    if "://" not in text:
        return text
    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        core = url.rstrip(_TRAILING)  # "see https://x/y." or "... https://x/y: HTTP 404": keep the punctuation
        return redact_url(core, secret_path=secret_paths) + url[len(core):]

    return _URL_IN_TEXT.sub(one, text)


def redact_source(spec: str) -> str:
    """A source spec as every face shows it (results, status, ``sources list``, error lines): any URL in it
    redacted, so ``rss:http://bob:pw@host/feed?token=T`` is shown as ``rss:http://***@host/feed?***``.
    The spec itself stays the key it is stored under; only what is shown changes."""
    return redact_text(spec)


class RedactingFilter(logging.Filter):
    """A handler filter that redacts URLs in the formatted message and in the traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


def quiet_http_loggers() -> None:
    """httpx logs every request URL at INFO (webhook secret paths, ``user:password@``): keep it to warnings."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


_factory_installed = False


def _install_record_factory() -> None:
    """Redact each record's message where it is made, so every logger and handler (RQ's too) gets it."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - leave a broken record to logging's own error report
            return record
        if "://" in message:
            record.msg, record.args = redact_text(message), None
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def install_log_redaction(secret_urls: Iterable[str | None] = (), logger: logging.Logger | None = None) -> None:
    """Quiet the HTTP libraries, redact every record's message, and put a ``RedactingFilter`` on every
    handler of ``logger`` (the root) for tracebacks, which are formatted only when a handler emits."""
    quiet_http_loggers()
    for url in secret_urls:
        register_secret_url(url)
    _install_record_factory()
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
