"""``jobagent harvest`` and ``jobagent sources list``: the postings index's operator commands (issue 12)."""

from __future__ import annotations

import typer

from jobagent.cli._app import app, sources_app
from jobagent.cli.render import announce_store, print_json, print_table


@app.command()
def harvest(specs: list[str] = typer.Argument(None, help="Sources to harvest (default: every configured one)."),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Fetch sources into the postings store now: all pages, conditional requests, closing what vanished."""
    announce_store()
    from jobagent.api.sources import harvest as run_harvest

    reports = run_harvest(list(specs or []))
    if as_json:
        print_json([r.model_dump(mode="json") for r in reports])
    else:
        print_table("Harvest", ["source", "outcome", "pages", "requests", "seen", "new", "updated", "closed", "error"],
                    [[r.source, r.outcome, r.pages, r.requests, r.seen, r.new, r.updated, r.closed, r.error]
                     for r in reports])
    failed = [r for r in reports if r.outcome == "failed"]
    if failed:
        if not as_json:
            for r in failed:
                typer.echo(f"error: {r.source}: {r.error}", err=True)
        # A malformed feed of the user's is an input error (2); a board that is down is an outside fault (1).
        raise typer.Exit(2 if all(r.permanent for r in failed) else 1)


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Each source's last harvest, outcome, open and closed postings, and next harvest; and the kinds."""
    announce_store()
    from jobagent.api.sources import list_sources

    data = list_sources()
    if as_json:
        return print_json(data.model_dump(mode="json"))
    print_table("Sources", ["source", "last harvest", "outcome", "open", "closed", "next harvest", "error"],
                [[r.source, (r.last_harvest_at or "")[:19].replace("T", " "), r.outcome, r.open,
                  r.closed, (r.next_harvest_at or "")[:19].replace("T", " "), r.error]
                 for r in data.sources])
    print_table("Source kinds", ["kind", "base URL"], [[k, data.base_urls.get(k, "(local)")] for k in data.kinds])
