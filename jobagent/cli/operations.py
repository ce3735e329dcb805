"""Operator commands: queues, the worker and the schema."""

from __future__ import annotations

import typer

from jobagent.cli._app import app, db_app
from jobagent.cli.render import Output, announce_store, output_options, print_table


@app.command()
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


@app.command()
def worker(
    queues: str = typer.Option("high,default", "--queues", envvar="JOBAGENT_WORKER_QUEUES",
                               help="Comma-separated, in priority order. Give one worker of the pool "
                                    "'default,high' so a flood of high work cannot starve default."),
    name: str | None = typer.Option(None, "--name", help="Worker name, unique across hosts (e.g. %H-%i)."),
    dequeue_strategy: str = typer.Option("default", "--dequeue-strategy",
                                         help="default (strict queue order), round_robin or random."),
    burst: bool = typer.Option(False, "--burst", help="Stop when the queues are empty."),
    max_jobs: int | None = typer.Option(None, "--max-jobs", help="Stop after this many tasks."),
    maintenance_interval: int = typer.Option(600, "--maintenance-interval", hidden=True),
    worker_ttl: int = typer.Option(420, "--worker-ttl", hidden=True),
    job_monitoring_interval: int = typer.Option(30, "--job-monitoring-interval", hidden=True),
) -> None:
    """Run an RQ worker with jobagent's settings (JSON payloads, retries, time limits)."""
    import logging

    from rq.worker import DequeueStrategy

    from jobagent.errors import InvalidInput
    from jobagent.monitoring.sentry import init_sentry
    from jobagent.queue import QUEUE_NAMES, make_worker
    from jobagent.store.session import prepare_for_forking
    from jobagent.workflows import preload

    names = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = [n for n in names if n not in QUEUE_NAMES] or ([] if names else ["(none)"])
    if unknown:
        raise InvalidInput(f"unknown queue {unknown[0]!r}; use a comma-separated list of {', '.join(QUEUE_NAMES)}")
    try:
        strategy = DequeueStrategy(dequeue_strategy)
    except ValueError:
        raise InvalidInput(f"unknown dequeue strategy {dequeue_strategy!r}; use default, round_robin or random") \
            from None
    preload()
    init_sentry("worker")  # work-horses are forked from here and inherit it
    prepare_for_forking()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _redact_logs()  # issue 11: no URL secrets (userinfo, webhook path) in log lines
    w = make_worker(names, name=name, maintenance_interval=maintenance_interval, worker_ttl=worker_ttl,
                    job_monitoring_interval=job_monitoring_interval)
    w.work(burst=burst, max_jobs=max_jobs, with_scheduler=True, dequeue_strategy=strategy)


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


def _redact_logs() -> None:
    from jobagent.config import get_settings
    from jobagent.redaction import install_log_redaction

    install_log_redaction([get_settings().webhook_url])
