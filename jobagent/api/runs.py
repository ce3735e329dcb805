"""Runs: submit profiling, job searches and other workflows, then follow them (status, list, wait).

Submitting always follows one order (``jobagent.submission``): validate, commit the Run and its
WorkflowExecution (``pending``), then enqueue; a failed enqueue marks the execution ``failed`` with the
reason. A single submission goes through ``jobagent.submission_groups``, which batches it with those other
threads make at the same moment (HTTP requests under gunicorn threads). Everything here is checked before
any row exists, and messages name fields, never CLI flags.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput
from jobagent.limits import MAX_LOCATION
from jobagent.redaction import redact_text
from jobagent.search_specs import check_letter_language, search_spec
from jobagent.store.lookup import find_execution, find_profile
from jobagent.store.models import Run, UserProfile, WorkflowExecution
from jobagent.store.session import session_scope
from jobagent.submission import (
    STATUSES,
    Submission,
    SubmissionSpec,
    _queue_for,
    ensure_schema,
    submit_specs,
)
from jobagent.submission_groups import submit_one  # issue 16 (h2): concurrent single submissions, one batch

__all__ = ["STATUSES", "RunStatus", "RunSummary", "Submission", "get_status", "list_runs", "submit_diagnostic",
           "submit_job_search", "submit_profiling", "submit_searches_from_profile", "submit_workflow", "wait_for"]


class _RunFields(BaseModel):
    """What every view of an execution carries; times are ISO 8601 text as stored (UTC)."""

    run_id: str
    execution_id: str
    workflow_type: str
    status: str  # pending | processing | completed | failed
    current_node: str | None
    progress_percent: int
    created_at: str | None
    started_at: str | None
    completed_at: str | None
    has_errors: bool
    error_message: str | None  # redacted: no URL secrets
    attempts: int
    queue: str


class RunStatus(_RunFields):
    """One run's status: the fields clients of the original HTTP API expect, plus the queue job's state."""

    result: dict[str, Any] | None  # only once completed
    task_status: str | None  # the RQ job state


class RunSummary(_RunFields):
    """A row of the run list: no result, no queue lookup (cheap for many rows)."""

    query: str | None


def _fields(ex: WorkflowExecution) -> dict[str, Any]:
    progress = 100 if ex.status == "completed" else (
        round(100 * ex.nodes_done / ex.nodes_total) if ex.nodes_total else 0)
    return {
        "run_id": ex.run_id, "execution_id": ex.id, "workflow_type": ex.workflow_type, "status": ex.status,
        "current_node": ex.current_node, "progress_percent": progress,
        "created_at": ex.created_at.isoformat() if ex.created_at else None,
        "started_at": ex.started_at.isoformat() if ex.started_at else None,
        "completed_at": ex.completed_at.isoformat() if ex.completed_at else None,
        "has_errors": ex.error_message is not None,
        "error_message": redact_text(ex.error_message) if ex.error_message else None,
        "attempts": ex.attempts, "queue": ex.queue,
    }


def import_submit_path() -> None:
    """Import now what a submission imports on its first call (about 400 modules: the CV intake and its URL
    check, the batched PostgreSQL path, RQ). The shim calls it when it builds its app: under ``jobagent
    serve --preload`` the master then imports them once, before forking, so no worker imports them under
    its first requests, and ``web.gunicorn_config`` freezes them with the rest of the app."""
    import jobagent.cv.intake
    import jobagent.cv.stored
    import jobagent.fetching
    import jobagent.queue
    import jobagent.submission_groups
    import jobagent.submission_pg  # noqa: F401


def submit_profiling(name: str, email: str, cv_sources: list[str], *, location: str | None = None,
                     premium: bool = False, priority: str | None = None,
                     settings: Settings | None = None, actor: Actor = OPERATOR) -> Submission:
    """Build a profile from CVs (paths or http(s) URLs); local files are read here, once. The run, and the
    profile it makes, belong to ``actor``.

    :param name: the person's name.
    :param email: their e-mail address (checked).
    :param cv_sources: CVs as local paths or http(s) URLs.
    :param location: where they look for work; None takes the CV's.
    :param premium: use the premium extraction when configured.
    :param priority: ``high`` or ``default`` queue; None for the default.

    Example::

        sub = submit_profiling("Ada Lovelace", "ada@example.org", ["cv.pdf"], location="London")
        profile_id = wait_for(sub.run_id).result["profile_id"]
    """
    from jobagent.cv.intake import intake_sources, validate_email, validate_name
    from jobagent.cv.stored import store_documents

    settings = settings or get_settings()
    checked_name, checked_email = validate_name(name), validate_email(email)
    # Issue 11 (h3): local files are read once here and their bytes stored; the worker never re-reads the path.
    sources, local_files = intake_sources(cv_sources, settings)
    ensure_schema(settings)
    where = location.strip() if location and location.strip() else None
    if where and len(where) > MAX_LOCATION:  # the column's limit, refused before any row exists
        raise InvalidInput(f"location is longer than {MAX_LOCATION} characters")
    context = {"name": checked_name, "email": checked_email, "cv_sources": sources,
               "cv_documents": store_documents(local_files), "location": where, "premium": premium}
    spec = SubmissionSpec("profiling", _queue_for(priority, premium), context, location=where, owner=actor.name)
    return submit_one(spec, settings)


def submit_diagnostic(*, sleep_seconds: float = 0.0, echo: str = "", priority: str | None = None,
                      settings: Settings | None = None) -> Submission:
    """A canary through the whole stack (queue, worker, store) with no domain work.

    :param sleep_seconds: how long the task sleeps in the worker.
    :param echo: text the task returns as its result.
    :param priority: ``high`` or ``default`` queue; None for the default.

    Example::

        sub = submit_diagnostic(echo="ping")
        print(wait_for(sub.run_id).result)
    """
    settings = settings or get_settings()
    spec = SubmissionSpec("diagnostic", _queue_for(priority, False), {"sleep_seconds": sleep_seconds, "echo": echo})
    return submit_one(spec, settings)


def submit_workflow(workflow_type: str, context: dict[str, Any], *, priority: str | None = None,
                    settings: Settings | None = None) -> Submission:
    """Submit a workflow registered by a plugin module (``JOBAGENT_WORKFLOW_MODULES``).

    :param workflow_type: the name a plugin module registered.
    :param context: the workflow's input, validated by its context model.
    :param priority: ``high`` or ``default`` queue; None for the default.

    Example::

        sub = submit_workflow("test_fail", {"fail_times": 1, "marker_dir": "/tmp/m"})
    """
    from jobagent.workflows import get_workflow

    settings = settings or get_settings()
    try:
        get_workflow(workflow_type).context_model.model_validate(context)
    except LookupError as exc:
        raise InvalidInput(str(exc)) from exc
    # A run for a profile belongs to it, so deleting the profile finds (and stops) it too (issue 23 §4).
    profile_id, owner = context.get("profile_id"), None
    if isinstance(profile_id, str):
        ensure_schema(settings)
        profile = _load_profile(profile_id, OPERATOR)  # plugins are submitted on the box, as the operator
        profile_id, owner = profile.id, profile.owner
    else:
        profile_id = None
    return submit_one(SubmissionSpec(workflow_type, _queue_for(priority, False), context, profile_id=profile_id,
                                     owner=owner), settings)


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
    refused at once (one line, an input error, no run) and workers on other hosts need no copy of the file."""
    from urllib.parse import urlsplit

    from jobagent.postings.harvest import harvest_source

    for spec in specs:
        kind, _, arg = spec.partition(":")
        if kind.strip().lower() == "feed" or (kind.strip().lower() == "rss"
                                             and urlsplit(arg.strip()).scheme.lower() not in ("http", "https")):
            harvest_source(spec, settings, raise_input_errors=True)


