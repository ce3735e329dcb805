"""The ``jobagent`` command: a thin face over the core API (``jobagent.api``).

Each module registers its commands on the shared Typer apps; importing them here is what assembles the CLI.
"""

from __future__ import annotations

import sys

import typer

from jobagent.cli import (  # noqa: F401  (importing a module registers its commands)
    backup,
    board,  # the board (issue 14): board, mark, review
    dev,
    harvest,  # postings index (issue 12): harvest, sources list
    monitoring,
    operations,
    profiles,
    runs,
    scheduler,
    web,
)
from jobagent.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    from jobagent.api.ops import init_telemetry

    init_telemetry("cli")  # Sentry; a no-op without SENTRY_DSN
    from jobagent.errors import JobagentError, ServiceUnavailable, translate

    try:
        app()
    except Exception as exc:
        # Exit codes follow the error tree: our infrastructure away (PostgreSQL, Redis) is 1, like any
        # service failure; everything the user can fix (input, unknown id, refused URL) is 2.
        mapped = translate(exc)
        if isinstance(mapped, ServiceUnavailable):
            typer.echo(f"error: {mapped}", err=True)
            sys.exit(1)
        if isinstance(mapped, JobagentError):
            typer.echo(f"error: {mapped}", err=True)
            sys.exit(2)
        service = {"redis": "Redis", "sqlalchemy": "the database", "psycopg": "PostgreSQL"}.get(
            type(exc).__module__.split(".")[0])
        if service:  # any other library failure of a backing service: still one line, exit 1
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            typer.echo(f"error: {service} failed: {detail}", err=True)
            sys.exit(1)
        raise
