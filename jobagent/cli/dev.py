"""``jobagent dev``: the whole local stack in one command, restarted when the code changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from jobagent.cli._app import PANEL_OPERATIONS, app

PACKAGE_DIR = Path(__file__).resolve().parent.parent


@app.command(rich_help_panel=PANEL_OPERATIONS)
def dev(
    web: bool = typer.Option(True, "--web/--no-web", help="Run the HTTP shim and dashboard (jobagent serve)."),
    scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler", help="Run jobagent scheduler."),
    queues: str = typer.Option("high,default", "--queues", help="Queues of the one dev worker."),
    port: int | None = typer.Option(None, "--port", help="Port of the HTTP shim (default: serve's own)."),
    watch: Path = typer.Option(PACKAGE_DIR, "--watch", exists=True, file_okay=False,
                               help="Restart the children when a *.py file under this directory changes."),
    no_watch: bool = typer.Option(False, "--no-watch", help="Never restart on file changes."),
    stop_timeout: float = typer.Option(10.0, "--stop-timeout", help="Seconds a child gets to stop before SIGKILL."),
    color: bool | None = typer.Option(None, "--color/--no-color", help="Colored prefixes (default: on a tty)."),
) -> None:
    """Run Redis, Postgres, a worker, the scheduler and the web shim locally; reload on code changes.

    Examples:

        jobagent dev

        jobagent dev --no-web --no-scheduler --queues default
    """
    from jobagent.devstack import run_dev

    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    code = run_dev(web=web, scheduler=scheduler, queues=queues, port=port, watch=None if no_watch else watch,
                   stop_timeout=stop_timeout, color=color)
    raise typer.Exit(code)
