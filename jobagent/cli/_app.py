"""The Typer apps every command module registers on, kept apart so modules don't import each other.

``--version`` and shell completion (``--install-completion`` / ``--show-completion``) live on the root app.
"""

from __future__ import annotations

from typing import Literal

import typer
from typer.core import TyperGroup


def _print_version(value: bool) -> None:
    """Eager: answers before any command runs, so it costs no store or queue import."""
    if value:
        from jobagent import __version__

        typer.echo(f"jobagent {__version__}")
        raise typer.Exit()


# The headings of ``jobagent --help`` (issue 29 §4): commands grouped by the task a user comes with.
PANEL_SEARCH = "Job search and board"
PANEL_PROFILES = "Profiles"
PANEL_SOURCES = "Sources"
PANEL_OPERATIONS = "Operations"

# The order of ``--help``: the panels in this order (Typer shows a panel where its first command is), each
# command by how often people reach for it; a command not named here goes last in its panel.
COMMAND_ORDER = ("search", "status", "runs", "matches", "letter", "board", "mark", "review", "demo",
                 "profile", "sources", "harvest",
                 "worker", "scheduler", "schedule", "serve", "monitor", "queues", "reconcile", "retry", "backup",
                 "db", "tokens", "dev")


class _TaskOrder(TyperGroup):
    """Lists the commands in ``COMMAND_ORDER`` rather than in the order their modules happen to import."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: rank.get(name, len(rank)))


# Markdown help: paragraphs reflow to the terminal, and the indented lines under "Examples:" stay verbatim.
HELP_MARKUP: Literal["markdown"] = "markdown"
app = typer.Typer(cls=_TaskOrder, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=True,
                  rich_markup_mode=HELP_MARKUP)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the jobagent version and exit.")) -> None:
    """jobagent: profile CVs and run job searches on background workers.

    Output: --json (an array for listings, an object for one item), --nl or --csv on every command that
    prints data. Exit codes: 0 success, 1 failure or infrastructure down (PostgreSQL, Redis), 2 usage (bad flag or
    value), 3 not found or invalid input.
    """


profile_app = typer.Typer(help="Create and inspect profiles.", no_args_is_help=True,
                          rich_markup_mode=HELP_MARKUP)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True, rich_markup_mode=HELP_MARKUP)
sources_app = typer.Typer(help="Posting sources.", no_args_is_help=True, rich_markup_mode=HELP_MARKUP)
app.add_typer(profile_app, name="profile", rich_help_panel=PANEL_PROFILES)
app.add_typer(db_app, name="db", rich_help_panel=PANEL_OPERATIONS)
app.add_typer(sources_app, name="sources", rich_help_panel=PANEL_SOURCES)
