"""The Typer apps every command module registers on, kept apart so modules don't import each other."""

from __future__ import annotations

import typer

app = typer.Typer(help="jobagent: profile CVs and run job searches on background workers.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
profile_app = typer.Typer(help="Create and inspect profiles.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
sources_app = typer.Typer(help="Posting sources.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
