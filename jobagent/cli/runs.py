"""Job searches and their runs: ``search``, ``status``, ``runs``, ``matches`` and ``demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from jobagent.cli._app import app
from jobagent.cli.render import (
    announce_store,
    compact_salary,
    filters_from_options,
    finish,
    follow,
    print_json,
    print_table,
    show_status,
    show_submissions,
)

if TYPE_CHECKING:
    from jobagent.api.postings import MatchView


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
    from jobagent.api import postings
    from jobagent.api import runs as api
    from jobagent.errors import InvalidInput

    announce_store()
    filters = filters_from_options(exclude_company, exclude_title, remote_only, max_age_days, min_salary)
    if from_profile:
        if query or profile:
            raise InvalidInput("use either QUERY [--profile ID] or --from-profile ID, not both")
        subs = api.submit_searches_from_profile(from_profile, num_results=num_results, max_screening=max_screening,
                                                priority=priority, feed=feed, sources=source or None, filters=filters)
    elif query:
        subs = [api.submit_job_search(query, location=location, profile_id=profile, num_results=num_results,
                                      max_screening=max_screening, priority=priority, feed=feed,
                                      sources=source or None, filters=filters)]
    else:
        raise InvalidInput("give a QUERY or --from-profile ID")
    if wait:
        finals = [api.wait_for(s.run_id) for s in subs]
        if as_json:
            dumped = [st.model_dump(mode="json") for st in finals]
            print_json(dumped if len(dumped) > 1 else dumped[0])
        else:
            for st in finals:
                show_status(st, False)
                _show_matches(postings.list_matches(st.run_id), st.run_id)
        if any(st.status == "failed" for st in finals):
            raise typer.Exit(1)
    else:
        show_submissions(subs, as_json)
    if any(s.error_message for s in subs):
        raise typer.Exit(1)


@app.command()
def status(run_id: str, as_json: bool = typer.Option(False, "--json"),
           watch: bool = typer.Option(False, "--watch", help="Show live progress until the run ends.")) -> None:
    """Show a run's status (read from the store)."""
    from jobagent.api import runs as api

    if watch:
        return finish(follow(run_id, as_json, watch=True), as_json)
    announce_store()
    show_status(api.get_status(run_id), as_json)


@app.command()
def runs(status: str | None = typer.Option(None, "--status"), limit: int = typer.Option(20, "--limit"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """List recent runs."""
    from jobagent.api import runs as api

    announce_store()
    rows = api.list_runs(status=status, limit=limit)
    if as_json:
        return print_json([r.model_dump(mode="json") for r in rows])
    print_table("Runs", ["run_id", "workflow", "query", "status", "node", "progress", "attempts", "queue", "created"],
           [[r.run_id, r.workflow_type, r.query, r.status, r.current_node, f"{r.progress_percent}%",
             r.attempts, r.queue, (r.created_at or "")[:19].replace("T", " ")] for r in rows])


def _show_matches(rows: list[MatchView], run_id: str, reasons: bool = False) -> None:
    # No link column: a folded URL made every row seven lines tall at 80 columns; the link follows each
    # match's reasons (or its rank) below the table, and is in --json.
    print_table(f"Matches for {run_id}", ["#", "score", "title", "company", "location", "remote", "salary"],
           [[m.rank, m.score, m.title, m.company, m.location, "yes" if m.remote else "",
             compact_salary(m.salary_min, m.salary_max, m.salary_currency)]
            for m in rows])
    if not reasons:
        for m in rows:
            if m.url:
                typer.echo(f"{m.rank}. {m.url}")


@app.command()
def matches(run_id: str, as_json: bool = typer.Option(False, "--json"),
            open_report: bool = typer.Option(False, "--open", help="Open the HTML report in the browser "
                                             "(prints its path when there is no browser).")) -> None:
    """Show the postings a job search matched, best first, with why each was kept."""
    from jobagent.api import postings
    from jobagent.api import runs as api

    announce_store()
    if open_report:
        result = api.get_status(run_id).result or {}
        path = result.get("html_report_path") or result.get("report_path")
        if not path:
            from jobagent.errors import NotFound

            raise NotFound(f"run {run_id} has no report (yet)")
        return _open_report(path)
    rows = postings.list_matches(run_id)
    if as_json:
        return print_json([m.model_dump(mode="json") for m in rows])
    _show_matches(rows, run_id, reasons=True)
    for m in rows:
        typer.echo(f"{m.rank}. {m.title} at {m.company}: " + "; ".join(m.reasons))
        if m.url:
            typer.echo(f"   {m.url}")


def _open_report(path: str) -> None:
    """The board (issue 14): open the report with ``webbrowser``; without a browser, the path is the answer."""
    import webbrowser
    from pathlib import Path

    if webbrowser.open(Path(path).resolve().as_uri()):
        typer.echo(f"opened {path}")
    else:
        typer.echo(path)


@app.command()
def demo(as_json: bool = typer.Option(False, "--json")) -> None:
    """Profile the bundled sample CV and run a job search on the bundled postings feed."""
    from importlib import resources

    from jobagent.api import postings
    from jobagent.api import runs as api

    announce_store()
    cv = str(resources.files("jobagent") / "data" / "sample_cv.md")
    sub = api.submit_profiling("Jane Doe", "jane.doe@example.com", [cv])
    prof = api.wait_for(sub.run_id)
    if prof.status != "completed" or prof.result is None:
        return finish(prof, as_json)
    profile = prof.result
    title = (profile["suggested_titles"] or ["Software Engineer"])[0]
    search_sub = api.submit_job_search(title, profile_id=profile["profile_id"])
    st = api.wait_for(search_sub.run_id)
    found = postings.list_matches(search_sub.run_id)
    if as_json:
        return print_json({"profile": profile, "search": st.model_dump(mode="json"),
                           "matches": [m.model_dump(mode="json") for m in found]})
    print_table("Profile", ["field", "value"],
           [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in profile.items()])
    _show_matches(found, search_sub.run_id)
    typer.echo(f"report: {(st.result or {}).get('report_path')}")
    if st.status == "failed":
        finish(st, as_json)
