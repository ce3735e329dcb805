"""The core API. The CLI, the HTTP shim and the scheduler are thin faces over these functions.

Submitting always follows one order: validate, commit the Run and its WorkflowExecution (``pending``),
then enqueue. If enqueuing fails, the execution is marked ``failed`` with the reason, so nothing is left
silently pending and nothing reaches Redis that Postgres does not know about.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput, NotFound
from jobagent.redaction import redact_text
from jobagent.store.models import Match, UserProfile, WorkflowExecution
from jobagent.store.session import session_scope
from jobagent.submission import (
    STATUSES,
    Submission,
    SubmissionSpec,
    _queue_for,
    ensure_schema,
    submit_specs,
)


def submit_profiling(name: str, email: str, cv_sources: list[str], *, location: str | None = None,
                     premium: bool = False, priority: str | None = None,
                     settings: Settings | None = None) -> Submission:
    from jobagent.cv.intake import intake_sources, validate_email, validate_name
    from jobagent.cv.stored import store_documents

    settings = settings or get_settings()
    checked_name, checked_email = validate_name(name), validate_email(email)
    # Issue 11 (h3): local files are read once here and their bytes stored; the worker never re-reads the path.
    sources, local_files = intake_sources(cv_sources, settings)
    ensure_schema(settings)
    context = {
        "name": checked_name,
        "email": checked_email,
        "cv_sources": sources,
        "cv_documents": store_documents(local_files),
        "location": location.strip() if location and location.strip() else None,
        "premium": premium,
    }
    spec = SubmissionSpec("profiling", _queue_for(priority, premium), context, location=context["location"])
    return submit_specs([spec], settings)[0]


def submit_diagnostic(*, sleep_seconds: float = 0.0, echo: str = "", priority: str | None = None,
                      settings: Settings | None = None) -> Submission:
    """A canary through the whole stack (queue, worker, store) with no domain work."""
    settings = settings or get_settings()
    spec = SubmissionSpec("diagnostic", _queue_for(priority, False), {"sleep_seconds": sleep_seconds, "echo": echo})
    return submit_specs([spec], settings)[0]


def submit_workflow(workflow_type: str, context: dict[str, Any], *, priority: str | None = None,
                    settings: Settings | None = None) -> Submission:
    """Submit a workflow registered by a plugin module (``JOBAGENT_WORKFLOW_MODULES``)."""
    from jobagent.workflows import get_workflow

    settings = settings or get_settings()
    try:
        get_workflow(workflow_type).context_model.model_validate(context)
    except LookupError as exc:
        raise InvalidInput(str(exc)) from exc
    return submit_specs([SubmissionSpec(workflow_type, _queue_for(priority, False), context)], settings)[0]


def _check_sources(sources: list[str] | None, feed: str | None, settings: Settings) -> list[str] | None:
    """Refuse an unknown source kind or a missing feed file now, before any row exists."""
    from pathlib import Path

    from jobagent.postings.sources import parse_source

    specs = list(sources or []) + ([f"feed:{feed}"] if feed else [])
    checked = []
    for spec in specs:
        parse_source(spec, settings=settings)
        kind, _, arg = spec.partition(":")
        if kind.strip().lower() == "feed":
            if not Path(arg.strip()).is_file():
                raise InvalidInput(f"postings feed not found: {arg.strip()}")
            spec = f"feed:{Path(arg.strip()).resolve()}"
        checked.append(spec)
    _harvest_local(checked, settings)
    return checked or None


def _harvest_local(specs: list[str], settings: Settings) -> None:
    """Issue 12: a user's own feed file is harvested here, in the submitting process, so a malformed one is
    refused at once (one line, exit 2, no run) and workers on other hosts need no copy of the file."""
    from urllib.parse import urlsplit

    from jobagent.postings.harvest import harvest_source

    for spec in specs:
        kind, _, arg = spec.partition(":")
        if kind.strip().lower() == "feed" or (kind.strip().lower() == "rss"
                                             and urlsplit(arg.strip()).scheme.lower() not in ("http", "https")):
            harvest_source(spec, settings, raise_input_errors=True)


def _check_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    if not filters:  # the common case, and the daily fan-out's: nothing to validate
        return {}
    from pydantic import ValidationError

    from jobagent.postings.filters import PostingFilters

    try:
        return PostingFilters.model_validate(filters or {}).model_dump(exclude_defaults=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(f"invalid filter {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def search_spec(query: str, location: str | None, profile: UserProfile | None, num_results: int,
                 max_screening: int, priority: str | None, sources: list[str] | None,
                 filters: dict[str, Any] | None = None) -> SubmissionSpec:
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("a search query is required")
    if not 1 <= num_results <= 1000:
        raise InvalidInput("--num-results must be between 1 and 1000")
    if not 1 <= max_screening <= num_results:
        raise InvalidInput("--max-screening must be between 1 and --num-results")
    location = location or (profile.location if profile else None)
    if not location:
        raise InvalidInput("a location is required (--location, or a profile with a location)")
    context = {"query": query, "location": location, "profile_id": profile.id if profile else None,
               "num_results": num_results, "max_screening": max_screening, "sources": sources,
               "filters": _check_filters(filters)}
    return SubmissionSpec("job_search", _queue_for(priority, bool(profile and profile.premium)), context,
                 profile_id=profile.id if profile else None, query=query, location=location)


def _load_profile(profile_id: str) -> UserProfile:
    with session_scope() as s:
        profile = s.get(UserProfile, profile_id)
        if profile is None:
            raise NotFound(f"profile {profile_id} not found")
        return profile


def submit_job_search(query: str, *, location: str | None = None, profile_id: str | None = None,
                      num_results: int = 10, max_screening: int = 5, priority: str | None = None,
                      feed: str | None = None, sources: list[str] | None = None,
                      filters: dict[str, Any] | None = None, settings: Settings | None = None) -> Submission:
    settings = settings or get_settings()
    ensure_schema(settings)
    profile = _load_profile(profile_id) if profile_id else None
    spec = search_spec(query, location, profile, num_results, max_screening, priority,
                        _check_sources(sources, feed, settings), filters)
    return submit_specs([spec], settings)[0]


def submit_searches_from_profile(profile_id: str, *, num_results: int = 10, max_screening: int = 5,
                                 priority: str | None = None, feed: str | None = None,
                                 sources: list[str] | None = None, filters: dict[str, Any] | None = None,
                                 settings: Settings | None = None) -> list[Submission]:
    """One search per suggested title; a profile that cannot search gets an error and no runs."""
    settings = settings or get_settings()
    ensure_schema(settings)
    profile = _load_profile(profile_id)
    if not profile.location:
        raise InvalidInput(f"profile {profile_id} has no location; set one before searching")
    if not profile.suggested_titles:
        raise InvalidInput(f"profile {profile_id} has no suggested job titles")
    checked = _check_sources(sources, feed, settings)
    specs = [search_spec(title, None, profile, num_results, max_screening, priority, checked, filters)
             for title in profile.suggested_titles]
    return submit_specs(specs, settings)


def _find_execution(s: Any, run_or_execution_id: str) -> WorkflowExecution:
    ex = s.get(WorkflowExecution, run_or_execution_id)
    if ex is None:
        ex = s.scalar(select(WorkflowExecution).where(WorkflowExecution.run_id == run_or_execution_id)
                      .order_by(WorkflowExecution.created_at.desc()).limit(1))
    if ex is None:
        raise NotFound(f"run {run_or_execution_id} not found")
    return ex


def _status_dict(ex: WorkflowExecution, *, with_task: bool, settings: Settings) -> dict[str, Any]:
    from jobagent.queue import task_status

    progress = 100 if ex.status == "completed" else (
        round(100 * ex.nodes_done / ex.nodes_total) if ex.nodes_total else 0)
    return {
        "run_id": ex.run_id,
        "execution_id": ex.id,
        "workflow_type": ex.workflow_type,
        "status": ex.status,
        "current_node": ex.current_node,
        "progress_percent": progress,
        "created_at": ex.created_at.isoformat() if ex.created_at else None,
        "started_at": ex.started_at.isoformat() if ex.started_at else None,
        "completed_at": ex.completed_at.isoformat() if ex.completed_at else None,
        "has_errors": ex.error_message is not None,
        "error_message": redact_text(ex.error_message) if ex.error_message else None,
        "result": ex.result if ex.status == "completed" else None,
        "task_status": task_status(ex.task_id, settings) if with_task else None,
        "attempts": ex.attempts,
        "queue": ex.queue,
    }


def get_status(run_or_execution_id: str, *, settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        return _status_dict(_find_execution(s, run_or_execution_id), with_task=True, settings=settings)


def wait_for(run_id: str, *, timeout: float = 3600, poll: float = 0.5,
             settings: Settings | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = get_status(run_id, settings=settings)
        if status["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(poll)


def list_runs(*, status: str | None = None, limit: int = 20,
              settings: Settings | None = None) -> list[dict[str, Any]]:
    settings = settings or get_settings()
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    if limit < 1:
        raise InvalidInput("--limit must be at least 1")
    ensure_schema(settings)
    with session_scope() as s:
        q = select(WorkflowExecution).order_by(WorkflowExecution.created_at.desc()).limit(limit)
        if status:
            q = q.where(WorkflowExecution.status == status)
        rows = []
        for ex in s.scalars(q):
            row = _status_dict(ex, with_task=False, settings=settings)
            row.pop("result")
            row.pop("task_status")
            row["query"] = (ex.context_snapshot or {}).get("query")
            rows.append(row)
        return rows


def list_matches(run_id: str, *, settings: Settings | None = None) -> list[dict[str, Any]]:
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        ex = _find_execution(s, run_id)
        matches = s.scalars(select(Match).where(Match.run_id == ex.run_id).order_by(Match.rank)).all()
        return [{
            "rank": m.rank, "score": round(m.score, 1), "title": m.posting.title, "company": m.posting.company,
            "location": m.posting.location, "remote": m.posting.remote, "url": m.posting.url,
            "salary_min": m.posting.salary_min, "salary_max": m.posting.salary_max,
            "salary_currency": m.posting.salary_currency,
            "reasons": list(m.reasons), "posting_id": m.posting_id, "has_cover_letter": bool(m.cover_letter),
        } for m in matches]


def set_profile_filters(profile_id: str, filters: dict[str, Any], *,
                        settings: Settings | None = None) -> dict[str, Any]:
    """Standing filters every search for this profile applies (replacing the previous ones)."""
    ensure_schema(settings)
    checked = _check_filters(filters)
    with session_scope() as s:
        profile = s.get(UserProfile, profile_id)
        if profile is None:
            raise NotFound(f"profile {profile_id} not found")
        profile.filters = checked
        return _profile_dict(profile)


def _profile_dict(p: UserProfile) -> dict[str, Any]:
    return {
        "profile_id": p.id, "name": p.name, "email": p.email, "location": p.location, "premium": p.premium,
        "skills": list(p.skills), "years_experience": p.years_experience, "titles_held": list(p.titles_held),
        "suggested_titles": list(p.suggested_titles), "cv_sources": list(p.cv_sources),
        "filters": dict(p.filters or {}),
        "created_at": p.created_at.isoformat(),
    }


def list_profiles(*, limit: int = 50, settings: Settings | None = None) -> list[dict[str, Any]]:
    ensure_schema(settings)
    with session_scope() as s:
        q = select(UserProfile).order_by(UserProfile.created_at.desc()).limit(limit)
        return [_profile_dict(p) for p in s.scalars(q)]


def get_profile(profile_id: str, *, settings: Settings | None = None) -> dict[str, Any]:
    ensure_schema(settings)
    return _profile_dict(_load_profile(profile_id))


def queue_overview(*, settings: Settings | None = None) -> dict[str, Any]:
    from jobagent.queue import queue_stats

    return queue_stats(settings)
