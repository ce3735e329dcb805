"""Rate-limited alerts: to the log always, to Sentry when it is configured.

The limit lives in the ``alert_state`` table so every monitor process (one per host, a cron, an operator
at a shell) shares it. Claiming the right to send is one atomic upsert that only succeeds when the key is
new or its last send is older than the window: ``INSERT ... ON CONFLICT DO UPDATE ... WHERE
last_sent_at < cutoff RETURNING``. A check-then-insert would let two monitors both send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from jobagent.config import Settings, get_settings
from jobagent.monitoring.sentry import capture_alert
from jobagent.store.models import AlertState, utcnow
from jobagent.store.session import session_scope

log = logging.getLogger(__name__)

_LOG_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR, "fatal": logging.CRITICAL}


@dataclass(frozen=True)
class Alert:
    """One problem found by a check; ``key`` identifies it for the rate limit (e.g. ``queue_depth:high``)."""

    key: str
    message: str
    level: str = "warning"
    context: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "message": self.message, "level": self.level, "context": self.context}


def _insert(dialect: str) -> Any:
    """Both dialects spell the upsert the same way (ON CONFLICT ... DO UPDATE ... WHERE, RETURNING)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def claim(key: str, window_seconds: int, settings: Settings | None = None) -> bool:
    """Atomically take the right to send ``key`` now; False when it went out within the window.

    A refused claim counts the repeat in ``suppressed`` so the operator can see how noisy a key is.
    """
    settings = settings or get_settings()
    now = utcnow()
    cutoff = now - timedelta(seconds=window_seconds)
    with session_scope() as s:
        insert = _insert(s.get_bind().dialect.name)
        table = AlertState.__table__
        stmt = insert(table).values(key=key, last_sent_at=now, suppressed=0)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"last_sent_at": now, "suppressed": 0},
            where=table.c.last_sent_at < cutoff,
        ).returning(table.c.key)
        claimed = s.execute(stmt).first() is not None
        if not claimed:
            s.execute(update(AlertState).where(AlertState.key == key)
                      .values(suppressed=AlertState.suppressed + 1))
    return claimed


def send_alert(alert: Alert, settings: Settings | None = None) -> bool:
    """Log the alert and send it to Sentry unless the same key went out within the rate-limit window.

    Returns whether it was sent. The log line is written either way (marked as suppressed) so the local
    log stays complete even when Sentry is spared the repeats. When the database itself is down (which is
    then the alert) the limit fails open.
    """
    settings = settings or get_settings()
    try:
        sent = claim(alert.key, settings.alert_rate_limit_seconds, settings)
    except Exception:  # noqa: BLE001 - no database, no shared limit: a repeat beats a silent outage
        log.warning("alert %s: rate-limit state unavailable; sending anyway", alert.key, exc_info=True)
        sent = True
    level = _LOG_LEVELS.get(alert.level, logging.WARNING)
    log.log(level, "alert %s%s: %s", alert.key, "" if sent else " (rate-limited)", alert.message)
    if sent:
        capture_alert(alert.key, alert.message, level=alert.level, context=alert.context)
    return sent


def send_alerts(alerts: list[Alert], settings: Settings | None = None) -> list[str]:
    """Send each alert under its rate limit; returns the keys that actually went out."""
    return [a.key for a in alerts if send_alert(a, settings)]
