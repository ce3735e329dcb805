"""The board faces: ``board`` (list), ``mark`` (move one posting) and ``review`` (walk the new ones by key).

The table fits the terminal, 80 columns included (short ids, cut cells, the title given the most room);
``--json`` and ``--csv`` carry every field, the URL included, with the same rows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from jobagent.cli._app import PANEL_SEARCH, app
from jobagent.cli._choices import BoardState
from jobagent.cli.render import Output, announce_store, compact_salary, csv_cell, output_options

__all__ = ["board", "csv_cell", "format_table", "mark", "review"]

# (header, narrowest, widest) of each column. The title takes what the others leave; they keep their natural
# width within these bounds, so an 80-column line gives the title the most room (issue 29 §3).
_COLUMNS = (("score", 5, 5), ("title", 0, 0), ("company", 8, 14), ("location", 6, 12), ("rem", 3, 3),
            ("salary", 7, 12), ("seen", 5, 5), ("status", 6, 9), ("id", 8, 8))
TITLE_ROOM = 24  # below this the optional columns go, then the others shrink towards their narrowest
_OPTIONAL = ("seen",)  # first found: in --json, and shown when the terminal has room
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


def _place(location: str | None, remote: bool) -> str:
    """The city is what tells postings apart in a narrow cell: "Berlin, Germany" -> "Berlin"."""
    if not location:
        return "remote" if remote else ""
    return location.split(",")[0].strip() or location


def _cells(row: Any) -> list[str]:
    return [f"{row.best_score:.0f}", row.title, row.company, _place(row.location, row.remote),
            "yes" if row.remote else "",
            compact_salary(row.salary_min, row.salary_max, row.salary_currency, row.salary_period, row.salary,
                           short=True),
            row.first_found_at.strftime("%m-%d"),
            "closed" if row.closed_at else "interview" if row.state == "interviewing" else row.state, row.short_id]


def _layout(cells: list[list[str]], width: int) -> list[tuple[str, int]]:
    """(column, width) for a terminal of ``width`` cells: every column at its natural width within its bounds,
    the title in what is left (at least ``TITLE_ROOM`` where it can be), one space between columns."""
    from rich.cells import cell_len

    natural = {name: max([len(name), *(cell_len(" ".join(r[i].split())) for r in cells)])
               for i, (name, _, _) in enumerate(_COLUMNS)}
    widths = {name: min(max(natural[name], low), high) for name, low, high in _COLUMNS if name != "title"}
    lows = {name: low for name, low, _ in _COLUMNS}

    def room() -> int:
        return width - sum(widths.values()) - len(widths)  # a space before each column after the title

    for optional in _OPTIONAL:
        if room() < min(TITLE_ROOM, natural["title"]):
            del widths[optional]
    while room() < min(TITLE_ROOM, natural["title"]):
        widest = max((n for n in widths if widths[n] > lows[n]), key=lambda n: widths[n] - lows[n], default=None)
        if widest is None:
            break
        widths[widest] -= 1
    title = max(6, min(room(), natural["title"]))
    return [(name, title if name == "title" else widths[name]) for name, _, _ in _COLUMNS
            if name == "title" or name in widths]


def format_table(rows: list[Any], width: int | None = None) -> list[str]:
    """Lines of at most ``width`` cells (the terminal's, 80 when it is not one); numbers right-aligned."""
    import shutil

    cells = [_cells(r) for r in rows]
    layout = _layout(cells, width or shutil.get_terminal_size().columns)
    index = {name: i for i, (name, _, _) in enumerate(_COLUMNS)}

    def line(values: list[str]) -> str:
        return " ".join(_cut(values[index[name]], size, right=name == "score") for name, size in layout).rstrip()

    return [line([name for name, _, _ in _COLUMNS]), *(line(c) for c in cells)]


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
def board(
    profile_id: str = typer.Argument(..., help="The profile whose board to show."),
    status: list[BoardState] = typer.Option([], "--status", help="Only this state. Repeatable."),
    new: bool = typer.Option(False, "--new", help="Only new postings found since your last look."),
    since: str | None = typer.Option(None, "--since", help="Only postings first found since, e.g. 7d, 12h, "
                                     "2026-11-30."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many rows."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many rows first (with --limit: pages)."),
    *,
    out: Output,
) -> None:
    """Every posting any search found for the profile, once, best score first (records this look).

    Examples:

        jobagent board PROFILE_ID --new

        jobagent board PROFILE_ID --status saved --status applied --csv > board.csv

        jobagent board PROFILE_ID --limit 50 --offset 50
    """
    from jobagent.api import board as api

    announce_store()
    view = api.board(profile_id, statuses=[str(s.value) for s in status] or None, new_only=new, since=since,
                     limit=limit, offset=offset)
    if out.machine:
        return out.items(view.rows, list(api.BoardRow.model_fields))
    for text in format_table(view.rows):
        typer.echo(text)
    last = view.previous_look_at.strftime("%Y-%m-%d %H:%M UTC") if view.previous_look_at else "never"
    count = len(view.rows)
    typer.echo(f"{count} posting{'' if count == 1 else 's'}; previous look: {last}")


@app.command(rich_help_panel=PANEL_SEARCH)
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


@app.command(rich_help_panel=PANEL_SEARCH)
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