def _load_profile(profile_id: str, actor: Actor) -> UserProfile:
    """The profile, detached from its session (its columns stay readable: sessions don't expire on commit)."""
    with session_scope() as s:
        return find_profile(s, profile_id, actor=actor)


def submit_job_search(query: str, *, location: str | None = None, profile_id: str | None = None,
                      num_results: int = 10, max_screening: int = 5, priority: str | None = None,
                      feed: str | None = None, sources: list[str] | None = None,
                      filters: dict[str, Any] | None = None, radius_km: float | None = None,
                      settings: Settings | None = None, actor: Actor = OPERATOR,
                      letter_language: str | None = None) -> Submission:
    """One search: a query and a location (or a profile with one), over the postings store; ``radius_km`` is
    the commute radius (50 km when not given).

    ``letter_language`` (en, de, nl, fr, es, pt) writes every letter in that language; by default each
    letter is in its posting's language.

    :param query: what to look for (a title or keywords).
    :param location: where; None uses the profile's location.
    :param profile_id: the profile to match against (skills, titles, filters, board).
    :param num_results: how many matches to keep.
    :param max_screening: how many of the best matches get research and a letter.
    :param priority: ``high`` or ``default`` queue; None for the default.
    :param feed: a local postings file to harvest and search (tests, demos).
    :param sources: only these source specs (``greenhouse:acme``, ``feed:/path.json``).
    :param filters: filters for this search, on top of the profile's standing ones.
    :param radius_km: how far from ``location`` an on-site posting may be.
    :param letter_language: the letters' language (one of the six); None follows each posting.

    Example::

        sub = submit_job_search("backend engineer", location="Berlin", profile_id=profile_id, num_results=20)
        status = wait_for(sub.run_id)
    """
    if letter_language is not None:
        check_letter_language(letter_language)  # before a feed is harvested or a row is written
    settings = settings or get_settings()
    ensure_schema(settings)
    profile = _load_profile(profile_id, actor) if profile_id else None
    spec = search_spec(query, location, profile, num_results, max_screening, priority,
                       _check_sources(sources, feed, settings), filters, radius_km, owner=actor.name,
                       letter_language=letter_language)
    return submit_one(spec, settings)


