"""Option values the CLI reads with a domain grammar before any command runs, so a bad one is a usage error.

A value click cannot check as a choice (an age, a date) is still the command line's fault, not a missing
record: it exits 2 with one line naming the flag, like a bad ``--status``, and nothing has been touched yet.
"""

from __future__ import annotations

import typer


def since_value(value: str | None) -> str | None:
    """Typer callback for every ``--since``: checks ``value`` with the one grammar (``jobagent.text.parse_since``:
    90s, 15m, 12h, 2d, 2w or a date) and passes the text on unchanged, for the core API to read again."""
    if value is None:
        return None
    from jobagent.errors import InputError
    from jobagent.text import parse_since

    try:
        parse_since(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value
