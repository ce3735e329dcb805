"""The HTTP shim: a Flask app (run under gunicorn by ``jobagent serve``) over the core API (``jobagent.api``).

``create_app()`` is the WSGI factory (``gunicorn 'jobagent.web:create_app()'``). It serves the JSON API at
``/`` and ``/api/`` and rq-dashboard at ``/rq``; Caddy in front adds TLS, security headers, a body-size
cap and basic auth for ``/rq``.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask.typing import ResponseReturnValue
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from jobagent.config import Settings, get_settings
from jobagent.errors import (
    AmbiguousId,
    InvalidInput,
    JobagentError,
    NotFound,
    ServiceUnavailable,
    StoreRefused,
    translate,
)

log = logging.getLogger(__name__)

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from the settings (environment / .env) at call time, so tests can point it anywhere."""
    from jobagent.api import runs
    from jobagent.api.telemetry import init_telemetry
    from jobagent.web import board_routes
    from jobagent.web.api import api, error
    from jobagent.web.bodies import CappedBodies
    from jobagent.web.body_deadline import BodyDeadline
    from jobagent.web.dashboard import mount_dashboard
    from jobagent.web.submit_wsgi import SubmitRoutes

    settings = settings or get_settings()
    init_telemetry("web")  # Sentry; a no-op without SENTRY_DSN
    app = Flask(__name__)
    app.config.update(JOBAGENT_SETTINGS=settings, MAX_CONTENT_LENGTH=settings.web_max_body_bytes,
                      JSON_SORT_KEYS=False)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(api)
    app.register_blueprint(api, url_prefix="/api", name="api_prefixed")
    board_routes.register(app)  # the board (issue 14)
    _register_profile_routes(app)  # issue 13: PATCH/DELETE /profiles/{id}
    mount_dashboard(app, settings, error)
    # The two single-submit routes skip Flask's per-request machinery on success (issue 16, aim 3).
    app.wsgi_app = SubmitRoutes(app, settings)  # type: ignore[method-assign]
    # A chunked body gets a length within the cap, or one over it that Flask answers with 413 (issue 23 §11).
    app.wsgi_app = CappedBodies(app.wsgi_app, settings.web_max_body_bytes)  # type: ignore[method-assign]
    # Outermost: a body trickled byte by byte must not hold a thread past the deadline (issue 23, item 6),
    # including while CappedBodies reads a chunked one (its BodyTimeout is answered there).
    app.wsgi_app = BodyDeadline(app.wsgi_app, settings.web_body_timeout)  # type: ignore[method-assign]
    runs.import_submit_path()  # before gunicorn's --preload forks: see its docstring

    @app.errorhandler(ValidationError)
    def _invalid_body(exc: ValidationError) -> ResponseReturnValue:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        if any(e["type"] == "json_invalid" for e in errors):
            return error(400, "invalid_json", "the request body must be a JSON object")
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return error(422, "invalid_request", f"{where}: {first['msg']}",
                     errors=[{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors])

    @app.errorhandler(JobagentError)
    def _domain_error(exc: JobagentError) -> ResponseReturnValue:
        if isinstance(exc, NotFound):
            return error(404, "not_found", str(exc))
        if isinstance(exc, AmbiguousId):  # an id prefix several rows start with: the client picks one
            return error(409, "ambiguous_id", str(exc), candidates=exc.candidates)
        if isinstance(exc, ServiceUnavailable):  # EnqueueFailed, PostgreSQL or Redis away: retry later
            return error(503, "unavailable", str(exc))
        if isinstance(exc, StoreRefused):  # a value that passed every check but not the column: our bug
            log.error("the store refused a value: %s", exc, exc_info=exc)
            return error(500, "internal_error", "unexpected error; it has been logged")
        code = "invalid_input" if isinstance(exc, InvalidInput) else "error"
        return error(400, code, str(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        code = (exc.name or "error").lower().replace(" ", "_")
        return error(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        mapped = translate(exc)  # only what the error tree calls unavailable (a connection) is a 503
        if isinstance(mapped, ServiceUnavailable):
            log.warning("service unavailable: %s", str(mapped).splitlines()[0])
            return error(503, "unavailable", f"a backing service is unavailable ({type(exc).__name__}); retry later")
        if isinstance(mapped, JobagentError):
            return _domain_error(mapped)
        log.exception("unhandled error")
        return error(500, "internal_error", "unexpected error; it has been logged")

    return app


def _register_profile_routes(app: Flask) -> None:
    from jobagent.web.profile_routes import profiles

    app.register_blueprint(profiles)
    app.register_blueprint(profiles, url_prefix="/api", name="profiles_prefixed")
