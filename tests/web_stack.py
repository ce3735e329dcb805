"""The HTTP stack as an operator runs it: ``jobagent serve`` (gunicorn) and Caddy with the repository's
Caddyfile, each a subprocess on a free loopback port, plus a tiny file server for CVs given as URLs.

Nothing here depends on pytest, so the benchmark uses it too.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.servers import free_port, port_is_open

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "Caddyfile"
TOKEN = "test-token-0123456789abcdef"
RQ_USER = "ops"
RQ_PASSWORD = "dashboard-password-for-tests"
# Caddy adds it to /rq requests after basicauth; the shim lets the dashboard open only with it (or a token).
PROXY_SECRET = "dashboard-proxy-secret-for-tests-0123"

CV_MARKDOWN = """# Jane Doe
Berlin, Germany - jane@example.com

## Experience
Senior Backend Engineer, Acme GmbH (2018-2024): Python, PostgreSQL, Redis, Django, Kubernetes.
Software Engineer, Foo AG (2014-2018): Python, SQL, AWS.

## Skills
Python, Django, Flask, PostgreSQL, Redis, Docker, Kubernetes, AWS
"""


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        if port_is_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


@functools.lru_cache(maxsize=4)
def caddy_hash(password: str) -> str:
    """A bcrypt hash the way an operator makes one (``caddy hash-password``)."""
    out = subprocess.run(["caddy", "hash-password", "--plaintext", password], capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip()


class WebStack:
    """Starts the shim and Caddy as subprocesses (own process groups) and always stops them."""

    def __init__(self, environ: dict[str, str], log_dir: Path) -> None:
        self.environ = {"API_TOKENS": TOKEN, "JOBAGENT_DASHBOARD_PROXY_SECRET": PROXY_SECRET, **environ}
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.shim_port = 0
        self.caddy_port = 0

    def _env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, **self.environ, **extra,
                "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.log_dir / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=ROOT)
        self.procs.append(proc)
        return proc, log

    def start_shim(self, workers: int = 2, *extra: str) -> str:
        """``jobagent serve`` on a free port; returns its base URL."""
        self.shim_port = free_port()
        argv = [sys.executable, "-m", "jobagent.cli", "serve", "--host", "127.0.0.1", "--port",
                str(self.shim_port), "--workers", str(workers), *extra]
        proc, log = self._spawn("shim", argv, self._env())
        wait_for_port(self.shim_port, proc, log)
        return self.shim_url

    def start_caddy(self, password: str = RQ_PASSWORD) -> str:
        """Caddy with the production Caddyfile, pointed at plain HTTP on loopback through its env placeholders."""
        self.caddy_port = free_port()
        home = self.log_dir / "caddy-home"
        home.mkdir(exist_ok=True)
        env = self._env(JOBAGENT_DOMAIN=f"http://127.0.0.1:{self.caddy_port}",
                        JOBAGENT_UPSTREAM=f"127.0.0.1:{self.shim_port}", JOBAGENT_CADDY_ADMIN="off",
                        JOBAGENT_RQ_USER=RQ_USER, JOBAGENT_RQ_PASSWORD_HASH=caddy_hash(password),
                        HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"))
        argv = [shutil.which("caddy") or "caddy", "run", "--adapter", "caddyfile", "--config", str(CADDYFILE)]
        proc, log = self._spawn("caddy", argv, env)
        wait_for_port(self.caddy_port, proc, log)
        return self.caddy_url

    @property
    def shim_url(self) -> str:
        return f"http://127.0.0.1:{self.shim_port}"

    @property
    def caddy_url(self) -> str:
        return f"http://127.0.0.1:{self.caddy_port}"

    def client(self, base_url: str, token: str | None = TOKEN, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=base_url, headers=headers, timeout=30, **kwargs)

    def logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.log_dir.glob("*.log"))

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=30)
        self.procs.clear()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the stdlib's signature)
        pass


class FileServer:
    """Serves a directory over HTTP on loopback, in a thread (CVs given as URLs, as a user would)."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"
