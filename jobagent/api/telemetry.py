"""Error reporting start-up for a face or a process, apart from ``ops`` so that the CLI's every command
(``jobagent --version`` included) does not pay for importing the store to learn there is no SENTRY_DSN."""

from __future__ import annotations

__all__ = ["init_telemetry"]


def init_telemetry(component: str) -> None:
    """Error reporting (Sentry) for a face or process; a no-op without SENTRY_DSN.

    :param component: the face or process reporting (``cli``, ``web``, ``worker``).

    Example::

        init_telemetry("cli")
    """
    from jobagent.monitoring.sentry import init_sentry

    init_sentry(component)
