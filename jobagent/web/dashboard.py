"""rq-dashboard mounted at ``/rq`` inside the shim, read-only, behind proof of Caddy's basic auth.

rq-dashboard 0.9.0 has no CSRF protection, only weak basic auth and a stored-XSS report, and its
"requeue"/"compact" actions bypass the Postgres bookkeeping (the store would not know a job ran again).
So here it is a window, not a control panel: deletes are disabled by its own switch and every other
mutating endpoint is refused with 403 (use ``jobagent retry`` instead).

Access. Behind Caddy every request comes from 127.0.0.1, so "the peer is loopback" proves nothing: a
client once reached ``/rq`` through the password-free ``/api/*`` route with a ``SCRIPT_NAME`` header. The
app therefore asks for proof itself: either the secret header that Caddy adds only inside its
``basicauth``-protected ``/rq`` route (``JOBAGENT_DASHBOARD_PROXY_SECRET``; Caddy strips any copy a client
sends, on every route), or an admin API token (``API_TOKENS`` or ``jobagent tokens create --admin``; a user's
token would show every owner's tasks): as a bearer token, or as the password of HTTP basic auth so that a
browser on an SSH tunnel or under ``jobagent dev`` (no Caddy) gets a login prompt.

Scripts. The dashboard renders job fields into ``innerHTML`` unescaped, so its pages get a CSP without
``'unsafe-inline'`` for scripts: the one inline ``<script>`` block each page has (its content varies with
the page: poll interval, job id) is allowed by its sha256 hash, computed on the rendered page. Inline event
handlers such as ``onerror=`` never match a hash and do not run. ``'unsafe-eval'`` stays, because
underscore's ``_.template`` compiles the dashboard's templates with ``new Function``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from typing import Any

from flask import Flask, Response, request
from flask.typing import ResponseReturnValue

from jobagent.config import Settings
from jobagent.web.auth import actor_for, bearer_token

log = logging.getLogger(__name__)

PREFIX = "/rq"
BLUEPRINT = "rq_dashboard"
# Endpoints that change Redis; the dashboard's pages and its *.json reads stay available.
MUTATING = {"delete_job_view", "requeue_job_view", "requeue_all", "empty_queue", "compact_queue"}
# Set by Caddy's /rq route after basicauth (Caddyfile: header_up); deleted from client requests on every route.
PROXY_SECRET_HEADER = "X-Jobagent-Dashboard-Secret"
# Shorter secrets are ignored, so Caddy's placeholder for an unset secret can never match one.
MIN_SECRET_LENGTH = 16

_SCRIPT_OPEN = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script", re.IGNORECASE)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_CSP_HTML = ("default-src 'self'; script-src 'self' 'unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_CSP_OTHER = "default-src 'none'; frame-ancestors 'none'"


def proxy_secret_is_valid(given: str | None, secret: str) -> bool:
    """Constant-time check of the header Caddy adds after basicauth; an unset or short secret never matches."""
    if len(secret) < MIN_SECRET_LENGTH or not given:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-...'``) for each executable inline ``<script>`` of a rendered page.

    ``<script src=...>`` is covered by ``'self'``; ``type="text/template"`` blocks are data, not script.
    """
    hashes = []
    for opening in _SCRIPT_OPEN.finditer(html):  # two plain searches per script: a lazy .*? regex was 5x slower
        closing = _SCRIPT_CLOSE.search(html, opening.end())
        attrs, body = opening.group(1), html[opening.end():closing.start() if closing else len(html)]
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        kind = _SCRIPT_TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in _JS_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return list(dict.fromkeys(hashes))


def content_security_policy(response: Response) -> str:
    """The policy for one dashboard response: hashes of its own inline scripts for HTML, nothing for the rest."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return _CSP_OTHER
    hashes = inline_script_hashes(response.get_data(as_text=True))
    return _CSP_HTML.format(hashes="".join(f" {h}" for h in hashes))


def _admin(token: str | None, settings: Settings) -> bool:
    """Only admin tokens open the dashboard: it shows every owner's tasks (issue 23 item 8)."""
    found = actor_for(token, settings) if token else None
    return found is not None and found.admin


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
    secret = settings.dashboard_proxy_secret
    if secret and len(secret) < MIN_SECRET_LENGTH:
        log.warning("JOBAGENT_DASHBOARD_PROXY_SECRET is shorter than %d characters and is ignored: "
                    "/rq answers only to bearer tokens", MIN_SECRET_LENGTH)

    @app.before_request
    def _guard_dashboard() -> ResponseReturnValue | None:
        if request.blueprint != BLUEPRINT:
            return None
        through_caddy = proxy_secret_is_valid(request.headers.get(PROXY_SECRET_HEADER), secret)
        basic = request.authorization.password if request.authorization else None
        if not (through_caddy or _admin(bearer_token(request), settings) or _admin(basic, settings)):
            response = app.make_response(error(401, "unauthorized",
                                               "the dashboard needs Caddy's basic auth (/rq) or an admin API token"))
            response.headers["WWW-Authenticate"] = 'Basic realm="jobagent dashboard: any user, an admin API token"'
            return response
        endpoint = (request.endpoint or "").rpartition(".")[2]
        if endpoint in MUTATING:
            return error(403, "forbidden", "the dashboard is read-only here; use `jobagent retry`")
        return None

    @app.after_request
    def _dashboard_csp(response: Response) -> Response:
        if request.blueprint == BLUEPRINT:
            response.headers["Content-Security-Policy"] = content_security_policy(response)
        return response

    return True
