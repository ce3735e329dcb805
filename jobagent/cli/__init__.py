"""The ``jobagent`` command: a thin face over ``jobagent.core``.

Each module registers its commands on the shared Typer apps; importing them here is what assembles the CLI.
"""

from __future__ import annotations

import sys

import typer

from jobagent.cli import (  # noqa: F401  (importing a module registers its commands)
    backup,
    dev,
    harvest,  # postings index (issue 12): harvest, sources list
    monitoring,
    operations,
    profiles,
    runs,
    scheduling,
    web,
)
from jobagent.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    from jobagent.monitoring.sentry import init_sentry

    init_sentry("cli")  # a no-op without SENTRY_DSN
    from jobagent.errors import JobagentError

    try:
        app()
    except JobagentError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # infrastructure down: one line, not a traceback
        name = type(exc).__module__.split(".")[0]
        if name in ("redis", "sqlalchemy", "psycopg"):
            typer.echo(f"error: cannot reach {name}: {str(exc).splitlines()[0]}", err=True)
            sys.exit(1)
        raise
