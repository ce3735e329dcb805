"""``jobagent tokens create|list|revoke``: API tokens with an owner (issue 23 item 8).

The CLI on the box is the operator, so it manages every token. A token's secret is printed once, at
creation; the store keeps only its hash, so a lost token is revoked and created again.
"""

from __future__ import annotations

import typer

from jobagent.cli._app import HELP_MARKUP, PANEL_OPERATIONS, app
from jobagent.cli.render import Output, announce_store, output_options, print_table

tokens_app = typer.Typer(help="API tokens for the HTTP shim: each has an owner, who sees only their own data.",
                         no_args_is_help=True, rich_markup_mode=HELP_MARKUP)
app.add_typer(tokens_app, name="tokens", rich_help_panel=PANEL_OPERATIONS)


@tokens_app.command("create")
@output_options
def create(name: str = typer.Argument(..., help="The owner's name (letters, digits, . _ @ -)."),
           admin: bool = typer.Option(False, "--admin", help="See and change every owner's profiles and runs."),
           *, out: Output) -> None:
    """Create a token for NAME and print it once (only its hash is stored).

    What is created through the token belongs to NAME; a token without --admin sees only NAME's profiles,
    boards and runs. A revoked NAME may be created again: its owner keeps their data with a new secret.

    Examples:

        jobagent tokens create alice

        jobagent tokens create ops --admin --json
    """
    announce_store()
    from jobagent.api.tokens import create_token

    made = create_token(name, admin=admin)
    if out.machine:
        return out.item({"name": made.name, "token": made.token})
    typer.echo(made.token)
    typer.echo(f"token for {made.name}{' (admin)' if made.admin else ''}: store it now, it is not shown again",
               err=True)
    return None


@tokens_app.command("list")
@output_options
def list_(*, out: Output) -> None:
    """Every token by name: admin or not, when created, whether revoked. Never the secrets.

    Examples:

        jobagent tokens list --json
    """
    announce_store()
    from jobagent.api.tokens import list_tokens

    rows = list_tokens()
    if out.machine:
        return out.items(rows)
    print_table("API tokens", ["name", "admin", "created", "revoked"],
                [[t.name, "yes" if t.admin else "", (t.created_at or "")[:16].replace("T", " "),
                  (t.revoked_at or "")[:16].replace("T", " ")] for t in rows], flex=["name"])
    return None


@tokens_app.command("revoke")
@output_options
def revoke(name: str = typer.Argument(..., help="The token's name."), *, out: Output) -> None:
    """Revoke NAME's token: the shim refuses it from its next request, without a restart.

    Examples:

        jobagent tokens revoke alice
    """
    announce_store()
    from jobagent.api.tokens import revoke_token

    view = revoke_token(name)
    if out.machine:
        return out.item(view)
    typer.echo(f"revoked token {view.name}")
    return None
