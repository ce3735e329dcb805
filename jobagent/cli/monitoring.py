"""``jobagent monitor``, ``reconcile`` and ``retry``: health, alerts and recovering lost work.

Thin faces over ``jobagent.api.ops``: parse, call one function, render a table or ``--json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from jobagent.cli._app import PANEL_OPERATIONS, app
from jobagent.cli.render import Output, announce_store, output_options, print_table

if TYPE_CHECKING:
    from jobagent.api.ops import MonitorReport


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.1f}h"


def _show_health(h: MonitorReport) -> None:
    if h.embedded:
        typer.echo(f"embedded mode: no queues or workers to check; {h.failed_24h} failed in 24 h")
    else:
        _show_queues(h)
    if h.stuck:
        print_table("Stuck executions", ["execution_id", "status", "queue", "age", "reason"],
                    [[x.execution_id, x.status, x.queue, _age(x.age_seconds), x.reason] for x in h.stuck],
                    flex=["reason"])
    if h.problems:
        sent = set(h.alerts_sent)
        print_table("Problems", ["key", "level", "message", "alert"],
                    [[p.key, p.level, p.message, "sent" if p.key in sent else "rate-limited"] for p in h.problems],
                    flex=["key", "message"], wrap=True)
    typer.echo("healthy" if h.healthy else f"UNHEALTHY: {len(h.problems)} problem(s)")


def _show_queues(h: MonitorReport) -> None:
    print_table(f"Queues ({h.workers} live workers, {h.failed_24h} failed in 24 h)",
                ["queue", "depth", "threshold", "oldest", "started", "scheduled", "failed",
                 "workers", "expected"],
                [[q.queue, q.depth, q.threshold, _age(q.oldest_queued_age_seconds), q.started,
                  q.scheduled, q.failed, q.workers, q.expected_workers] for q in h.queues])


@app.command(rich_help_panel=PANEL_OPERATIONS)
@output_options
def monitor(
    once: bool = typer.Option(False, "--once", help="Check once and exit (1 when unhealthy)."),
    interval: int = typer.Option(60, "--interval", min=1, help="Seconds between checks when looping."),
    no_alerts: bool = typer.Option(False, "--no-alerts", help="Only report; send no alerts."),
    *,
    out: Output,
) -> None:
    """Check queues, workers, failures and stuck executions; send rate-limited alerts.

    Exit status: 0 healthy, 1 unhealthy (with --once, or the last check before Ctrl-C). Each check is one
    object (--json) or one line (--nl).

    Examples:

        jobagent monitor --once --no-alerts

        jobagent monitor --interval 300 --nl >> health.ndjson
    """
    import time

    from jobagent.api import ops

    announce_store()
    while True:
        health = ops.monitor(alert=not no_alerts)
        if out.machine:
            out.item(health)
        else:
            _show_health(health)
        if once:
            break
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            break
    if not health.healthy:
        raise typer.Exit(1)


@app.command(rich_help_panel=PANEL_OPERATIONS)
@output_options
def reconcile(
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would be done; change nothing."),
    page: int = typer.Option(1000, "--page-size", min=1, hidden=True, help="Rows per transaction."),
    *,
    out: Output,
) -> None:
    """Requeue executions whose queue job was lost (or fail them after too many requeues).

    Examples:

        jobagent reconcile --dry-run

        jobagent reconcile --json
    """
    from jobagent.api import ops

    announce_store()
    summary = ops.reconcile(dry_run=dry_run, page=page).model_dump(mode="json")
    for problem in summary["problems"]:  # issue 11 (h3): one line per row that could not be handled
        typer.echo(f"reconcile: {problem}", err=True)
    if out.machine:
        out.item(summary)
        if summary["problems"]:
            raise typer.Exit(1)
        return None
    if summary["items"]:
        print_table("Would handle" if dry_run else "Handled", ["execution_id", "status", "queue", "action", "reason"],
                    [[i["execution_id"], i["status"], i["queue"], i["action"], i["reason"]] for i in summary["items"]],
                    flex=["reason"])
    prefix = "dry run: " if dry_run else ""
    typer.echo(f"{prefix}scanned {summary['scanned']}, requeued {summary['requeued']}, failed {summary['failed']}, "
               f"skipped {summary['skipped']}")
    if summary["problems"]:
        raise typer.Exit(1)


@app.command(rich_help_panel=PANEL_OPERATIONS)
@output_options
def retry(
    execution_id: str | None = typer.Argument(None, help="A failed execution (or run) id."),
    failed: bool = typer.Option(False, "--failed", help="Retry every execution that failed recently."),
    since: str = typer.Option("1h", "--since", help="With --failed: how far back (30m, 1h, 2d)."),
    *,
    out: Output,
) -> None:
    """Requeue failed work on purpose; it resumes at the node that failed.

    With --json: one object for an EXECUTION_ID, an array with --failed.

    Examples:

        jobagent retry RUN_ID

        jobagent retry --failed --since 2d --json
    """
    from jobagent.api import ops
    from jobagent.errors import InvalidInput

    if bool(execution_id) == failed:
        raise InvalidInput("give either an EXECUTION_ID or --failed")
    announce_store()
    views = [ops.retry(execution_id)] if execution_id else ops.retry_failed(since)
    done = [d.model_dump(mode="json") for d in views]
    if out.machine:
        return out.item(done[0]) if execution_id else out.items(done)
    print_table(f"Requeued {len(done)}", ["run_id", "execution", "queue"],
                [[d["run_id"], d["execution_id"][:8], d["queue"]] for d in done])
    return None
