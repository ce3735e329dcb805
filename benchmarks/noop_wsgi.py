"""The HTTP baseline: a WSGI app that reads the request body and answers 202 with a fixed body.

Served by ``benchmarks/bench_http_submit.py`` under the same gunicorn command line as ``jobagent serve``
(``jobagent.cli.web.gunicorn_argv``), so the difference to the submit route is jobagent's own work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b'{"run_id": "00000000-0000-0000-0000-000000000000", "status": "pending"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    environ["wsgi.input"].read()
    start_response("202 Accepted", HEADERS)
    return [BODY]
