"""``jobagent serve``: the HTTP shim under gunicorn (``jobagent dev`` lives in ``dev.py``)."""

from __future__ import annotations

import os
import sys

import typer

from jobagent.cli._app import PANEL_OPERATIONS, app

APP_FACTORY = "jobagent.web:create_app()"
# Threads per gunicorn worker (gthread), measured by benchmarks/bench_http_submit.py; see default_workers().
DEFAULT_THREADS = 32
CONFIG_MODULE = "jobagent.web.gunicorn_config"  # server hooks (gc.freeze before each fork)


def default_workers(threads: int) -> int:
    """Sync workers: 2 x CPUs + 1 (gunicorn's rule: one request per process). Threaded: one process per CPU
    (at least two, so a restarting worker never leaves none): a process serves many requests while they wait
    on PostgreSQL and Redis, and fewer, fuller processes form larger batches and spend less CPU per request
    (2 x 32 beat 3 x 16 on 2 CPUs: 2.7 vs 3.1 ms of gunicorn CPU per submission, batches of 7 vs 5)."""
    cpus = os.cpu_count() or 1
    return 2 * cpus + 1 if threads <= 1 else max(2, cpus)


def gunicorn_argv(host: str, port: int, workers: int, *, threads: int = 1, access_log: bool = True,
                  timeout: int = 30) -> list[str]:
    """The exact gunicorn command line, kept apart so tests, benchmarks and ``jobagent dev`` can reuse it.

    ``threads`` > 1 runs gunicorn's gthread worker: a request waiting on PostgreSQL or Redis no longer holds
    a whole process, and concurrent submissions in one process share one batch (``submission_groups``).
    """
    # --preload: the app is imported once in the master and forked, so workers are ready at once (no import
    # storm under load after a restart) and share memory. Nothing connects at import: the SQLAlchemy engine
    # and the Redis connections are created lazily in each worker.
    argv = [sys.executable, "-m", "gunicorn", "--preload", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--timeout", str(timeout), "--graceful-timeout", str(timeout), "--forwarded-allow-ips", "127.0.0.1",
            "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp", "--error-logfile", "-",
            "--config", f"python:{CONFIG_MODULE}"]
    if threads > 1:
        argv += ["--worker-class", "gthread", "--threads", str(threads)]
    # No request header may set SCRIPT_NAME or PATH_INFO (gunicorn's default forwarder_headers): behind Caddy
    # every peer is the trusted 127.0.0.1, so a client's `SCRIPT_NAME: /api` re-routed /api/rq/... to /rq/...
    # With the list empty, gunicorn drops every header whose name has an underscore (header_map "drop").
    argv += ["--forwarder-headers", ""]
    if access_log:
        argv += ["--access-logfile", "-"]
    if _has_control_socket():  # one fixed path per user: two shims on a host (tests, blue/green) would fight
        argv.append("--no-control-socket")
    return argv + [APP_FACTORY]


def _has_control_socket() -> bool:
    """gunicorn 25+ opens a control socket in ~/.gunicorn unless told not to; older releases lack the flag."""
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:
        return False
    return any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS)


@app.command(rich_help_panel=PANEL_OPERATIONS)
def serve(
    host: str | None = typer.Option(None, "--host", help="Bind address (JOBAGENT_WEB_HOST, default 127.0.0.1: "
                                                         "keep it on loopback behind Caddy)."),
    port: int | None = typer.Option(None, "--port", help="Port (JOBAGENT_WEB_PORT, default 8000)."),
    workers: int | None = typer.Option(None, "--workers", min=1,
                                       help="gunicorn worker processes (default: one per CPU, at least 2, "
                                            "with threads; 2 x CPUs + 1 with --threads 1)."),
    threads: int | None = typer.Option(None, "--threads", min=1,
                                       help=f"Threads per worker (gthread; default {DEFAULT_THREADS}; 1: gunicorn's "
                                            "sync worker). Concurrent submissions in a worker share one batch."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log each request to stdout."),
) -> None:
    """Run the HTTP shim (JSON API and rq-dashboard at /rq) under gunicorn.

    Examples:

        jobagent serve

        jobagent serve --port 8080 --workers 4 --no-access-log

        jobagent serve --workers 3 --threads 32
    """
    from jobagent.config import get_settings

    settings = get_settings()
    if settings.embedded:  # allowed for a quick look, but a request would run a whole workflow in-process
        typer.echo("jobagent serve: embedded mode (no REDIS_URL): workflows run inside the HTTP request; "
                   "set REDIS_URL and DATABASE_URL and run workers for real use", err=True)
        threads = threads or 1  # one request per process: no two in-process workflows on one SQLite file at once
    count_threads = threads or DEFAULT_THREADS
    count = workers or default_workers(count_threads)
    argv = gunicorn_argv(host or settings.web_host, port or settings.web_port, count, threads=count_threads,
                         access_log=access_log)
    sys.stdout.flush()
    os.execv(argv[0], argv)  # gunicorn becomes this process, so signals from systemd reach its master directly
