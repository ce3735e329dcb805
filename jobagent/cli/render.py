"""Output shared by the command modules: the one ``--json`` / ``--csv`` / ``--nl`` option set, 80-column
tables, and following a run.

Every listing command prints an array (``--json``), one line per record (``--nl``) or CSV rows; every
one-item command prints an object, one line, or a header and one row: the shape depends on the command,
never on how many results there happen to be. Heavy modules (SQLAlchemy, RQ, rich) are imported inside
functions, so ``jobagent --help`` and ``jobagent runs --json`` start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

from jobagent.cli._options import option_group

if TYPE_CHECKING:
    from jobagent.api.runs import RunStatus

_announced = False


def announce_store() -> None:
    """Say once (on stderr, so --json stays clean) when the embedded default store is used."""
    global _announced
    from jobagent.config import get_settings

    settings = get_settings()
    if settings.embedded and not _announced:
        _announced = True
        typer.echo(f"jobagent: embedded mode (SQLite at {settings.effective_database_url.split('///')[-1]}, "
                   "workflows run in-process; set REDIS_URL and DATABASE_URL to use workers)", err=True)


class Output:
    """The output format chosen for one command: a table for people, or JSON / NDJSON / CSV for programs."""

    def __init__(self, fmt: str | None = None) -> None:
        self.format = fmt  # None (table), "json", "nl" or "csv"

    @property
    def machine(self) -> bool:
        """True when a program reads stdout: print records, no tables or hints."""
        return self.format is not None

    def items(self, rows: Sequence[Any], fields: Sequence[str] | None = None) -> None:
        """A listing: always an array (or N lines, or N CSV rows), even with zero or one record."""
        records = [as_record(r) for r in rows]
        if self.format == "nl":
            for record in records:
                typer.echo(json.dumps(record, default=str))
        elif self.format == "csv":
            write_csv(records, fields)
        else:
            typer.echo(json.dumps(records, indent=2, default=str))

    def item(self, obj: Any) -> None:
        """One result: always an object (or one line, or a header and one CSV row)."""
        record = as_record(obj)
        if self.format == "nl":
            typer.echo(json.dumps(record, default=str))
        elif self.format == "csv":
            write_csv([record], None)
        else:
            typer.echo(json.dumps(record, indent=2, default=str))


def as_record(obj: Any) -> Any:
    """A pydantic view, a dataclass-like object with ``as_dict`` or a plain dict, as JSON-ready data."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    return obj


def csv_cell(value: Any) -> str:
    """How a JSON value is written to CSV: empty for null, true/false for booleans, JSON for lists and
    objects, else its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


def write_csv(records: list[dict[str, Any]], fields: Sequence[str] | None) -> None:
    """A header and one row per record; the columns are ``fields`` or every key in order of appearance."""
    import csv

    names = list(fields) if fields is not None else list(dict.fromkeys(k for r in records for k in r))
    if not names:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=names, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({k: csv_cell(record.get(k)) for k in names})
    sys.stdout.flush()


def _output(as_json: bool = False, as_csv: bool = False, as_nl: bool = False) -> Output:
    chosen = [fmt for fmt, on in (("json", as_json), ("csv", as_csv), ("nl", as_nl)) if on]
    if len(chosen) > 1:
        from typer._click.exceptions import UsageError  # typer 0.29 vendors click

        raise UsageError("use one of --json, --csv and --nl, not several")
    return Output(chosen[0] if chosen else None)


# Written once here, so every command offers the same three formats with the same help and the same shapes.
output_options = option_group("out", (
    ("as_json", bool, lambda: typer.Option(False, "--json", help="Print JSON: an array for listings, an object "
                                           "for one item.")),
    ("as_csv", bool, lambda: typer.Option(False, "--csv", help="Print CSV: a header row, then one row per record "
                                          "(lists and objects as JSON).")),
    ("as_nl", bool, lambda: typer.Option(False, "--nl", help="Print newline-delimited JSON: one object per line.")),
), _output)
output_options.__doc__ = """Give a command the shared ``--json``, ``--csv`` and ``--nl`` flags; it declares
``out: Output`` (hidden from the CLI) instead of the flags."""


def print_json(data: Any) -> None:
    """Plain JSON, for the few outputs that are neither a listing nor one record (the demo's bundle)."""
    typer.echo(json.dumps(as_record(data), indent=2, default=str))


def console() -> Any:
    from rich.console import Console

    return Console()


def _natural(cells: list[str]) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for c in cells for line in (c.splitlines() or [""])), default=0)


