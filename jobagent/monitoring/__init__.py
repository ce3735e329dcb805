"""Seeing and recovering: Sentry setup, rate-limited alerts, health checks, reconcile and retries.

Submodules are imported by what needs them (``jobagent.monitoring.sentry`` is light: the SDK itself is only
imported when ``SENTRY_DSN`` is set), so importing this package costs nothing.
"""
