"""The JSON routes: the same core API calls (``jobagent.api``) as the CLI, with JSON in and out.

Every route is served twice, at ``/...`` and at ``/api/...``: Caddy forwards ``/api/*`` unchanged, so the
``status_url`` a client gets back is the one it can follow through the same door it came in by, and a
direct call to gunicorn (tests, an SSH tunnel) works without the prefix.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from jobagent.api import ops, postings, profiles, runs
from jobagent.api.tokens import Actor
from jobagent.config import Settings
from jobagent.errors import InvalidInput
from jobagent.web.auth import actor_for, bearer_token
from jobagent.web.schemas import FromProfileRequest, JobSearchRequest, ProfilingRequest

api = Blueprint("api", __name__)
OPEN_ENDPOINTS = {"health"}
# Rough wall-clock estimates once a worker picks the run up; clients use them to pace their polling.
TYPICAL_SECONDS = {"profiling": 30, "job_search": 120}

Body = TypeVar("Body", bound=BaseModel)


def _settings() -> Settings:
    return current_app.config["JOBAGENT_SETTINGS"]


def error(status: int, code: str, detail: str, **extra: Any) -> tuple[Response, int]:
    """Every error the shim sends has this shape, so clients need one parser."""
    return jsonify({"error": code, "detail": detail, **extra}), status


def require_token() -> ResponseReturnValue | None:
    """Every blueprint's ``before_request``: a valid bearer token, except on the open endpoints; the actor
    it stands for is kept in ``g.actor`` for the route (``actor()``)."""
    if (request.endpoint or "").rpartition(".")[2] in OPEN_ENDPOINTS:
        return None
    found = actor_for(bearer_token(request), _settings())
    if found is not None:
        g.actor = found
        return None
    return (*error(401, "unauthorized", "a valid 'Authorization: Bearer TOKEN' header is required"),
            {"WWW-Authenticate": 'Bearer realm="jobagent"'})


api.before_request(require_token)


def actor() -> Actor:
    """Whom this request's token belongs to (set by ``require_token``); every core call is scoped by it."""
    found: Actor = g.actor
    return found


def _parse(model: type[Body]) -> Body:
    """Validate the raw body in one pass (pydantic parses the JSON itself, strictly)."""
    return model.model_validate_json(request.get_data(cache=False) or b"")


def _screening(num_results: int, max_screening: int | None) -> int:
    """Screen 5 by default, but never more than were asked for (the CLI's rule, minus its flag names)."""
    return max_screening if max_screening is not None else min(5, num_results)


def _prefix() -> str:
    return request.script_root + ("/api" if request.path.startswith("/api/") else "")


def _accepted(sub: runs.Submission, prefix: str) -> dict[str, Any]:
    eta = datetime.now(UTC) + timedelta(seconds=TYPICAL_SECONDS.get(sub.workflow_type, 60))
    body = {
        "run_id": sub.run_id, "execution_id": sub.execution_id, "task_id": sub.task_id,
        "workflow_type": sub.workflow_type, "queue": sub.queue, "status": sub.status,
        "status_url": f"{prefix}/workflow/status/{sub.run_id}",
        "estimated_completion_time": None if sub.error_message else eta.isoformat(),
    }
    if sub.error_message:
        body["error_message"] = sub.error_message
    return body


@api.get("/health")
def health() -> ResponseReturnValue:
    """Open (no token): load balancers and uptime checks call it. 503 names what is down."""
    report = ops.health(settings=_settings())
    return jsonify(report.model_dump(mode="json")), 200 if report.healthy else 503


def accept_profiling(raw: bytes, settings: Settings, prefix: str, who: Actor) -> dict[str, Any]:
    """``POST /workflow/profiling``: the request body in, the 202 body out (Flask's route and the WSGI fast
    path in ``submit_wsgi`` both call this, so the two doors cannot drift apart)."""
    body = ProfilingRequest.model_validate_json(raw or b"")
    for url in body.cv_urls:  # the shim must never read files from its own disk on a client's behalf
        if not url.strip().lower().startswith(("http://", "https://")):
            raise InvalidInput(f"refused CV {url!r}: cv_urls must be http(s) URLs")
    sub = runs.submit_profiling(body.name, body.email, body.cv_urls, location=body.location,
                                premium=body.premium, settings=settings, actor=who)
    return _accepted(sub, prefix)