def submit_searches_from_profile(profile_id: str, *, num_results: int = 10, max_screening: int = 5,
                                 priority: str | None = None, feed: str | None = None,
                                 sources: list[str] | None = None, filters: dict[str, Any] | None = None,
                                 radius_km: float | None = None, settings: Settings | None = None,
                                 actor: Actor = OPERATOR, letter_language: str | None = None) -> list[Submission]:
    """One search per suggested title; a profile that cannot search gets an error and no runs.

    :param profile_id: the profile whose suggested titles to search.
    :param num_results: how many matches each search keeps.
    :param max_screening: how many of the best matches get research and a letter.
    :param priority: ``high`` or ``default`` queue; None for the default.
    :param feed: a local postings file to harvest and search (tests, demos).
    :param sources: only these source specs.
    :param filters: filters for these searches, on top of the profile's standing ones.
    :param radius_km: how far from the profile's location an on-site posting may be.
    :param letter_language: the letters' language; None follows each posting.

    Example::

        subs = submit_searches_from_profile(profile_id, num_results=10)
        print([s.run_id for s in subs])
    """
    if letter_language is not None:
        check_letter_language(letter_language)
    settings = settings or get_settings()
    ensure_schema(settings)
    profile = _load_profile(profile_id, actor)
    if not profile.suggested_titles:
        raise InvalidInput(f"profile {profile_id} has no suggested job titles")
    checked = _check_sources(sources, feed, settings)
    specs = [search_spec(title, None, profile, num_results, max_screening, priority, checked, filters, radius_km,
                         letter_language=letter_language) for title in profile.suggested_titles]
    return submit_specs(specs, settings)


def get_status(run_or_execution_id: str, *, settings: Settings | None = None,
               actor: Actor = OPERATOR) -> RunStatus:
    """The status of an execution, or of a run's latest execution, read from the store.

    :param run_or_execution_id: a run id (its latest execution) or an execution id.

    Example::

        st = get_status(sub.run_id)
        print(st.status, st.current_node, st.progress_percent)
    """
    from jobagent.queue import task_status

    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id, actor=actor)
        return RunStatus(**_fields(ex), result=ex.result if ex.status == "completed" else None,
                         task_status=task_status(ex.task_id, settings))


def wait_for(run_id: str, *, timeout: float = 3600, poll: float = 0.5,
             settings: Settings | None = None, actor: Actor = OPERATOR) -> RunStatus:
    """Poll until the run completes or fails (or ``timeout`` seconds pass: then its status as it is).

    :param run_id: the run to wait for.
    :param timeout: give up after this many seconds and return the status as it is.
    :param poll: seconds between two reads of the status.

    Example::

        status = wait_for(sub.run_id, timeout=120)
        assert status.status in ("completed", "failed")
    """
    deadline = time.monotonic() + timeout
    while True:
        status = get_status(run_id, settings=settings, actor=actor)
        if status.status in ("completed", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(poll)


def list_runs(*, status: str | None = None, limit: int = 20,
              settings: Settings | None = None, actor: Actor = OPERATOR) -> list[RunSummary]:
    """The newest executions first, optionally only those in one status; a non-admin sees only its own.

    :param status: keep only executions in this status (``pending``, ``processing``, ``completed``, ``failed``).
    :param limit: at most this many, newest first.

    Example::

        for run in list_runs(status="failed", limit=5):
            print(run.run_id, run.error_message)
    """
    settings = settings or get_settings()
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    if limit < 1:
        raise InvalidInput("limit must be at least 1")
    ensure_schema(settings)
    with session_scope() as s:
        q = select(WorkflowExecution).order_by(WorkflowExecution.created_at.desc()).limit(limit)
        if status:
            q = q.where(WorkflowExecution.status == status)
        if actor.scope is not None:
            q = q.join(Run, Run.id == WorkflowExecution.run_id).where(Run.owner == actor.scope)
        return [RunSummary(**_fields(ex), query=(ex.context_snapshot or {}).get("query")) for ex in s.scalars(q)]