def print_table(title: str, columns: list[str], rows: list[list[Any]], *, flex: Sequence[str] = (),
                wrap: bool = False) -> None:
    """A table that fits the terminal (80 columns included) without breaking a word inside a cell.

    Every column keeps its natural width and never wraps (ids are copied into the next command, a status
    reads "completed", never "complet/ed"), except the ``flex`` columns (free text: titles, queries,
    reasons), which share what is left and end in "…" (or wrap at word boundaries with ``wrap``). The
    full values are always in ``--json``.
    """
    from rich.table import Table

    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    out = console()
    natural = [max(len(col), _natural([r[i] for r in text_rows])) for i, col in enumerate(columns)]
    fixed = sum(w for col, w in zip(columns, natural, strict=True) if col not in flex)
    room = out.width - fixed - (len(columns) - 1)  # one space between columns
    widths = _share(room, {col: w for col, w in zip(columns, natural, strict=True) if col in flex})
    table = Table(title=title, box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold",
                  title_justify="left")
    for col, width in zip(columns, natural, strict=True):
        if col in flex:
            table.add_column(col, max_width=widths[col], no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")
        else:
            table.add_column(col, no_wrap=True, min_width=width)
    for row in text_rows:
        table.add_row(*row)
    out.print(table)


def _share(room: int, natural: dict[str, int]) -> dict[str, int]:
    """Split ``room`` between the flexible columns: a narrow one keeps its natural width, and what it does
    not use goes to the wide ones (never below 6 cells, so a cut cell still says something)."""
    widths: dict[str, int] = {}
    pending = sorted(natural, key=natural.__getitem__)
    while pending:
        share = room // len(pending)
        if natural[pending[0]] > share:
            widths.update({col: max(6, share) for col in pending})
            break
        col = pending.pop(0)
        widths[col] = natural[col]
        room -= natural[col]
    return widths


def machine_errors_requested(argv: Sequence[str]) -> bool:
    """Whether errors go to stderr as JSON: ``--json`` or ``--nl`` among the options (before ``--``)."""
    for arg in argv:
        if arg == "--":
            return False
        if arg in ("--json", "--nl"):
            return True
    return False


def show_submissions(subs: list[Any], out: Output, *, listing: bool = False) -> None:
    """Submitted runs: one object for a single submission, an array when the command fans out."""
    if out.machine:
        return out.items(subs) if listing else out.item(subs[0])
    print_table("Submitted", ["run_id", "workflow", "queue", "status", "error"],
                [[s.run_id, s.workflow_type, s.queue, s.status, s.error_message] for s in subs], flex=["error"])
    for s in subs:
        typer.echo(f"status: jobagent status {s.run_id}")
    return None


def show_status(view: RunStatus | dict[str, Any], out: Output) -> None:
    st: dict[str, Any] = as_record(view)
    if out.machine:
        return out.item(st)
    fields = [k for k in st if k != "result"]
    print_table(f"Run {st['run_id']}", ["field", "value"], [[k, st[k]] for k in fields], flex=["value"],
                wrap=True)
    if st.get("result"):
        print_table("Result", ["key", "value"], [[k, v] for k, v in st["result"].items()], flex=["value"],
                    wrap=True)
    return None


def follow(run_id: str, as_json: bool, watch: bool) -> RunStatus:
    from jobagent.api import runs

    announce_store()
    if not watch or as_json:
        return runs.wait_for(run_id)
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  console=console()) as progress:
        bar = progress.add_task("pending", total=100)
        while True:
            st = runs.get_status(run_id)
            progress.update(bar, completed=st.progress_percent,
                            description=f"{st.status} {st.current_node or ''}".strip())
            if st.status in ("completed", "failed"):
                return st
            import time

            time.sleep(0.5)


def finish(st: RunStatus, out: Output) -> None:
    show_status(st, out)
    if st.status == "failed":
        raise typer.Exit(1)


_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
_SHORT_PERIODS = {"hour": "h", "day": "d", "week": "wk", "month": "mo", "year": "yr"}


def compact_salary(low: float | None, high: float | None, currency: str | None, period: str | None = None,
                   text: str | None = None, *, short: bool = False) -> str:
    """A salary for a table cell: ``€1,200–1,400/month``, ``€65k–80k/year``; ``short`` (the 80-column board)
    shares one "k": ``€1.2–1.4k/mo``, ``€65–80k/yr``. Without figures, the source's words, cut. Full figures
    and the yearly ones are in --json."""
    if low is None and high is None:
        words = " ".join((text or "").split())
        return words if len(words) <= 18 else (words[:17].rsplit(" ", 1)[0] or words[:17]) + "…"
    ends = list(dict.fromkeys(v for v in (low, high) if v is not None))
    if short and all(v >= 1000 for v in ends):
        span = "–".join(f"{v / 1000:.1f}".removesuffix(".0") for v in ends) + "k"
    else:  # both ends in one style: "8,000–12,000", never "8,000–12k"
        span = "–".join(_cell_figure(v, thousands=min(ends) >= 10_000) for v in ends)
    code = (currency or "").upper()
    symbol = _CURRENCY_SYMBOLS.get(code)
    cell = f"{symbol}{span}" if symbol else f"{span} {code}".strip()
    return f"{cell}/{_SHORT_PERIODS.get(period, period) if short else period}" if period else cell


def _cell_figure(value: float, *, thousands: bool) -> str:
    """Thousands as "k" from 10,000 (65k, 65.5k); smaller figures in full, since "1k" hid 1,200 and 1,400."""
    if thousands:
        return f"{value / 1000:.1f}".removesuffix(".0") + "k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
