"""``jobagent scheduler`` and ``jobagent schedule ...``: the daily search and other periodic tasks."""

from __future__ import annotations

import typer

from jobagent.cli._app import HELP_MARKUP, PANEL_OPERATIONS, app
from jobagent.cli._choices import PeriodicTaskId
from jobagent.cli.render import Output, output_options, print_table

schedule_app = typer.Typer(help="Periodic tasks (the daily search, reconcile).", no_args_is_help=True,
                           rich_markup_mode=HELP_MARKUP)
app.add_typer(schedule_app, name="schedule", rich_help_panel=PANEL_OPERATIONS)


@app.command(rich_help_panel=PANEL_OPERATIONS)
def scheduler(
    interval: int = typer.Option(60, "--interval", help="Seconds between passes over the schedule."),
    burst: bool = typer.Option(False, "--burst", help="Register, do one pass, and stop."),
) -> None:
    """Run rq-scheduler: registers the daily search (cron in UTC) and reconcile, then enqueues them on time.

    Examples:

        jobagent scheduler

        jobagent scheduler --burst
    """
    import logging

    from jobagent.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _redact_logs()  # issue 11: no URL secrets (userinfo, webhook path) in log lines
    run_scheduler(interval=interval, burst=burst)


@schedule_app.command("show")
@output_options
def schedule_show(*, out: Output) -> None:
    """The registered periodic tasks and their next run time in UTC.

    Examples:

        jobagent schedule show

        jobagent schedule show --json
    """
    from jobagent.api.maintenance import list_scheduled

    rows = [r.model_dump(mode="json") for r in list_scheduled()]
    if out.machine:
        return out.items(rows)
    print_table("Scheduled tasks", ["id", "task", "schedule", "queue", "next run (UTC)"],
                [[r["id"], r["task"], r["schedule"], r["queue"], r["next_run_utc"]] for r in rows],
                flex=["task", "schedule"])
    if not rows:
        typer.echo("nothing registered: start 'jobagent scheduler'")
    return None


@schedule_app.command("run-now")
@output_options
def schedule_run_now(task_id: PeriodicTaskId = typer.Argument(..., help="The periodic task to run."),
                     *, out: Output) -> None:
    """Run a periodic task now, in this process (the daily search creates no duplicates on the same day).

    Examples:

        jobagent schedule run-now daily-search

        jobagent schedule run-now reconcile --json
    """
    from jobagent.api.maintenance import run_now
    from jobagent.cli.render import announce_store

    announce_store()  # says which store is used when it is the embedded default
    summary = run_now(task_id)
    if out.machine:
        out.item(summary)
    else:
        print_table(f"{task_id}", ["field", "value"], [[k, v] for k, v in summary.items() if k != "errors"],
                    flex=["value"], wrap=True)
    for error in summary.get("errors") or []:
        typer.echo(f"error: {error}", err=True)
    if summary.get("failed_to_enqueue"):
        raise typer.Exit(1)


def _redact_logs() -> None:
    from jobagent.config import get_settings
    from jobagent.redaction import install_log_redaction

    install_log_redaction([get_settings().webhook_url])
