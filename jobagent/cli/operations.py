"""Operator commands: queues, the worker and the schema."""

from __future__ import annotations

import typer

from jobagent.cli._app import PANEL_OPERATIONS, app, db_app
from jobagent.cli._choices import DequeueStrategyName
from jobagent.cli.render import Output, announce_store, output_options, print_table


@app.command(rich_help_panel=PANEL_OPERATIONS)
@output_options
def queues(*, out: Output) -> None:
    """Queue depths, workers and failed counts.

    Examples:

        jobagent queues

        jobagent queues --json
    """
    from jobagent.api import ops

    announce_store()
    data = ops.queue_overview().model_dump(mode="json")
    if out.machine:
        return out.item(data)
    print_table(f"Queues ({data['workers']} workers)", ["queue", "queued", "started", "scheduled", "failed", "workers"],
           [[q["queue"], q["queued"], q["started"], q["scheduled"], q["failed"], q["workers"]]
            for q in data["queues"]])


@app.command(rich_help_panel=PANEL_OPERATIONS)
def worker(
    queues: str = typer.Option("high,default", "--queues", envvar="JOBAGENT_WORKER_QUEUES",
                               help="Comma-separated, in priority order. Give one worker of the pool "
                                    "'default,high' so a flood of high work cannot starve default."),
    name: str | None = typer.Option(None, "--name", help="Worker name, unique across hosts (e.g. %H-%i). "
                                                         "Pooled work-horses are named NAME-SLOT-PID."),
    dequeue_strategy: DequeueStrategyName = typer.Option(
        DequeueStrategyName.default, "--dequeue-strategy",
        help="default (strict queue order), round_robin or random."),
    burst: bool = typer.Option(False, "--burst", help="Stop when the queues are empty."),
    pool: int = typer.Option(0, "--pool", min=0, envvar="JOBAGENT_WORKER_POOL",
                             help="Run N long-lived work-horses that each keep their database connection, "
                                  "instead of forking one per task (0 = fork per task)."),
    max_jobs: int | None = typer.Option(None, "--max-jobs", min=1,
                                        help="Forking: stop after this many tasks. Pooled: recycle each "
                                             "work-horse after this many tasks (default 50)."),
    maintenance_interval: int = typer.Option(600, "--maintenance-interval",
                                             help="Seconds between RQ's registry clean-ups (abandoned tasks)."),
    worker_ttl: int = typer.Option(420, "--worker-ttl", help="Seconds before a silent worker counts as dead."),
    job_monitoring_interval: int = typer.Option(30, "--job-monitoring-interval",
                                                help="Seconds between heartbeats while a task runs."),
) -> None:
    """Run an RQ worker with jobagent's settings (JSON payloads, retries, time limits).

    SIGTERM to the main process stops warm: the running task finishes first.

    Examples:

        jobagent worker --queues high,default

        jobagent worker --pool 4 --max-jobs 50

        jobagent worker --burst --queues default
    """
    from jobagent.worker import checked_queue_names, start

    names = checked_queue_names(queues)
    code = start(names, name=name, strategy=str(dequeue_strategy.value), burst=burst, max_jobs=max_jobs, pool=pool,
                 maintenance_interval=maintenance_interval, worker_ttl=worker_ttl,
                 job_monitoring_interval=job_monitoring_interval)
    raise typer.Exit(code)


# `sources list` moved to jobagent/cli/harvest.py with the harvest state (issue 12).


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="The Alembic revision to reach.")) -> None:
    """Apply the schema migrations (DATABASE_URL, or the embedded SQLite file).

    Examples:

        jobagent db upgrade

        DATABASE_URL=postgresql+psycopg://jobagent@127.0.0.1/jobagent jobagent db upgrade head
    """
    from jobagent.api import ops
    from jobagent.config import get_settings

    now_at = ops.upgrade_schema(revision)
    typer.echo(f"database at revision {now_at} ({get_settings().effective_database_url.split('@')[-1]})")


@db_app.command("current")
@output_options
def db_current(*, out: Output) -> None:
    """Show the database's schema revision and the newest this release ships.

    Examples:

        jobagent db current

        jobagent db current --json
    """
    from jobagent.api import ops

    state = ops.current_revision()
    if out.machine:
        out.item(state.model_dump(mode="json") | {"up_to_date": state.up_to_date})
    else:
        typer.echo(f"database at revision {state.current or '(none)'}, head {state.head} ({state.database})"
                   + ("" if state.up_to_date else ": run `jobagent db upgrade`"))

