"""The board faces: ``board`` (list), ``mark`` (move one posting) and ``review`` (walk the new ones by key).

The table is laid out for 80 columns (short ids, cut cells); ``--json`` and ``--csv`` carry every field,
the URL included, with the same rows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from jobagent.cli._app import app
from jobagent.cli._choices import BoardState
from jobagent.cli._values import since_value
from jobagent.cli.render import Output, announce_store, compact_salary, csv_cell, output_options

__all__ = ["board", "csv_cell", "format_table", "mark", "review"]

# (header, width) of the table; with one space between columns the line is exactly 80 characters.
_COLUMNS = (("score", 5), ("title", 14), ("company", 9), ("location", 7), ("rem", 3), ("salary", 12),
            ("seen", 5), ("status", 9), ("id", 8))
_STATE_FLAGS = {"save": "saved", "applied": "applied", "interviewing": "interviewing", "offer": "offer",
                "rejected": "rejected", "withdrawn": "withdrawn", "skip": "skipped"}


def _cut(text: str | None, width: int, *, right: bool = False) -> str:
    """Exactly ``width`` terminal cells (wide characters count twice), cut with an ellipsis when longer."""
    from rich.cells import cell_len, set_cell_size

    text = " ".join((text or "").split())
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…"
    return " " * (width - size) + text if right else set_cell_size(text, width)


def _cells(row: Any) -> list[str]:
    return [f"{row.best_score:.0f}", row.title, row.company, row.location or ("remote" if row.remote else ""),
            "yes" if row.remote else "",
            compact_salary(row.salary_min, row.salary_max, row.salary_currency, row.salary_period, row.salary,
                           short=True),
            row.first_found_at.strftime("%m-%d"),
            "closed" if row.closed_at else "interview" if row.state == "interviewing" else row.state, row.short_id]


def format_table(rows: list[Any]) -> list[str]:
    """Lines of at most 80 characters; numbers right-aligned."""
    def line(cells: list[str]) -> str:
        out = []
        for (name, width), cell in zip(_COLUMNS, cells, strict=True):
            out.append(_cut(cell, width, right=name == "score"))
        return " ".join(out).rstrip()

    return [line([name for name, _ in _COLUMNS]), *(line(_cells(r)) for r in rows)]


@app.command()
@output_options
def board(
    profile_id: str = typer.Argument(..., help="The profile whose board to show."),
    status: list[BoardState] = typer.Option([], "--status", help="Only this state. Repeatable."),
    new: bool = typer.Option(False, "--new", help="Only new postings found since your last look."),
    since: str | None = typer.Option(None, "--since", help="Only postings first found since, e.g. 7d, 12h, "
                                     "2026-11-30.", callback=since_value),
    *,
    out: Output,
) -> None:
    """Every posting any search found for the profile, once, best score first (records this look).

    Examples:

        jobagent board PROFILE_ID --new

        jobagent board PROFILE_ID --status saved --status applied --csv > board.csv
    """
    from jobagent.api import board as api

    announce_store()
    view = api.board(profile_id, statuses=[str(s.value) for s in status] or None, new_only=new, since=since)
    if out.machine:
        return out.items(view.rows, list(api.BoardRow.model_fields))
    for text in format_table(view.rows):
        typer.echo(text)
    last = view.previous_look_at.strftime("%Y-%m-%d %H:%M UTC") if view.previous_look_at else "never"
    count = len(view.rows)
    typer.echo(f"{count} posting{'' if count == 1 else 's'}; previous look: {last}")


@app.command()
@output_options
def mark(
    posting_id: str = typer.Argument(..., help="A posting id from the board (its first 8 characters will do)."),
    profile: str = typer.Option(..., "--profile", help="The profile whose board it is on."),
    save: bool = typer.Option(False, "--save", help="Keep it to apply later."),
    applied: bool = typer.Option(False, "--applied", help="You applied (also marks its reposts)."),
    interviewing: bool = typer.Option(False, "--interviewing", help="You are interviewing for it."),
    offer: bool = typer.Option(False, "--offer", help="You got an offer."),
    rejected: bool = typer.Option(False, "--rejected", help="They said no."),
    withdrawn: bool = typer.Option(False, "--withdrawn", help="You withdrew."),
    skip: bool = typer.Option(False, "--skip", help="Never show it (or its reposts) again."),
    company: bool = typer.Option(False, "--company", help="With --skip: also block the company for this profile."),
    note: str | None = typer.Option(None, "--note", help="Free text kept with the change."),
    *,
    out: Output,
) -> None:
    """Move a posting on a profile's board; --skip and --applied also cover its reposts.

    Examples:

        jobagent mark 3f2a9c1e --profile PROFILE_ID --applied --note "sent via their site"

        jobagent mark 3f2a9c1e --profile PROFILE_ID --skip --company
    """
    from jobagent.api import board as api
    from jobagent.errors import InvalidInput

    given = dict(save=save, applied=applied, interviewing=interviewing, offer=offer, rejected=rejected,
                 withdrawn=withdrawn, skip=skip)
    chosen = [_STATE_FLAGS[flag] for flag, on in given.items() if on]
    if len(chosen) != 1:
        flags = ", ".join(f"--{f}" for f in _STATE_FLAGS)
        raise InvalidInput(f"give exactly one of {flags}")
    if company and chosen[0] != "skipped":
        raise InvalidInput("--company goes with --skip only")
    announce_store()
    result = api.mark(profile, posting_id, chosen[0], note=note, company_block=company)
    if out.machine:
        return out.item(result)
    typer.echo(f"{result.short_id}: {result.previous_state} → {result.state}")
    if result.also_changed:
        ids = ", ".join(pid[:8] for pid in result.also_changed)
        typer.echo(f"also {result.state}: {len(result.also_changed)} repost(s) ({ids})")
    if result.blocked_company:
        typer.echo(f"blocked company for this profile: {result.blocked_company}"
                   f" ({len(result.company_skipped)} more of its postings skipped)")


@contextmanager
def _keys() -> Iterator[Callable[[], str]]:
    """Single key presses on a terminal (cbreak: no Enter needed, Ctrl-C still interrupts); a line at a time
    from a pipe. The terminal is always restored, also on Ctrl-C."""
    fd = sys.stdin.fileno() if sys.stdin is not None else -1
    if fd >= 0 and sys.stdin.isatty():
        import os
        import termios
        import tty

        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        try:
            yield lambda: os.read(fd, 1).decode("utf-8", "replace")
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    else:
        def read_line() -> str:
            line = sys.stdin.readline()
            return line.strip()[:1] if line else "q"

        yield read_line


def _show(item: Any, index: int, total: int) -> None:
    row = item.row
    typer.echo("")
    typer.echo(f"[{index}/{total}] {row.title} — {row.company}  (score {row.best_score:.0f}, id {row.short_id})")
    where = row.location or "location not stated"
    typer.echo(f"  {where}{' · remote' if row.remote else ''} · salary: {row.salary or 'not stated'}")
    for reason in item.reasons:
        typer.echo(f"  + {reason}")
    if item.excerpt:
        typer.echo("")
        for text in item.excerpt.splitlines():
            typer.echo(f"  {text}")
    typer.echo("")
    typer.echo("[s]ave  [a]pplied  [x] skip  [o]pen  [n]ext  [q]uit ? ", nl=False)


_REVIEW_KEYS = {"s": "saved", "a": "applied", "x": "skipped"}


@app.command()
def review(profile_id: str = typer.Argument(..., help="The profile whose new postings to walk through.")) -> None:
    """Walk the profile's new postings one at a time: s save, a applied, x skip, o open, n next, q quit.

    Examples:

        jobagent review PROFILE_ID
    """
    import webbrowser

    from jobagent.api import board as api

    announce_store()
    rows = api.board(profile_id, statuses=["new"], record_look=False).rows
    if not rows:
        return typer.echo("nothing new to review")
    done = {state: 0 for state in _REVIEW_KEYS.values()}
    try:
        with _keys() as read_key:
            for index, row in enumerate(rows, start=1):
                _show(api.review_item(profile_id, row.posting_id), index, len(rows))
                key = ""
                while True:
                    key = read_key().lower()
                    if key in _REVIEW_KEYS:
                        api.mark(profile_id, row.posting_id, _REVIEW_KEYS[key])  # one transaction per key
                        done[_REVIEW_KEYS[key]] += 1
                        typer.echo(f"{key}\n→ {_REVIEW_KEYS[key]}")
                        break
                    if key == "o":
                        opened = bool(row.url and webbrowser.open(row.url))
                        typer.echo(f"o\n{'opened' if opened else 'no browser; the link is'}: {row.url or 'none'}")
                        typer.echo("[s]ave  [a]pplied  [x] skip  [o]pen  [n]ext  [q]uit ? ", nl=False)
                    elif key in ("n", "q"):
                        typer.echo(key)
                        break
                    else:
                        typer.echo("\nkeys: s save, a applied, x skip, o open, n next, q quit ? ", nl=False)
                if key == "q":
                    break
    except KeyboardInterrupt:
        typer.echo("\ninterrupted: every posting marked so far is saved; nothing is half-written")
        raise typer.Exit(130) from None
    typer.echo(f"reviewed: {done['saved']} saved, {done['applied']} applied, {done['skipped']} skipped")