def accept_job_search(raw: bytes, settings: Settings, prefix: str, who: Actor) -> dict[str, Any]:
    """``POST /workflow/job-search``, as ``accept_profiling``."""
    body = JobSearchRequest.model_validate_json(raw or b"")
    sub = runs.submit_job_search(body.query, location=body.location, profile_id=body.profile_id,
                                 num_results=body.num_results,
                                 max_screening=_screening(body.num_results, body.max_screening),
                                 priority=body.priority, radius_km=body.radius_km, settings=settings, actor=who,
                                 letter_language=body.letter_language,
                                 filters=body.filters.as_filters() if body.filters else None)
    return _accepted(sub, prefix)


@api.post("/workflow/profiling")
def submit_profiling() -> ResponseReturnValue:
    return jsonify(accept_profiling(request.get_data(cache=False), _settings(), _prefix(), actor())), 202


@api.post("/workflow/job-search")
def submit_job_search() -> ResponseReturnValue:
    return jsonify(accept_job_search(request.get_data(cache=False), _settings(), _prefix(), actor())), 202


@api.post("/workflow/job-search/from-profile")
def submit_from_profile() -> ResponseReturnValue:
    body = _parse(FromProfileRequest)
    settings = _settings()
    subs = runs.submit_searches_from_profile(body.profile_id, num_results=body.num_results,
                                             max_screening=_screening(body.num_results, body.max_screening),
                                             settings=settings, actor=actor(), letter_language=body.letter_language,
                                             radius_km=body.radius_km,
                                             filters=body.filters.as_filters() if body.filters else None)
    profile = profiles.get_profile(body.profile_id, settings=settings, actor=actor())
    titles = list(profile.suggested_titles)
    accepted = [{"job_title": title, **_accepted(sub, _prefix())} for title, sub in zip(titles, subs, strict=False)]
    return jsonify({"profile_id": profile.profile_id, "location": profile.location,
                    "job_titles_count": len(titles), "job_titles": titles, "runs": accepted}), 202


@api.get("/workflow/status/<run_id>")
def status(run_id: str) -> ResponseReturnValue:
    return jsonify(runs.get_status(run_id, settings=_settings(), actor=actor()).model_dump(mode="json"))


def _limit(default: int) -> int:
    text = request.args.get("limit", str(default)).strip()
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= 1000:
        raise InvalidInput("limit must be a whole number between 1 and 1000")
    return int(text)


@api.get("/workflow/runs")
def run_list() -> ResponseReturnValue:
    """The newest executions, the caller's own only (all for an admin token); ``status`` and ``limit``."""
    rows = runs.list_runs(status=request.args.get("status") or None, limit=_limit(20), settings=_settings(),
                          actor=actor())
    return jsonify([r.model_dump(mode="json") for r in rows])


@api.get("/profiles")
def profile_list() -> ResponseReturnValue:
    """The caller's profiles, newest first (all for an admin token); ``limit``."""
    rows = profiles.list_profiles(limit=_limit(50), settings=_settings(), actor=actor())
    return jsonify([p.model_dump(mode="json") for p in rows])


@api.get("/profiles/<profile_id>")
def profile(profile_id: str) -> ResponseReturnValue:
    return jsonify(profiles.get_profile(profile_id, settings=_settings(), actor=actor()).model_dump(mode="json"))


@api.get("/runs/<run_id>/matches/<posting_id>/letter")
def match_letter(run_id: str, posting_id: str) -> ResponseReturnValue:
    """One match's cover letter (issue 29 §1): 200 with ``cover_letter`` (null and ``letter_missing`` saying why
    when there is none); 404 for an unknown run or a posting that is not among its matches."""
    return jsonify(postings.letter(run_id, posting_id, settings=_settings(), actor=actor()).model_dump(mode="json"))
