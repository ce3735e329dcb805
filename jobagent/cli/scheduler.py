"""``jobagent scheduler`` and ``jobagent schedule ...``: the daily search and other periodic tasks."""

from __future__ import annotations

import typer

from jobagent.cli._app import app
from jobagent.cli.render import print_json, print_table

schedule_app = typer.Typer(help="Periodic tasks (the daily search, reconcile).", no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")


@app.command()
def scheduler(
    interval: int = typer.Option(60, "--interval", help="Seconds between passes over the schedule."),
    burst: bool = typer.Option(False, "--burst", help="Register, do one pass, and stop."),
) -> None:
    """Run rq-scheduler: registers the daily search (cron in UTC) and reconcile, then enqueues them on time."""
    import logging

    from jobagent.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _redact_logs()  # issue 11: no URL secrets (userinfo, webhook path) in log lines
    run_scheduler(interval=interval, burst=burst)


@schedule_app.command("show")
def schedule_show(as_json: bool = typer.Option(False, "--json")) -> None:
    """The registered periodic tasks and their next run time in UTC."""
    from jobagent.api.maintenance import list_scheduled

    rows = list_scheduled()
    if as_json:
        return print_json([r.model_dump(mode="json") for r in rows])
    print_table("Scheduled tasks", ["id", "task", "schedule", "queue", "next run (UTC)"],
                [[r.id, r.task, r.schedule, r.queue, r.next_run_utc] for r in rows])
    if not rows:
        typer.echo("nothing registered: start 'jobagent scheduler'")


@schedule_app.command("run-now")
def schedule_run_now(task_id: str = typer.Argument(..., help="daily-search or reconcile"),
                     as_json: bool = typer.Option(False, "--json")) -> None:
    """Run a periodic task now, in this process (the daily search creates no duplicates on the same day)."""
    from jobagent.api.maintenance import run_now
    from jobagent.cli.render import announce_store

    announce_store()  # says which store is used when it is the embedded default
    summary = run_now(task_id)
    if as_json:
        print_json(summary)
    else:
        print_table(f"{task_id}", ["field", "value"], [[k, v] for k, v in summary.items() if k != "errors"])
    for error in summary.get("errors") or []:
        typer.echo(f"error: {error}", err=True)
    if summary.get("failed_to_enqueue"):
        raise typer.Exit(1)


def _redact_logs() -> None:
    from jobagent.config import get_settings
    from jobagent.redaction import install_log_redaction

    install_log_redaction([get_settings().webhook_url])
