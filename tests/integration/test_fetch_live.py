"""Issue 11's fetch and error-tree breaks, replayed through the faces where they were found: real CV hosts
on 127.0.0.1, real Redis and PostgreSQL, real ``jobagent worker`` subprocesses and the real CLI."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobagent.api import profiles, runs
from jobagent.store.models import Run, WorkflowExecution
from jobagent.store.session import session_scope
from tests.conftest import Workers, run_cli
from tests.documents import make_pdf
from tests.servers import free_port

CV_PASSWORD = "S3CRET-PW-4711"
HOOK_SECRET = "WEBHOOK-SECRET-PATH-0815"


class _CVHost(BaseHTTPRequestHandler):
    """/flaky.pdf answers 503 the first time, then the PDF; /cv.pdf always the PDF; /slow.pdf trickles."""

    pdf = b""
    hits: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        if self.path == "/flaky.pdf" and type(self).hits.count("/flaky.pdf") == 1:
            return self._send(503, b"busy, come back later")
        if self.path in ("/flaky.pdf", "/cv.pdf"):
            return self._send(200, self.pdf, "application/pdf")
        if self.path == "/slow.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(self.pdf)))
            self.end_headers()
            try:
                for i in range(len(self.pdf)):  # one byte a second: each read is quick, the whole is not
                    self.wfile.write(self.pdf[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1.0)
            except OSError:
                pass
            return None
        return self._send(404, b"no such CV")

    def _send(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def cv_host(tmp_path: Path) -> Iterator[str]:
    _CVHost.pdf = make_pdf(tmp_path / "hosted.pdf").read_bytes()
    _CVHost.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _CVHost)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def pool(env, clean_pg: str, clean_redis: str, tmp_path: Path) -> Iterator[Workers]:
    """Workers that may fetch from 127.0.0.1 through the allow-list (not the all-private switch)."""
    environ = env(database_url=clean_pg, redis_url=clean_redis, JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.1/32",
                  JOBAGENT_FETCH_DEADLINE="4")
    workers = Workers(environ, tmp_path)
    yield workers
    workers.stop_all()


def test_cv_url_503_once_then_200_completes_on_retry(pool: Workers, cv_host: str) -> None:
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [f"http://{cv_host}/flaky.pdf"])
    pool.start()
    st = runs.wait_for(sub.run_id, timeout=120).model_dump()
    assert st["status"] == "completed", (st, pool.logs())
    assert st["attempts"] == 2 and _CVHost.hits == ["/flaky.pdf", "/flaky.pdf"]
    assert profiles.get_profile(st["result"]["profile_id"]).model_dump()["location"] == "Munich, Germany"


def test_slow_loris_cv_host_fails_once_within_the_deadline(pool: Workers, cv_host: str) -> None:
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [f"http://{cv_host}/slow.pdf"])
    pool.start()
    st = runs.wait_for(sub.run_id, timeout=90).model_dump()
    assert st["status"] == "failed", (st, pool.logs())
    assert "gave up after the 4 s deadline" in st["error_message"]
    assert st["attempts"] == 1 and _CVHost.hits == ["/slow.pdf"]  # a deadline overrun is not retried
    # The work itself was bounded by the deadline, not by the 30-minute task limit.
    began, ended = (runs.get_status(sub.run_id).model_dump()[k] for k in ("started_at", "completed_at"))
    from datetime import datetime

    assert (datetime.fromisoformat(str(ended)) - datetime.fromisoformat(str(began))).total_seconds() < 15


def test_malformed_local_feed_fails_at_once(pool: Workers, tmp_path: Path) -> None:
    """A feed file is harvested in the submitting process (issue 12), so a malformed one is refused there:
    one typed input error, no run, nothing for a worker to retry (before issue 11 it was a bare RuntimeError
    in the worker, retried three times)."""
    from sqlalchemy import func, select

    from jobagent.errors import InvalidInput
    from jobagent.store.models import Run
    from jobagent.store.session import session_scope

    bad = tmp_path / "feed.json"
    bad.write_text('{"postings": [{"title": "Data Engineer", ')
    with pytest.raises(InvalidInput, match="not valid JSON"):
        runs.submit_job_search("data engineer", location="Berlin", feed=str(bad))
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 0


def test_no_url_secret_in_logs_or_status(pool: Workers, cv_host: str, hook_server, tmp_path: Path) -> None:
    hook, received = hook_server
    pool.environ["JOBAGENT_WEBHOOK_URL"] = f"{hook}/fail/{HOOK_SECRET}"
    pool.environ["JOBAGENT_ALLOWED_PRIVATE_HOSTS"] = "127.0.0.1/32"
    # A CV behind basic auth that is not there: the failure message names the URL.
    bad = runs.submit_profiling("Alex Morgan", "alex@example.org",
                                [f"http://alex:{CV_PASSWORD}@{cv_host}/missing.pdf?token=abc123"])
    good = runs.submit_profiling("Alex Morgan", "alex@example.org", [f"http://alex:{CV_PASSWORD}@{cv_host}/cv.pdf"])
    pool.start()
    failed = runs.wait_for(bad.run_id, timeout=120).model_dump()
    assert failed["status"] == "failed" and failed["attempts"] == 1, failed  # a 404 is not retried
    assert f"http://***@{cv_host}/missing.pdf?***: HTTP 404" in failed["error_message"]
    done = runs.wait_for(good.run_id, timeout=120).model_dump()
    assert done["status"] == "completed", (done, pool.logs())
    # A search for that profile posts to the webhook, which answers 500 with the secret in its path.
    search = runs.submit_job_search("data engineer", profile_id=done["result"]["profile_id"])
    st = runs.wait_for(search.run_id, timeout=120).model_dump()
    assert st["status"] == "completed" and "webhook" in st["result"]["delivery_failures"], st
    assert received and received[0][0] == f"/fail/{HOOK_SECRET}"  # the secret path was really used
    shown = [run_cli("status", run_id, "--json", environ=pool.environ) for run_id in
             (bad.run_id, good.run_id, search.run_id)]
    assert all(out.returncode == 0 for out in shown), [out.stderr for out in shown]
    logs = pool.logs()
    assert "cv.pdf" in logs or "run_execution" in logs  # the worker did log its work
    for text in [logs, *(out.stdout + out.stderr for out in shown)]:
        assert CV_PASSWORD not in text and HOOK_SECRET not in text and "abc123" not in text
    assert "***@" in json.loads(shown[0].stdout)["error_message"]


def test_unreachable_redis_at_submit_exits_1_and_stores_nothing(env, clean_pg: str, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    environ = env(database_url=clean_pg, redis_url=f"redis://127.0.0.1:{dead}/0")
    out = run_cli("search", "data engineer", "--location", "Berlin", environ=environ)
    assert out.returncode == 1, (out.returncode, out.stderr)
    assert out.stderr.startswith(f"error: cannot reach Redis at 127.0.0.1:{dead}: ") and out.stderr.count("\n") == 1
    with session_scope() as s:
        assert s.query(Run).count() == 0 and s.query(WorkflowExecution).count() == 0  # no failed run row


def test_unreachable_postgres_exits_1_naming_postgresql(env, clean_redis: str) -> None:
    port = free_port()
    environ = env(database_url=f"postgresql+psycopg://jobagent@127.0.0.1:{port}/jobagent", redis_url=clean_redis)
    out = run_cli("runs", environ=environ)
    assert out.returncode == 1 and out.stderr.startswith(f"error: cannot reach PostgreSQL at 127.0.0.1:{port}: "), \
        out.stderr
