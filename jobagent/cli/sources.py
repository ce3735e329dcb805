"""``jobagent sources add`` and ``jobagent sources discover``: putting a board on the scheduled harvest
(issue 27 §3, §6). Thin over ``jobagent.api.sources``; ``sources list`` lives with ``harvest``."""

from __future__ import annotations

import typer

from jobagent.cli._app import sources_app
from jobagent.cli.render import Output, announce_store, output_options, print_table

_NO_CHECK = typer.Option(False, "--no-check", help="Add without asking the board first (it may not exist).")


@sources_app.command("add")
@output_options
def sources_add(spec: str = typer.Argument(..., help="A source spec, e.g. greenhouse:acme or jsonld:https://..."),
                no_check: bool = _NO_CHECK, *, out: Output) -> None:
    """Put a source on the scheduled harvest, after one request shows the board exists.

    Exit status: 3 when the board does not exist (it answered 404) or the spec is wrong; 1 when the board
    cannot be asked now (5xx, timeout): nothing is added then, and --no-check adds it anyway.

    Examples:

        jobagent sources add greenhouse:acme

        jobagent sources add lever:globex --no-check --json
    """
    announce_store()
    from jobagent.api.sources import add_source

    added = add_source(spec, check=not no_check).model_dump(mode="json")
    if out.machine:
        return out.item(added)
    state = "already scheduled" if added["already"] else "added to the scheduled harvest"
    seen = f" ({added['postings']} postings on the first page)" if added["checked"] else " (not checked)"
    typer.echo(f"{added['source']}: {state}{seen}")
    return None


@sources_app.command("discover")
@output_options
def sources_discover(url: str = typer.Argument(..., help="A company's careers page, e.g. https://acme.com/careers"),
                     add: bool = typer.Option(False, "--add", help="Add the first board found (checked first)."),
                     no_check: bool = _NO_CHECK, *, out: Output) -> None:
    """Name the applicant-tracking system behind a careers page and the source spec that reads it.

    Spots Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee, Personio, BambooHR and Workday
    links or embed scripts; a page with schema.org JobPosting markup only becomes jsonld:URL. Exit status 3
    when the page names nothing we can read.

    Examples:

        jobagent sources discover https://acme.com/careers

        jobagent sources discover https://acme.com/careers --add --json
    """
    from jobagent.api.sources import discover_source

    if add:
        announce_store()
    view = discover_source(url, add=add, check=not no_check).model_dump(mode="json")
    if out.machine:
        return out.item(view)
    print_table(f"Boards on {view['url']}", ["kind", "spec", "seen at"],
                [[f["kind"], f["spec"], f["evidence"]] for f in view["sources"]], flex=["spec", "seen at"])
    if view["added"]:
        added = view["added"]
        state = "already scheduled" if added["already"] else "added to the scheduled harvest"
        typer.echo(f"{added['source']}: {state}")
    else:
        typer.echo(f"add it with: jobagent sources add {view['sources'][0]['spec']}")
    return None
