"""The ``jobagent`` command: a thin face over ``jobagent.core``.

Heavy modules (SQLAlchemy, RQ, pypdf) are imported inside commands, so ``jobagent --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

app = typer.Typer(help="jobagent: profile CVs and run job searches on background workers.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
profile_app = typer.Typer(help="Create and inspect profiles.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")
sources_app = typer.Typer(help="Posting sources.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")

_announced = False


def _core() -> Any:
    """Import the core, saying once (on stderr, so --json stays clean) when the embedded default is used."""
    global _announced
    from jobagent import core
    from jobagent.config import get_settings

    settings = get_settings()
    if settings.embedded and not _announced:
        _announced = True
        typer.echo(f"jobagent: embedded mode (SQLite at {settings.effective_database_url.split('///')[-1]}, "
                   "workflows run in-process; set REDIS_URL and DATABASE_URL to use workers)", err=True)
    return core


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def _console() -> Any:
    from rich.console import Console

    return Console()


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        # Ids are meant to be copied into the next command: never truncate them.
        is_id = col.endswith("_id")
        table.add_column(col, no_wrap=is_id, min_width=36 if is_id else None, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    _console().print(table)


def _show_submissions(subs: list[Any], as_json: bool) -> None:
    if as_json:
        _print_json([s.as_dict() for s in subs] if len(subs) != 1 else subs[0].as_dict())
        return
    _table("Submitted", ["run_id", "execution_id", "task_id", "workflow", "queue", "status", "error"],
           [[s.run_id, s.execution_id, s.task_id, s.workflow_type, s.queue, s.status, s.error_message]
            for s in subs])
    for s in subs:
        typer.echo(f"status: jobagent status {s.run_id}")


def _show_status(st: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(st)
        return
    fields = [k for k in st if k != "result"]
    _table(f"Run {st['run_id']}", ["field", "value"], [[k, st[k]] for k in fields])
    if st.get("result"):
        _table("Result", ["key", "value"], [[k, v] for k, v in st["result"].items()])


def _follow(run_id: str, as_json: bool, watch: bool) -> dict[str, Any]:
    core = _core()
    if not watch or as_json:
        return core.wait_for(run_id)
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  console=_console()) as progress:
        bar = progress.add_task("pending", total=100)
        while True:
            st = core.get_status(run_id)
            progress.update(bar, completed=st["progress_percent"],
                            description=f"{st['status']} {st['current_node'] or ''}".strip())
            if st["status"] in ("completed", "failed"):
                return st
            import time

            time.sleep(0.5)


def _finish(st: dict[str, Any], as_json: bool) -> None:
    _show_status(st, as_json)
    if st["status"] == "failed":
        raise typer.Exit(1)


@profile_app.command("create")
def profile_create(
    name: str = typer.Option(..., "--name", help="Your full name."),
    email: str = typer.Option(..., "--email"),
    cv: list[str] = typer.Option(..., "--cv", help="A CV path or http(s) URL (PDF, DOCX, TXT, MD). Repeatable."),
    location: str | None = typer.Option(None, "--location", help="Overrides the location found in the CV."),
    premium: bool = typer.Option(False, "--premium", help="Premium profiles run on the high queue."),
    wait: bool = typer.Option(False, "--wait", help="Follow the run to its end."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Build a profile from one or more CVs."""
    sub = _core().submit_profiling(name, email, cv, location=location, premium=premium)
    if wait:
        _finish(_follow(sub.run_id, as_json, watch=True), as_json)
    else:
        _show_submissions([sub], as_json)


@profile_app.command("list")
def profile_list(limit: int = typer.Option(50, "--limit"), as_json: bool = typer.Option(False, "--json")) -> None:
    """List profiles, newest first."""
    rows = _core().list_profiles(limit=limit)
    if as_json:
        return _print_json(rows)
    _table("Profiles", ["profile_id", "name", "location", "premium", "years", "suggested titles"],
           [[p["profile_id"], p["name"], p["location"], p["premium"], p["years_experience"],
             ", ".join(p["suggested_titles"])] for p in rows])


