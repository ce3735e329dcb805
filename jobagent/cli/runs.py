"""Job searches and their runs: ``search``, ``status``, ``runs``, ``matches`` and ``demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from jobagent.cli._app import PANEL_SEARCH, app
from jobagent.cli._choices import LetterLanguage, Priority, RunState
from jobagent.cli._options import FILTERS_PANEL, filter_options
from jobagent.cli.render import (
    Output,
    announce_store,
    compact_salary,
    finish,
    follow,
    output_options,
    print_json,
    print_table,
    show_status,
    show_submissions,
)

if TYPE_CHECKING:
    from jobagent.api.postings import MatchView
    from jobagent.api.runs import RunStatus


def _positive_km(value: float | None) -> float | None:
    """A usage error (exit 2) before anything is submitted: 0, negative, NaN or infinite is no radius."""
    import math

    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"must be a positive distance in km, not {value}")
    return value


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
@filter_options
def search(
    query: str | None = typer.Argument(None, help="What to search for, e.g. 'backend engineer'."),
    location: str | None = typer.Option(None, "--location", help="Where the job is, e.g. 'Berlin' "
                                        "(default: the profile's; a profile with none gets remote postings "
                                        "open to anywhere; required without a profile)."),
    profile: str | None = typer.Option(None, "--profile", help="Match against this profile."),
    from_profile: str | None = typer.Option(None, "--from-profile", help="One search per suggested title."),
    num_results: int = typer.Option(10, "--num-results", help="How many matches to keep."),
    max_screening: int = typer.Option(5, "--max-screening", help="How many of them get a letter and "
                                      "research (1 to --num-results)."),
    priority: Priority | None = typer.Option(None, "--priority", help="Queue to run on (default: from the "
                                             "profile: premium profiles run on high)."),
    feed: str | None = typer.Option(None, "--feed", help="A local JSON postings feed."),
    source: list[str] = typer.Option([], "--source", help="e.g. greenhouse:acme, lever:acme, remotive:python, "
                                     "arbeitnow, rss:URL, feed:PATH. Repeatable."),
    employment_type: list[str] = typer.Option([], "--type", rich_help_panel=FILTERS_PANEL,
                                              help="Only this employment type: full-time, "
                                              "part-time, contract, temporary, apprenticeship, internship, "
                                              "working-student, volunteer, graduate. Repeatable. A trainee "
                                              "type also shows trainee posts to experienced profiles."),
    radius: float | None = typer.Option(None, "--radius", metavar="KM", callback=_positive_km,
                                        help="Commute radius in km for on-site postings (default 50)."),
    wait: bool = typer.Option(False, "--wait", help="Wait for the run(s) to end and show the matches."),
    letter_language: LetterLanguage | None = typer.Option(None, "--letter-language", case_sensitive=False,
                                                          help="Write every cover letter in this language "
                                                          "(default: the posting's)."),
    *,
    filters: dict[str, Any],
    out: Output,
) -> None:
    """Start a job search (or one per suggested title with --from-profile).

    With --json: one object for QUERY, an array with --from-profile (one item per title).

    Examples:

        jobagent search "backend engineer" --location Berlin --wait

        jobagent search --from-profile PROFILE_ID --remote-only --json

        jobagent search "Elektroniker" --location Köln --type apprenticeship

        jobagent search "Disponent" --profile PROFILE_ID --letter-language en
    """
    from jobagent.api import postings
    from jobagent.api import runs as api
    from jobagent.errors import InvalidInput

    announce_store()
    filters = {**filters, "employment_types": employment_type}
    if from_profile:
        if query or profile:
            raise InvalidInput("use either QUERY [--profile ID] or --from-profile ID, not both")
        subs = api.submit_searches_from_profile(from_profile, num_results=num_results, max_screening=max_screening,
                                                priority=priority, feed=feed, sources=source or None, filters=filters,
                                                radius_km=radius, letter_language=letter_language)
    elif query:
        subs = [api.submit_job_search(query, location=location, profile_id=profile, num_results=num_results,
                                      max_screening=max_screening, priority=priority, feed=feed,
                                      sources=source or None, filters=filters, radius_km=radius,
                                      letter_language=letter_language)]
    else:
        raise InvalidInput("give a QUERY or --from-profile ID")
    if wait:
        finals = [api.wait_for(s.run_id) for s in subs]
        if out.machine and from_profile:
            out.items(finals)
        elif out.machine:
            out.item(finals[0])
        elif from_profile:
            _show_searches(finals, {st.run_id: postings.list_matches(st.run_id) for st in finals})
        else:
            for st in finals:
                show_status(st, out)
                _show_matches(postings.list_matches(st.run_id), st.run_id)
        if any(st.status == "failed" for st in finals):
            raise typer.Exit(1)
    else:
        show_submissions(subs, out, listing=bool(from_profile))
    if any(s.error_message for s in subs):
        raise typer.Exit(1)


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
def status(run_id: str = typer.Argument(..., help="A run id (as printed by search, profile create, runs)."),
           watch: bool = typer.Option(False, "--watch", help="Show live progress until the run ends."),
           *, out: Output) -> None:
    """Show a run's status (read from the store).

    Examples:

        jobagent status RUN_ID --watch

        jobagent status RUN_ID --json
    """
    if watch:
        return finish(follow(run_id, out.machine, watch=True), out)
    from jobagent.api import runs as api

    announce_store()
    show_status(api.get_status(run_id), out)


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
def runs(status: RunState | None = typer.Option(None, "--status", help="Only runs in this state."),
         limit: int = typer.Option(20, "--limit", min=1, help="At most this many, newest first."),
         *, out: Output) -> None:
    """List recent runs, newest first (node, attempts and queue are in --json).

    Examples:

        jobagent runs --status failed

        jobagent runs --limit 100 --csv > runs.csv
    """
    from jobagent.api import runs as api

    announce_store()
    rows = [r.model_dump(mode="json") for r in api.list_runs(status=status, limit=limit)]
    if out.machine:
        return out.items(rows)
    print_table("Runs", ["run_id", "status", "done", "created", "query"],
                [[r["run_id"], r["status"], f"{r['progress_percent']}%", _when(r["created_at"]),
                  r["query"] or f"({r['workflow_type']})"] for r in rows], flex=["query"])


def _when(iso: str | None) -> str:
    """'2026-11-30T14:05:09' -> '11-30 14:05': the year and seconds cost columns a table cannot spare."""
    return (iso or "")[5:16].replace("T", " ")


BEST_ACROSS = 10  # --from-profile --wait: the best matches over all its runs, one table


def _show_searches(finals: list[RunStatus], found: dict[str, list[MatchView]]) -> None:
    """Several searches at once (issue 29 §3): one table of the runs and one of the best matches across them
    (a posting two titles found shows once, at its best), instead of a status and a match table per run."""
    print_table("Runs", ["run_id", "status", "matches", "best", "query"],
                [[st.run_id[:8], st.status, len(found[st.run_id]),
                  max((m.score for m in found[st.run_id]), default=""),
                  (st.result or {}).get("query") or st.error_message or ""] for st in finals],
                flex=["query"])
    best: dict[str, tuple[str, MatchView]] = {}
    for run_id, rows in found.items():
        for m in rows:
            if m.posting_id not in best or m.score > best[m.posting_id][1].score:
                best[m.posting_id] = (run_id, m)
    top = sorted(best.values(), key=lambda pair: -pair[1].score)[:BEST_ACROSS]
    if not top:
        return typer.echo("no matches")
    typer.echo("")
    print_table(f"Best matches across {len(finals)} searches", ["score", "title", "company", "location", "run", "#"],
                [[m.score, m.title, m.company, m.location, run_id[:8], m.rank] for run_id, m in top],
                flex=["title", "company", "location"])
    typer.echo("letter: jobagent letter RUN #   all matches of a run: jobagent matches RUN")
    return None


def _show_matches(rows: list[MatchView], run_id: str, reasons: bool = False) -> None:
    # No link column: a folded URL made every row seven lines tall at 80 columns; the link follows each
    # match's reasons (or its rank) below the table, and is in --json.
    print_table(f"Matches for {run_id}", ["#", "score", "title", "company", "location", "remote", "salary"],
           [[m.rank, m.score, m.title, m.company, m.location, "yes" if m.remote else "",
             compact_salary(m.salary_min, m.salary_max, m.salary_currency, m.salary_period, m.salary_text)]
            for m in rows], flex=["title", "company", "location"])
    if not reasons:
        for m in rows:
            if m.url:
                typer.echo(f"{m.rank}. {m.url}")


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
def matches(run_id: str = typer.Argument(..., help="The run id of a job search."),
            open_report: bool = typer.Option(False, "--open", help="Open the HTML report in the browser "
                                             "(prints its path when there is no browser)."),
            why_not: str | None = typer.Option(None, "--why-not", metavar="POSTING_ID", help="Say why this "
                                               "posting is not among the matches, with its score parts."),
            *, out: Output) -> None:
    """Show the postings a job search matched, best first, with why each was kept.

    Examples:

        jobagent matches RUN_ID

        jobagent matches RUN_ID --open

        jobagent matches RUN_ID --why-not POSTING_ID --json
    """
    from jobagent.api import postings
    from jobagent.api import runs as api

    announce_store()
    if why_not is not None:
        return _show_why_not(run_id, why_not, out)
    if open_report:
        result = api.get_status(run_id).result or {}
        path = result.get("html_report_path") or result.get("report_path")
        if not path:
            from jobagent.errors import NotFound

            raise NotFound(f"run {run_id} has no report (yet)")
        return _open_report(path)
    rows = postings.list_matches(run_id)
    if out.machine:
        return out.items(rows)
    _show_matches(rows, run_id, reasons=True)
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns  # COLUMNS, else the terminal, else 80
    for m in rows:  # wrapped at word boundaries: an 80-column terminal shows every reason whole
        typer.echo(textwrap.fill(f"{m.rank}. {m.title} at {m.company}: " + "; ".join(m.reasons),
                                 width=width, subsequent_indent="   ", break_long_words=False,
                                 break_on_hyphens=False))
        if m.url:
            typer.echo(f"   {m.url}")


def _show_why_not(run_id: str, posting_id: str, out: Output) -> None:
    from jobagent.api.why_not import why_not

    view = why_not(run_id, posting_id)
    if out.machine:
        return out.item(view)
    label = {"filtered": "hidden by the filters: ", "screened": "not a match: "}.get(view.fate, "")
    typer.echo(f"{view.title} at {view.company} ({view.posting_id}): {label}{view.reason}")
    if view.score is not None:
        parts = ", ".join(f"{name} {value:+.1f}" for name, value in view.score_parts.items())
        typer.echo(f"   score {view.score:.1f} = {parts}")
    return None


def _open_report(path: str) -> None:
    """The board (issue 14): open the report with ``webbrowser``; without a browser, the path is the answer."""
    import webbrowser
    from pathlib import Path

    if webbrowser.open(Path(path).resolve().as_uri()):
        typer.echo(f"opened {path}")
    else:
        typer.echo(path)


@app.command(rich_help_panel=PANEL_SEARCH)
def demo(as_json: bool = typer.Option(False, "--json", help="Print one object: the profile, the search "
                                      "run and its matches.")) -> None:
    """Profile the bundled sample CV and run a job search on the bundled postings feed.

    Examples:

        jobagent demo

        jobagent demo --json
    """
    from importlib import resources

    from jobagent.api import postings
    from jobagent.api import runs as api

    announce_store()
    cv = str(resources.files("jobagent") / "data" / "sample_cv.md")
    sub = api.submit_profiling("Jane Doe", "jane.doe@example.com", [cv])
    prof = api.wait_for(sub.run_id)
    if prof.status != "completed" or prof.result is None:
        return finish(prof, Output("json" if as_json else None))
    profile = prof.result
    title = (profile["suggested_titles"] or ["Software Engineer"])[0]
    search_sub = api.submit_job_search(title, profile_id=profile["profile_id"])
    st = api.wait_for(search_sub.run_id)
    found = postings.list_matches(search_sub.run_id)
    if as_json:
        return print_json({"profile": profile, "search": st.model_dump(mode="json"),
                           "matches": [m.model_dump(mode="json") for m in found]})
    print_table("Profile", ["field", "value"],
           [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in profile.items()], flex=["value"], wrap=True)
    _show_matches(found, search_sub.run_id)
    typer.echo(f"report: {(st.result or {}).get('report_path')}")
    if st.status == "failed":
        finish(st, Output("json" if as_json else None))
