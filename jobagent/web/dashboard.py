"""rq-dashboard mounted at ``/rq`` inside the shim, read-only.

rq-dashboard 0.9.0 has no CSRF protection, only weak basic auth and a stored-XSS report, and its
"requeue"/"compact" actions bypass the Postgres bookkeeping (the store would not know a job ran again).
So here it is a window, not a control panel: deletes are disabled by its own switch and every other
mutating endpoint is refused with 403 (use ``jobagent retry`` instead). Access: Caddy's ``basicauth`` is
the gate for browsers; the app itself lets a request in only from loopback (that is, through Caddy or an
SSH tunnel) or with a valid bearer token, so a shim bound to a public address does not expose it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue

from jobagent.config import Settings
from jobagent.web.auth import bearer_token, is_loopback, token_is_valid

PREFIX = "/rq"
BLUEPRINT = "rq_dashboard"
# Endpoints that change Redis; the dashboard's pages and its *.json reads stay available.
MUTATING = {"delete_job_view", "requeue_job_view", "requeue_all", "empty_queue", "compact_queue"}


def mount_dashboard(app: Flask, settings: Settings, error: Any) -> bool:
    """Register the dashboard blueprint; False (and nothing mounted) in embedded mode, which has no Redis."""
    if not settings.redis_url:
        return False
    import rq_dashboard
    from rq.serializers import JSONSerializer
    from rq_dashboard.web import config as dashboard_config
    from rq_dashboard.web import setup_rq_connection

    dashboard_config.serializer = JSONSerializer  # jobagent's payloads are JSON, never pickle
    app.config.update(RQ_DASHBOARD_REDIS_URL=settings.redis_url, RQ_DASHBOARD_DISABLE_DELETE=True,
                      RQ_DASHBOARD_POLL_INTERVAL=2500)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=PREFIX)
    setup_rq_connection(app)
    tokens = settings.api_token_list()

    @app.before_request
    def _guard_dashboard() -> ResponseReturnValue | None:
        if request.blueprint != BLUEPRINT:
            return None
        if not (is_loopback(request.remote_addr) or token_is_valid(bearer_token(request), tokens)):
            return error(401, "unauthorized", "the dashboard is open on loopback (behind Caddy) or with a token")
        endpoint = (request.endpoint or "").rpartition(".")[2]
        if endpoint in MUTATING:
            return error(403, "forbidden", "the dashboard is read-only here; use `jobagent retry`")
        return None

    return True
