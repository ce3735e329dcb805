"""The two single-submit routes as plain WSGI in front of Flask (issue 16, aim 3).

Why: ``POST /workflow/profiling`` and ``POST /workflow/job-search`` are the shim's hot path (a client
submitting many runs, the daily load). Measured under gunicorn's gthread worker, Flask's per-request
machinery (request and app contexts, URL matching over every route including rq-dashboard's, the session
interface, signals, the before/after hooks, the JSON provider and the Response object) cost about a quarter
of the worker's CPU per submission: as much as parsing, checking and submitting the request itself.

What stays the same: the route's work is ``web.api.accept_profiling`` / ``accept_job_search``, which
Flask's own routes call too, and every answer other than a 202 still comes from Flask:

- a request this path does not take (another method or path, no valid bearer token, no
  ``Content-Length`` or one over the body cap) goes to Flask untouched, which answers it (401, 413, ...)
  exactly as before;
- an error once the body was read (invalid JSON, a refused field, Redis or PostgreSQL away) is handed to
  Flask's error handlers in a request context for this very request, so its status and JSON body are those
  of every other route.

Only the body of a 202 is written here: the same compact JSON and content type as Flask's ``jsonify``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from jobagent.web.api import accept_job_search, accept_profiling
from jobagent.web.auth import actor_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

    from jobagent.api.tokens import Actor
    from jobagent.config import Settings

__all__ = ["SubmitRoutes"]

Accept = Callable[[bytes, "Settings", str, "Actor"], dict[str, Any]]
ROUTES: dict[str, Accept] = {"/workflow/profiling": accept_profiling, "/workflow/job-search": accept_job_search}


class SubmitRoutes:
    """WSGI middleware: ``app.wsgi_app = SubmitRoutes(app, settings)``; everything else reaches Flask."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self._app = app
        self._flask: WSGIApplication = app.wsgi_app
        self._settings = settings
        self._max_body = settings.web_max_body_bytes
        # Served at / and /api/ (Caddy forwards /api/* unchanged), as the blueprints are.
        self._routes = {f"{door}{path}": (accept, door) for path, accept in ROUTES.items() for door in ("", "/api")}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        route = self._routes.get(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        who = self._actor(environ) if route is not None else None
        if route is None or who is None:
            return self._flask(environ, start_response)
        length = self._length(environ)
        if length is None:
            return self._flask(environ, start_response)
        accept, door = route
        raw = environ["wsgi.input"].read(length) if length else b""
        prefix = environ.get("SCRIPT_NAME", "").rstrip("/") + door  # what Flask's routes put in status_url
        try:
            body = accept(raw, self._settings, prefix, who)
        except Exception as exc:  # answered by Flask's handlers, inside this ``except`` (they log exc_info)
            return self._flask_error(environ, start_response, raw, exc)
        data = f"{json.dumps(body, separators=(',', ':'))}\n".encode()  # ``jsonify``'s exact output
        start_response("202 ACCEPTED", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _actor(self, environ: WSGIEnvironment) -> Actor | None:
        """``auth.require_token``'s test on the raw header: whom the token stands for (the submission is
        theirs), or None, and Flask answers the request (401)."""
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return actor_for(token.strip(), self._settings)

    def _length(self, environ: WSGIEnvironment) -> int | None:
        """The body's declared length if this path may read it; None hands the request to Flask (chunked
        bodies, a malformed header, a body over ``MAX_CONTENT_LENGTH``: Flask's 413)."""
        declared = environ.get("CONTENT_LENGTH", "")
        if not declared.isdigit() or not declared.isascii():
            return None
        length = int(declared)
        return length if length <= self._max_body else None

    def _flask_error(self, environ: WSGIEnvironment, start_response: StartResponse, raw: bytes,
                     exc: Exception) -> Iterable[bytes]:
        """Flask's answer to ``exc`` for this request: its error handlers, ``after_request`` hooks and
        teardown, with the body put back so a handler may read it."""
        app = self._app
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        with app.request_context(environ):
            try:
                answer = app.handle_user_exception(exc)
            except Exception as unhandled:
                answer = app.handle_exception(unhandled)
            response = app.finalize_request(answer)
        return response(environ, start_response)
