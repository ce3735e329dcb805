"""DeliveryNode end to end: HTML + Markdown reports, an email digest through a real SMTP server, a webhook,
and each posting delivered to a profile once."""

from __future__ import annotations

from pathlib import Path

from jobagent.api import postings, runs
from jobagent.store.models import Delivery
from jobagent.store.session import session_scope
from tests.documents import make_pdf
from tests.local_services import REFUSED


def _profile(tmp_path: Path, email: str = "alex@example.org") -> str:
    st = runs.get_status(runs.submit_profiling("Alex Morgan", email, [str(make_pdf(tmp_path / "cv.pdf"))])
                         .run_id).model_dump()
    return st["result"]["profile_id"]


def test_digest_and_webhook_deliver_each_posting_once(env, store_url: str, tmp_path: Path, smtp_server,
                                                      hook_server) -> None:
    handler, port = smtp_server
    hook, received = hook_server
    env(database_url=store_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false",
        JOBAGENT_WEBHOOK_URL=f"{hook}/hook", JOBAGENT_ALLOW_PRIVATE_URLS="true")
    profile_id = _profile(tmp_path)
    first = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id).run_id).model_dump()
    result = first["result"]
    assert first["status"] == "completed" and result["delivery_failures"] == {}
    assert result["delivered"] == result["matches"] >= 1
    assert Path(result["html_report_path"]).read_text().startswith("<!DOCTYPE html>")
    assert len(handler.messages) == 1 and handler.recipients == ["alex@example.org"]
    top = [x.model_dump() for x in postings.list_matches(first["run_id"])][0]["title"]
    assert top in handler.messages[0].get_content()
    assert len(received) == 1 and received[0][1]["run_id"] == first["run_id"]

    second = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id).run_id).model_dump()
    assert second["result"]["delivered"] == 0
    assert second["result"]["already_delivered"] == result["matches"]
    assert len(handler.messages) == 1 and len(received) == 1  # nothing sent twice
    with session_scope() as s:
        assert s.query(Delivery).count() == 2 * result["matches"]  # one row per channel (migration 0004)


def test_refused_email_keeps_matches_and_retries_next_time(env, store_url: str, tmp_path: Path,
                                                           smtp_server) -> None:
    handler, port = smtp_server
    env(database_url=store_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    profile_id = _profile(tmp_path, email=REFUSED)
    st = runs.get_status(runs.submit_job_search("data engineer", profile_id=profile_id).run_id).model_dump()
    assert st["status"] == "completed"
    assert "550" in st["result"]["delivery_failures"]["email"] and st["result"]["delivered"] == 0
    assert postings.list_matches(st["run_id"])  # stored matches are not lost
    with session_scope() as s:
        assert s.query(Delivery).count() == 0  # so the next search offers them again
    assert handler.messages == []
