"""The ``jobagent`` command: a thin face over the core API (``jobagent.api``).

Each module registers its commands on the shared Typer apps; importing them here is what assembles the CLI.
``main`` owns the exit codes (documented in README.md, "Exit codes"):

- 0 success; 1 a failure, or our infrastructure away (PostgreSQL, Redis); 2 usage (an unknown flag, a
  value that is not one of the choices: click's own code); 3 not found or invalid input (``InputError``,
  ``NotFound``: the user can fix it).

With ``--json`` or ``--nl`` an error is one JSON object on stderr: ``{"error", "kind", "exit_code"}``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer

from jobagent.cli import (  # noqa: F401  (importing a module registers its commands)
    backup,
    board,  # the board (issue 14): board, mark, review
    dev,
    harvest,  # postings index (issue 12): harvest, sources list
    letters,  # one match's cover letter (issue 29 §1)
    monitoring,
    operations,
    profiles,
    runs,
    scheduler,
    sources,  # sources add, sources discover (issue 27)
    tokens,  # API tokens with owners (issue 23 item 8)
    web,
)
from jobagent.cli._app import app

__all__ = ["EXIT_FAILURE", "EXIT_INPUT", "EXIT_USAGE", "app", "error_report", "main"]

EXIT_FAILURE = 1  # something failed, or PostgreSQL / Redis cannot be reached
EXIT_USAGE = 2  # click's code for a bad command line
EXIT_INPUT = 3  # not found, or input the user must change


def _kind(name: str) -> str:
    """``DatabaseUnavailable`` -> ``database_unavailable``: a stable word a script can branch on."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def error_report(exc: BaseException) -> tuple[str, str, int] | None:
    """(message, kind, exit code) for an error the CLI reports in one line; None for a real bug."""
    from jobagent.errors import AmbiguousId, InputError, JobagentError, NotFound, translate

    mapped = translate(exc)
    if isinstance(mapped, AmbiguousId):  # the message lists the candidates
        return str(mapped), "ambiguous_id", EXIT_INPUT
    if isinstance(mapped, NotFound):
        return str(mapped), "not_found", EXIT_INPUT
    if isinstance(mapped, InputError):
        return str(mapped), "invalid_input", EXIT_INPUT
    if isinstance(mapped, JobagentError):  # ServiceUnavailable (PostgreSQL, Redis away) and other failures
        return str(mapped), _kind(type(mapped).__name__), EXIT_FAILURE
    service = _service_name(exc)
    if service:  # any other library failure of a backing service: still one line, exit 1
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{service} failed: {detail}", "service_failed", EXIT_FAILURE
    return None


def _service_name(exc: BaseException) -> str | None:
    """The service a library exception comes from, named as users know it (never "sqlalchemy")."""
    module = type(exc).__module__.split(".")[0]
    if module == "redis":
        return "Redis"
    if module in ("psycopg", "psycopg2"):
        return "PostgreSQL"
    if module in ("sqlalchemy", "sqlite3"):
        from jobagent.config import get_settings

        return "SQLite" if get_settings().effective_database_url.startswith("sqlite") else "PostgreSQL"
    return None


def _usage_message(exc: Any) -> str:
    """click's message on one line, pointing at the command's help (pydantic's "Value error, " dropped)."""
    message = " ".join(exc.format_message().replace("Value error, ", "").split())
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


def _fail(message: str, kind: str, code: int, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"error": message, "kind": kind, "exit_code": code}), err=True)
    else:
        typer.echo(f"error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    # jobagent uses no pydantic plugin, and looking for one reads the entry points of every installed
    # distribution (50-120 ms of each command's start-up, measured with -X importtime); a user who does
    # want a plugin sets PYDANTIC_DISABLE_PLUGINS to anything else.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from typer import Abort
    from typer._click import ClickException  # typer 0.29 vendors click; this is its public name there

    from jobagent.api.telemetry import init_telemetry
    from jobagent.cli.render import machine_errors_requested

    init_telemetry("cli")  # Sentry; a no-op without SENTRY_DSN
    as_json = machine_errors_requested(sys.argv[1:])
    try:
        result: Any = app(standalone_mode=False, prog_name="jobagent")
    except ClickException as exc:  # usage: unknown flag, bad choice, missing argument (exit 2)
        _fail(_usage_message(exc), "usage" if exc.exit_code == EXIT_USAGE else "failure", exc.exit_code, as_json)
    except Abort:
        _fail("aborted", "aborted", EXIT_FAILURE, as_json)
    except Exception as exc:
        report = error_report(exc)
        if report is None:
            raise
        _fail(*report, as_json)
    sys.exit(result if isinstance(result, int) else 0)
