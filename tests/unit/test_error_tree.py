"""The typed error tree, the one mapping step from library exceptions, and the one retry policy."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from jobagent.errors import (
    DatabaseUnavailable,
    EnqueueFailed,
    FetchDeadline,
    FetchRefused,
    FetchStatus,
    FetchTimeout,
    FetchUnavailable,
    InputError,
    InvalidInput,
    NotFound,
    QueueUnavailable,
    ServiceUnavailable,
    SourcesRefused,
    SourcesUnavailable,
    translate,
)
from jobagent.retry_policy import is_permanent, is_transient, retry_delay
from tests.servers import free_port


def test_invalid_input_is_the_input_error_class() -> None:
    assert InvalidInput is InputError
    assert issubclass(NotFound, InputError) and issubclass(FetchRefused, InputError)
    assert issubclass(EnqueueFailed, QueueUnavailable) and issubclass(QueueUnavailable, ServiceUnavailable)
    assert not issubclass(FetchStatus, InputError)  # a 503 is not the user's fault


def test_httpx_exceptions_map_into_the_tree() -> None:
    request = httpx.Request("GET", "https://example.org/cv.pdf")
    assert isinstance(translate(httpx.ConnectTimeout("t", request=request)), FetchTimeout)
    assert isinstance(translate(httpx.ReadTimeout("t", request=request)), FetchTimeout)
    assert isinstance(translate(httpx.ConnectError("refused", request=request)), FetchUnavailable)
    assert isinstance(translate(httpx.RemoteProtocolError("eof", request=request)), FetchUnavailable)
    assert isinstance(translate(httpx.UnsupportedProtocol("ftp")), FetchRefused)
    response = httpx.Response(429, headers={"Retry-After": "12"}, request=request)
    status = translate(httpx.HTTPStatusError("429", request=request, response=response),
                       url="https://example.org/cv.pdf")
    assert isinstance(status, FetchStatus) and status.status == 429 and status.retry_after == 12.0
    assert "could not fetch https://example.org/cv.pdf: HTTP 429" in str(status)


def test_database_and_redis_failures_map_to_service_unavailable() -> None:
    port = free_port()
    engine = create_engine(f"postgresql+psycopg://u:pw@127.0.0.1:{port}/db",
                           connect_args={"connect_timeout": 2})
    with pytest.raises(OperationalError) as db:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    mapped = translate(db.value)
    assert isinstance(mapped, DatabaseUnavailable)
    assert str(mapped).startswith(f"cannot reach PostgreSQL at 127.0.0.1:{port}: ")
    with pytest.raises(redis.ConnectionError) as rd:
        redis.Redis(port=port, socket_connect_timeout=2).ping()
    mapped = translate(rd.value)
    assert isinstance(mapped, QueueUnavailable)
    assert str(mapped) == f"cannot reach Redis at localhost:{port}: Connection refused"
    assert not is_permanent(db.value) and not is_permanent(rd.value)


@pytest.mark.parametrize(("exc", "transient"), [
    (FetchStatus("x", status=500), True),
    (FetchStatus("x", status=503, retry_after=3), True),
    (FetchStatus("x", status=429), True),
    (FetchStatus("x", status=404), False),
    (FetchStatus("x", status=403), False),
    (FetchTimeout("x"), True),
    (FetchDeadline("x"), False),  # a deadline overrun on a user URL is not retried
    (FetchUnavailable("x"), True),
    (FetchRefused("x"), False),
    (InvalidInput("x"), False),
    (NotFound("x"), False),
    (DatabaseUnavailable("x"), True),
    (EnqueueFailed("x"), True),
    (SourcesRefused("x"), False),
    (SourcesUnavailable("x"), True),
    (KeyError("a bug"), True),  # unknown: a few bounded retries
])
def test_retry_policy_decides_from_the_type(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient
    assert is_permanent(exc) is not transient


def test_retry_delay_honours_retry_after() -> None:
    assert retry_delay(FetchUnavailable("x"), 2, base=1, cap=60) == 4
    assert retry_delay(FetchStatus("x", status=503, retry_after=30), 0, base=1, cap=60) == 30
    assert retry_delay(FetchStatus("x", status=503, retry_after=9999), 0, base=1, cap=60) == 60


def test_a_harvest_marks_a_source_failure_permanent_only_when_its_cause_is(env, tmp_path: Path) -> None:
    """What ``discover`` decides from (SourcesRefused only when every failure is permanent) comes from the
    harvest's reports: a malformed or missing feed is permanent, a board that cannot be reached is not."""
    from jobagent.postings.harvest import harvest_sources
    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    env(database_url=url, JOBAGENT_ALLOW_PRIVATE_URLS="true",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps({"greenhouse": f"http://127.0.0.1:{free_port()}"}))
    bad = tmp_path / "malformed.json"
    bad.write_text('{"postings": [ {"title": "x" ')
    reports = harvest_sources([f"feed:{bad}", f"feed:{tmp_path / 'gone.json'}", "greenhouse:acme"])
    assert [r.outcome for r in reports] == ["failed"] * 3
    assert [r.permanent for r in reports] == [True, True, False]
    assert all(r.error and "\n" not in r.error for r in reports)  # one plain line for the status


def test_translate_redacts_library_messages() -> None:
    request = httpx.Request("GET", "https://bob:hunter2@example.org/cv.pdf")
    mapped = translate(httpx.ConnectError("failed for https://bob:hunter2@example.org/cv.pdf", request=request))
    assert "hunter2" not in str(mapped) and "***@example.org" in str(mapped)
