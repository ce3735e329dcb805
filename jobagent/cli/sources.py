"""``jobagent sources add``: putting a board on the scheduled harvest (issue 27 §6). Thin over
``jobagent.api.sources``; ``sources list`` lives with ``harvest``."""

from __future__ import annotations

import typer

from jobagent.cli._app import sources_app
from jobagent.cli.render import Output, announce_store, output_options

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

