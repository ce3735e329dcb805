"""``jobagent serve``: the HTTP shim under gunicorn (``jobagent dev`` lives in ``dev.py``)."""

from __future__ import annotations

import os
import sys

import typer

from jobagent.cli._app import app

APP_FACTORY = "jobagent.web:create_app()"


def gunicorn_argv(host: str, port: int, workers: int, *, access_log: bool = True, timeout: int = 30) -> list[str]:
    """The exact gunicorn command line, kept apart so tests and ``jobagent dev`` can reuse it."""
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--timeout", str(timeout), "--graceful-timeout", str(timeout), "--forwarded-allow-ips", "127.0.0.1",
            "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp", "--error-logfile", "-"]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv + [APP_FACTORY]


@app.command()
def serve(
    host: str | None = typer.Option(None, "--host", help="Bind address (JOBAGENT_WEB_HOST, default 127.0.0.1: "
                                                         "keep it on loopback behind Caddy)."),
    port: int | None = typer.Option(None, "--port", help="Port (JOBAGENT_WEB_PORT, default 8000)."),
    workers: int | None = typer.Option(None, "--workers", min=1,
                                       help="gunicorn sync workers (default 2 x CPUs + 1)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log each request to stdout."),
) -> None:
    """Run the HTTP shim (JSON API and rq-dashboard at /rq) under gunicorn."""
    from jobagent.config import get_settings

    settings = get_settings()
    count = workers or 2 * (os.cpu_count() or 1) + 1
    argv = gunicorn_argv(host or settings.web_host, port or settings.web_port, count, access_log=access_log)
    sys.stdout.flush()
    os.execv(argv[0], argv)  # gunicorn becomes this process, so signals from systemd reach its master directly