@profile_app.command("show")
def profile_show(profile_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one profile."""
    p = _core().get_profile(profile_id)
    if as_json:
        return _print_json(p)
    _table(f"Profile {p['profile_id']}", ["field", "value"],
           [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in p.items()])


def _filters(companies: list[str], titles: list[str], remote_only: bool, max_age_days: int | None,
             min_salary: float | None) -> dict[str, Any]:
    return {"company_blocklist": companies, "title_exclusions": titles, "remote_only": remote_only,
            "max_age_days": max_age_days, "min_salary": min_salary}


@profile_app.command("filters")
def profile_filters(
    profile_id: str,
    exclude_company: list[str] = typer.Option([], "--exclude-company"),
    exclude_title: list[str] = typer.Option([], "--exclude-title"),
    remote_only: bool = typer.Option(False, "--remote-only"),
    max_age_days: int | None = typer.Option(None, "--max-age-days"),
    min_salary: float | None = typer.Option(None, "--min-salary"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Set the filters every search for this profile applies (replaces the previous ones)."""
    p = _core().set_profile_filters(
        profile_id, _filters(exclude_company, exclude_title, remote_only, max_age_days, min_salary))
    if as_json:
        return _print_json(p)
    _table(f"Filters of {profile_id}", ["filter", "value"], [[k, v] for k, v in p["filters"].items()])


@app.command()
def search(
    query: str | None = typer.Argument(None, help="What to search for, e.g. 'backend engineer'."),
    location: str | None = typer.Option(None, "--location"),
    profile: str | None = typer.Option(None, "--profile", help="Match against this profile."),
    from_profile: str | None = typer.Option(None, "--from-profile", help="One search per suggested title."),
    num_results: int = typer.Option(10, "--num-results"),
    max_screening: int = typer.Option(5, "--max-screening"),
    priority: str | None = typer.Option(None, "--priority", help="high or default."),
    feed: str | None = typer.Option(None, "--feed", help="A local JSON postings feed."),
    source: list[str] = typer.Option([], "--source", help="e.g. greenhouse:acme, lever:acme, remotive:python, "
                                     "arbeitnow, rss:URL, feed:PATH. Repeatable."),
    exclude_company: list[str] = typer.Option([], "--exclude-company", help="Never show this company."),
    exclude_title: list[str] = typer.Option([], "--exclude-title", help="Drop titles with this word/phrase."),
    remote_only: bool = typer.Option(False, "--remote-only"),
    max_age_days: int | None = typer.Option(None, "--max-age-days"),
    min_salary: float | None = typer.Option(None, "--min-salary"),
    wait: bool = typer.Option(False, "--wait"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Start a job search (or one per suggested title with --from-profile)."""
    from jobagent.errors import InvalidInput

    core = _core()
    opts = dict(num_results=num_results, max_screening=max_screening, priority=priority, feed=feed,
                sources=source or None,
                filters=_filters(exclude_company, exclude_title, remote_only, max_age_days, min_salary))
    if from_profile:
        if query or profile:
            raise InvalidInput("use either QUERY [--profile ID] or --from-profile ID, not both")
        subs = core.submit_searches_from_profile(from_profile, **opts)
    elif query:
        subs = [core.submit_job_search(query, location=location, profile_id=profile, **opts)]
    else:
        raise InvalidInput("give a QUERY or --from-profile ID")
    if wait:
        finals = [core.wait_for(s.run_id) for s in subs]
        if as_json:
            _print_json(finals if len(finals) > 1 else finals[0])
        else:
            for st in finals:
                _show_status(st, False)
                _show_matches(core.list_matches(st["run_id"]), st["run_id"])
        if any(st["status"] == "failed" for st in finals):
            raise typer.Exit(1)
    else:
        _show_submissions(subs, as_json)
    if any(s.error_message for s in subs):
        raise typer.Exit(1)


@app.command()
def status(run_id: str, as_json: bool = typer.Option(False, "--json"),
           watch: bool = typer.Option(False, "--watch", help="Show live progress until the run ends.")) -> None:
    """Show a run's status (read from the store)."""
    if watch:
        return _finish(_follow(run_id, as_json, watch=True), as_json)
    _show_status(_core().get_status(run_id), as_json)


@app.command()
def runs(status: str | None = typer.Option(None, "--status"), limit: int = typer.Option(20, "--limit"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """List recent runs."""
    rows = _core().list_runs(status=status, limit=limit)
    if as_json:
        return _print_json(rows)
    _table("Runs", ["run_id", "workflow", "query", "status", "node", "progress", "attempts", "queue", "created"],
           [[r["run_id"], r["workflow_type"], r["query"], r["status"], r["current_node"], f"{r['progress_percent']}%",
             r["attempts"], r["queue"], (r["created_at"] or "")[:19].replace("T", " ")] for r in rows])


def _salary(m: dict[str, Any]) -> str:
    low, high, cur = m.get("salary_min"), m.get("salary_max"), m.get("salary_currency") or ""
    if low is None and high is None:
        return ""
    span = "–".join(f"{v:,.0f}" for v in (low, high) if v is not None)
    return f"{span} {cur}".strip()


def _show_matches(rows: list[dict[str, Any]], run_id: str) -> None:
    _table(f"Matches for {run_id}", ["#", "score", "title", "company", "location", "remote", "salary", "link"],
           [[m["rank"], m["score"], m["title"], m["company"], m["location"], "yes" if m["remote"] else "",
             _salary(m), m["url"]] for m in rows])


@app.command()
def matches(run_id: str, as_json: bool = typer.Option(False, "--json"),
            open_report: bool = typer.Option(False, "--open", help="Print the report's path.")) -> None:
    """Show the postings a job search matched, best first, with why each was kept."""
    core = _core()
    if open_report:
        path = (core.get_status(run_id).get("result") or {}).get("report_path")
        if not path:
            from jobagent.errors import NotFound

            raise NotFound(f"run {run_id} has no report (yet)")
        return typer.echo(path)
    rows = core.list_matches(run_id)
    if as_json:
        return _print_json(rows)
    _show_matches(rows, run_id)
    for m in rows:
        typer.echo(f"{m['rank']}. {m['title']} at {m['company']}: " + "; ".join(m["reasons"]))


@app.command()
def queues(as_json: bool = typer.Option(False, "--json")) -> None:
    """Queue depths, workers and failed counts."""
    data = _core().queue_overview()
    if as_json:
        return _print_json(data)
    _table(f"Queues ({data['workers']} workers)", ["queue", "queued", "started", "scheduled", "failed", "workers"],
           [[q["queue"], q["queued"], q["started"], q["scheduled"], q["failed"], q["workers"]]
            for q in data["queues"]])


@app.command()
def worker(
    queues: str = typer.Option("high,default", "--queues", help="Comma-separated, in priority order."),
    burst: bool = typer.Option(False, "--burst", help="Stop when the queues are empty."),
    max_jobs: int | None = typer.Option(None, "--max-jobs", help="Stop after this many tasks."),
    maintenance_interval: int = typer.Option(600, "--maintenance-interval", hidden=True),
    worker_ttl: int = typer.Option(420, "--worker-ttl", hidden=True),
    job_monitoring_interval: int = typer.Option(30, "--job-monitoring-interval", hidden=True),
) -> None:
    """Run an RQ worker with jobagent's settings (JSON payloads, retries, time limits)."""
    import logging

    from jobagent.queue import make_worker
    from jobagent.store.session import prepare_for_forking
    from jobagent.workflows import preload

    preload()
    prepare_for_forking()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    names = [q.strip() for q in queues.split(",") if q.strip()]
    w = make_worker(names, maintenance_interval=maintenance_interval, worker_ttl=worker_ttl,
                    job_monitoring_interval=job_monitoring_interval)
    w.work(burst=burst, max_jobs=max_jobs, with_scheduler=True)


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """The sources a search uses when it names none, and the kinds --source accepts."""
    from jobagent.config import get_settings
    from jobagent.postings.sources import DEFAULT_BASE_URLS, KINDS

    settings = get_settings()
    data = {"default_sources": settings.default_sources(), "kinds": list(KINDS),
            "base_urls": {**DEFAULT_BASE_URLS, **settings.source_base_urls}}
    if as_json:
        return _print_json(data)
    _table("Default sources (JOBAGENT_SOURCES)", ["source"], [[s] for s in data["default_sources"]])
    _table("Source kinds", ["kind", "base URL"], [[k, data["base_urls"].get(k, "(local)")] for k in KINDS])


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply the schema migrations."""
    from jobagent.config import get_settings
    from jobagent.store.migrate import current_revision, upgrade

    upgrade(revision=revision)
    typer.echo(f"database at revision {current_revision()} ({get_settings().effective_database_url.split('@')[-1]})")


@app.command()
def demo(as_json: bool = typer.Option(False, "--json")) -> None:
    """Profile the bundled sample CV and run a job search on the bundled postings feed."""
    from importlib import resources

    core = _core()
    cv = str(resources.files("jobagent") / "data" / "sample_cv.md")
    sub = core.submit_profiling("Jane Doe", "jane.doe@example.com", [cv])
    prof = core.wait_for(sub.run_id)
    if prof["status"] != "completed":
        return _finish(prof, as_json)
    profile = prof["result"]
    title = (profile["suggested_titles"] or ["Software Engineer"])[0]
    search_sub = core.submit_job_search(title, profile_id=profile["profile_id"])
    st = core.wait_for(search_sub.run_id)
    found = core.list_matches(search_sub.run_id)
    if as_json:
        return _print_json({"profile": profile, "search": st, "matches": found})
    _table("Profile", ["field", "value"],
           [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in profile.items()])
    _show_matches(found, search_sub.run_id)
    typer.echo(f"report: {(st['result'] or {}).get('report_path')}")
    if st["status"] == "failed":
        _finish(st, as_json)


def main() -> None:
    from jobagent.errors import JobagentError

    try:
        app()
    except JobagentError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # infrastructure down: one line, not a traceback
        name = type(exc).__module__.split(".")[0]
        if name in ("redis", "sqlalchemy", "psycopg"):
            typer.echo(f"error: cannot reach {name}: {str(exc).splitlines()[0]}", err=True)
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
