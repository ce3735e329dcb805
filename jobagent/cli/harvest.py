"""``jobagent harvest`` and ``jobagent sources list``: the postings index's operator commands (issue 12)."""

from __future__ import annotations

import typer

from jobagent.cli._app import PANEL_SOURCES, app, sources_app
from jobagent.cli.render import Output, announce_store, output_options, print_table


@app.command(rich_help_panel=PANEL_SOURCES)
@output_options
def harvest(specs: list[str] = typer.Argument(None, help="Sources to harvest, e.g. greenhouse:acme or "
                                              "feed:postings.json (default: every configured one)."),
            *, out: Output) -> None:
    """Fetch sources into the postings store now: all pages, conditional requests, closing what vanished.

    Exit status: 3 when every failure is the source's input (a malformed feed), 1 when a board is down.

    Examples:

        jobagent harvest

        jobagent harvest greenhouse:acme lever:acme --json
    """
    announce_store()
    from jobagent.api.sources import harvest as run_harvest

    reports = [r.model_dump(mode="json") for r in run_harvest(list(specs or []))]
    if out.machine:
        out.items(reports)
    elif not reports:
        typer.echo("nothing to harvest: no source is scheduled (add one with 'jobagent sources add SPEC')")
    else:
        print_table("Harvest", ["source", "outcome", "pages", "requests", "seen", "new", "updated", "closed", "error"],
                    [[r["source"], r["outcome"], r["pages"], r["requests"], r["seen"], r["new"], r["updated"],
                      r["closed"], r["error"]] for r in reports], flex=["source", "error"])
    failed = [r for r in reports if r["outcome"] == "failed"]
    if failed:
        if not out.machine:
            for r in failed:
                typer.echo(f"error: {r['source']}: {r['error']}", err=True)
        # A malformed feed of the user's is an input error (3); a board that is down is an outside fault (1).
        raise typer.Exit(3 if all(r["permanent"] for r in failed) else 1)


def _next(value: str | None) -> str:
    """A time, "due now", or "one-off" for a source harvested for one search and not scheduled."""
    if value is None:
        return "one-off"
    return value if value == "due now" else value[5:16].replace("T", " ")


@sources_app.command("list")
@output_options
def sources_list(*, out: Output) -> None:
    """Each source's kind, last harvest, outcome, open and closed postings, and next harvest; and the kinds.

    "next" is "one-off" for a source named on a search (search --source) and never added.

    With --json: one object with "sources", "kinds" and "base_urls".

    Examples:

        jobagent sources list

        jobagent sources list --json
    """
    announce_store()
    from jobagent.api.sources import list_sources

    data = list_sources().model_dump(mode="json")
    if out.machine:
        return out.item(data)
    print_table("Sources", ["source", "kind", "last", "outcome", "open", "closed", "next", "error"],
                [[r["source"], r["kind"], (r["last_harvest_at"] or "")[5:16].replace("T", " "), r["outcome"], r["open"],
                  r["closed"], _next(r["next_harvest_at"]), r["error"]]
                 for r in data["sources"]], flex=["source", "error"])
    print_table("Source kinds", ["kind", "base URL"], [[k, data["base_urls"].get(k, "(local)")] for k in data["kinds"]],
                flex=["base URL"])
    return None
