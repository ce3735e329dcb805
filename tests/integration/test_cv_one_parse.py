"""One parse per CV (issue 26 §4): the text the submit-time sandbox extracted is stored with the bytes, the
worker builds the profile from it and never parses the file again; the stored rows have a retention rule.

The worker is a real ``jobagent worker`` subprocess whose every parse fails (``JOBAGENT_CV_MAX_CHARS=1``
makes the reader refuse any text): a local CV submitted with the ordinary settings still becomes a
profile there, while a CV given as a URL, which only the worker can parse, is refused by that same worker.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update

from jobagent.store.models import StoredCV, utcnow
from jobagent.store.session import session_scope
from tests.documents import make_pdf


@pytest.fixture
def cv_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a directory of CV files."""
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_the_worker_uses_the_text_stored_at_submit_and_never_parses_again(
        workers, tmp_path: Path, cv_site: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings

    monkeypatch.setenv("JOBAGENT_ALLOWED_PRIVATE_HOSTS", "127.0.0.1")  # the CV site is on loopback
    get_settings.cache_clear()

    base, root = cv_site
    local = make_pdf(tmp_path / "cv.pdf")
    make_pdf(root / "remote.pdf")
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [str(local)])
    with session_scope() as s:
        row = s.scalars(select(StoredCV)).one()
        assert row.kind == "pdf" and row.text and "Apache Kafka" in row.text and row.profiled_at is None
    remote = runs.submit_profiling("Alex Morgan", "alex@example.org", [f"{base}/remote.pdf"])
    local.unlink()  # not that the worker would look: it has the text

    workers.environ.update(JOBAGENT_CV_MAX_CHARS="1", JOBAGENT_ALLOWED_PRIVATE_HOSTS="127.0.0.1")
    workers.start("--burst", "--queues", "high,default").wait(timeout=120)

    done = runs.get_status(sub.run_id).model_dump()
    assert done["status"] == "completed", (done, workers.logs())
    assert "Munich" in done["result"]["location"] and "python" in {k.lower() for k in done["result"]["skills"]}
    refused = runs.get_status(remote.run_id).model_dump()  # the control: this worker's parses all fail
    assert refused["status"] == "failed" and "more than 1 characters" in (refused["error_message"] or ""), refused
    with session_scope() as s:
        assert s.scalars(select(StoredCV.profiled_at)).one() is not None  # the retention clock started


def _store(name: str) -> str:
    from jobagent.cv.intake import LocalCV
    from jobagent.cv.stored import store_documents

    doc = LocalCV(f"/home/{name}/cv.txt", f"{name}'s CV".encode(), text=f"{name}'s CV", kind="text")
    return store_documents([doc])[doc.path]


def _age(sha: str, days: float) -> None:
    with session_scope() as s:
        s.execute(update(StoredCV).where(StoredCV.sha256 == sha).values(profiled_at=utcnow() - timedelta(days=days)))


def _stored() -> set[str]:
    with session_scope() as s:
        return set(s.scalars(select(StoredCV.sha256)))


def test_stored_cvs_expire_after_the_retention_days_once_profiled(env: Callable[..., dict[str, str]],
                                                                  store_url: str) -> None:
    """On both stores, through the daily fan-out that runs the sweep: a document profiled 31 days ago goes;
    one profiled 29 days ago, one not yet profiled (still queued), and one submitted again stay."""
    from jobagent.daily_search import fan_out_daily_search

    env(database_url=store_url, JOBAGENT_CV_RETENTION_DAYS="30")
    old, recent, queued, again = (_store(n) for n in ("old", "recent", "queued", "again"))
    _age(old, 31)
    _age(recent, 29)
    _age(again, 45)
    assert _store("again") == again  # submitted anew: its mark is cleared until the new run profiles it

    summary = fan_out_daily_search()
    assert summary.cv_documents_expired == 1 and not summary.errors, summary
    assert _stored() == {recent, queued, again}
    with session_scope() as s:
        assert s.get(StoredCV, again).profiled_at is None  # type: ignore[union-attr]
    _age(recent, 31)
    assert fan_out_daily_search().cv_documents_expired == 1 and _stored() == {queued, again}
