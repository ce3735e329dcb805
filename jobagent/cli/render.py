"""Output shared by the command modules: rich tables, JSON, and following a run.

Heavy modules (SQLAlchemy, RQ, pypdf) are imported inside functions, so ``jobagent --help`` starts fast.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from jobagent.api.runs import RunStatus, Submission

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


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def console() -> Any:
    from rich.console import Console

    return Console()


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        # Ids are meant to be copied into the next command: never truncate them.
        is_id = col.endswith("_id")
        table.add_column(col, no_wrap=is_id, min_width=36 if is_id else None, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console().print(table)


def show_submissions(subs: list[Submission], as_json: bool) -> None:
    if as_json:
        print_json([s.as_dict() for s in subs] if len(subs) != 1 else subs[0].as_dict())
        return
    print_table("Submitted", ["run_id", "execution_id", "task_id", "workflow", "queue", "status", "error"],
           [[s.run_id, s.execution_id, s.task_id, s.workflow_type, s.queue, s.status, s.error_message]
            for s in subs])
    for s in subs:
        typer.echo(f"status: jobagent status {s.run_id}")


def show_status(st: RunStatus, as_json: bool) -> None:
    data = st.model_dump(mode="json")
    if as_json:
        print_json(data)
        return
    fields = [k for k in data if k != "result"]
    print_table(f"Run {st.run_id}", ["field", "value"], [[k, data[k]] for k in fields])
    if st.result:
        print_table("Result", ["key", "value"], [[k, v] for k, v in st.result.items()])


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


def finish(st: RunStatus, as_json: bool) -> None:
    show_status(st, as_json)
    if st.status == "failed":
        raise typer.Exit(1)


def filters_from_options(companies: list[str], titles: list[str], remote_only: bool, max_age_days: int | None,
             min_salary: float | None) -> dict[str, Any]:
    return {"company_blocklist": companies, "title_exclusions": titles, "remote_only": remote_only,
            "max_age_days": max_age_days, "min_salary": min_salary}


_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def compact_salary(low: float | None, high: float | None, currency: str | None) -> str:
    """A salary range short enough for an 80-column table: ``65k–80k €``; full figures are in --json."""
    if low is None and high is None:
        return ""

    def k(v: float) -> str:
        return f"{v / 1000:.0f}k" if v >= 1000 else f"{v:.0f}"

    span = "–".join(dict.fromkeys(k(v) for v in (low, high) if v is not None))
    code = currency or ""
    return f"{span} {_CURRENCY_SYMBOLS.get(code.upper(), code)}".strip()
