"""Sentry for every jobagent process, with personal data scrubbed before anything leaves the host.

Without ``SENTRY_DSN`` nothing is imported or initialised, so the default costs nothing. With it, each
process (CLI, worker, scheduler, HTTP shim) calls ``init_sentry(name)`` once; the RQ and SQLAlchemy
integrations are always on, Flask only in the shim.

Events are captured explicitly (final workflow failures, alerts), not from log records: the engine logs
every failed attempt, and a log-driven event per retry is exactly the noise operators learn to ignore.

Privacy: ``send_default_pii=False``, no local variables in stack frames, and ``scrub_event`` as
``before_send``: e-mail addresses and phone numbers are replaced wherever they appear, fields that carry
personal data or SQL parameters are dropped, and long free text (a CV pasted into an error message) is
replaced by its length.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobagent.config import Settings

log = logging.getLogger(__name__)

_initialised: tuple[str, str] | None = None  # (dsn, process) of the live client

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of 7+ digits with the separators phone numbers use, not inside a word, id or ISO timestamp.
PHONE_RE = re.compile(r"(?<![\w:./-])\+?\(?\d[\d ().-]{5,}\d(?![\w:./-])")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LONG_TEXT = 200  # longer free text in messages or context is treated as possibly a CV
SENSITIVE_KEYS = ("email", "phone", "cv", "password", "secret", "token", "snapshot", "db.params", "cookies",
                  "authorization", "user")
KEEP_KEYS = {"event_id", "timestamp", "start_timestamp", "trace_id", "span_id", "parent_span_id", "release",
             "environment", "platform", "level", "type", "module", "function", "filename", "abs_path",
             "lineno", "colno", "in_app", "sdk", "modules", "server_name", "category"}
FREE_TEXT_SECTIONS = ("exception", "message", "logentry", "extra", "contexts", "tags")


def init_sentry(process: str, settings: Settings | None = None) -> bool:
    """Initialise the SDK for this process; idempotent, and a no-op (returns False) without a DSN.

    Called again with another DSN (tests, a reloaded config) it re-initialises rather than keep sending
    to the old project.
    """
    global _initialised
    if settings is None:
        if not _dsn_configured():  # keep `jobagent --help` from paying for the settings import
            return False
        from jobagent.config import get_settings

        settings = get_settings()
    dsn = settings.sentry_dsn
    if not dsn:
        return False
    if _initialised == (dsn, process):
        return True
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.integrations.rq import RqIntegration
    from sentry_sdk.integrations.sqlalchemy import SqlalchemyIntegration

    integrations: list[Any] = [RqIntegration(), SqlalchemyIntegration(),
                               LoggingIntegration(level=logging.INFO, event_level=None)]
    if process in ("web", "http", "shim"):
        from sentry_sdk.integrations.flask import FlaskIntegration

        integrations.append(FlaskIntegration())
    with warnings.catch_warnings():  # 2.x deprecates send_default_pii for data_collection; both mean "no PII"
        warnings.simplefilter("ignore", DeprecationWarning)
        _init(sentry_sdk, dsn, settings, integrations)
    sentry_sdk.set_tag("process", process)
    _initialised = (dsn, process)
    return True


def _init(sentry_sdk: Any, dsn: str, settings: Settings, integrations: list[Any]) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=settings.environment,
        release=settings.release_version,
        integrations=integrations,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=_scrub_breadcrumb,
        traces_sample_rate=0.0,
    )


def _dsn_configured() -> bool:
    if os.environ.get("SENTRY_DSN"):
        return True
    try:
        return "SENTRY_DSN" in Path(".env").read_text(errors="replace")
    except OSError:
        return False


def enabled() -> bool:
    return _initialised is not None


def _scrub_text(text: str) -> str:
    text = EMAIL_RE.sub("[email]", text)

    def phone(m: re.Match[str]) -> str:
        s = m.group(0)
        if ISO_DATE_RE.match(s.strip()) or sum(c.isdigit() for c in s) < 7:
            return s
        return "[phone]"

    return PHONE_RE.sub(phone, text)


def _scrub(value: Any, *, free_text: bool) -> Any:
    if isinstance(value, str):
        if free_text and len(value) > LONG_TEXT:
            return f"[redacted: {len(value)} characters of text]"
        return _scrub_text(value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            k = str(key).lower()
            if k in KEEP_KEYS:
                out[key] = item
            elif any(word in k for word in SENSITIVE_KEYS):
                out[key] = "[redacted]"
            else:
                out[key] = _scrub(item, free_text=free_text and k not in ("stacktrace", "frames"))
        return out
    if isinstance(value, list | tuple):
        return [_scrub(item, free_text=free_text) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: no e-mails, phone numbers, CV text or SQL parameters leave the process."""
    event.pop("user", None)
    event.pop("request", None)
    scrubbed = {}
    for key, value in event.items():
        if key in KEEP_KEYS:
            scrubbed[key] = value
        else:
            scrubbed[key] = _scrub(value, free_text=key in FREE_TEXT_SECTIONS)
    return scrubbed


def _scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    crumb = dict(crumb)
    if crumb.get("category") == "query":  # the statement is useful; its parameters may be anyone's data
        crumb.pop("data", None)
    return _scrub(crumb, free_text=False)


def _context(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def capture_final_failure(exc: BaseException | None, *, workflow_type: str, execution_id: str,
                          run_id: str | None, node: str | None, attempts: int, reason: str | None = None) -> None:
    """Report a workflow that failed for good (never a retried attempt), then flush.

    Called in RQ's work-horse, which leaves with ``os._exit``: without the flush the event would die
    with it. ``exc`` is None when there is no exception object (a killed work-horse).
    """
    log.error("workflow %s execution %s failed for good at %s after %s attempt(s)%s", workflow_type,
              execution_id, node, attempts, f": {reason}" if reason else "")
    if not enabled():
        return
    import sentry_sdk

    ctx = _context({"workflow_type": workflow_type, "execution_id": execution_id, "run_id": run_id,
                    "node": node, "attempts": attempts, "reason": reason})
    with sentry_sdk.new_scope() as scope:
        scope.set_context("workflow", ctx)
        scope.set_tag("alert", "workflow_failed")
        scope.set_tag("workflow_type", workflow_type)
        scope.set_tag("node", node or "start")
        scope.fingerprint = ["workflow_failed", workflow_type, node or "start"]
        if exc is not None:
            sentry_sdk.capture_exception(exc)
        else:
            sentry_sdk.capture_message(f"workflow {workflow_type} failed at {node or 'start'}: {reason}",
                                       level="error")
    sentry_sdk.flush(timeout=5)


def capture_alert(key: str, message: str, *, level: str = "warning", context: dict[str, Any] | None = None) -> None:
    """Send one alert as a Sentry message with its context (the caller has applied the rate limit)."""
    if not enabled():
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        scope.set_tag("alert", key.split(":", 1)[0])
        scope.set_tag("alert_key", key)
        scope.set_context("alert", _context({"key": key, **(context or {})}))
        scope.fingerprint = ["alert", key]
        sentry_sdk.capture_message(message, level=level)  # type: ignore[arg-type]
    sentry_sdk.flush(timeout=5)


def shutdown(timeout: float = 2.0) -> None:
    """Flush and close the client (tests, and processes that want to be sure events went out)."""
    global _initialised
    if _initialised is None:
        return
    import sentry_sdk

    sentry_sdk.get_client().close(timeout=timeout)
    _initialised = None
