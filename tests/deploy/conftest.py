"""The Caddy-fronted stack both Caddy test files use: ``jobagent serve`` (gunicorn, 2 workers) behind Caddy
with the repository's Caddyfile, on Redis and PostgreSQL (the ``live`` fixture). Written once here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import require_tool
from tests.web_stack import WebStack


@pytest.fixture
def stack(live: dict[str, str], tmp_path: Path) -> Iterator[WebStack]:
    require_tool("caddy", "caddy")
    live["JOBAGENT_ALLOW_PRIVATE_URLS"] = "1"  # CVs are served from 127.0.0.1; workers share this dict
    web = WebStack(live, tmp_path)
    try:
        web.start_shim(workers=2)
        web.start_caddy()
        yield web
    finally:
        web.stop()
