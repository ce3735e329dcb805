"""Sentry: one scrubbed event per final workflow failure, sent by real workers to a real local ingest."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import wait_until
from tests.sentry_ingest import SentryIngest, sentry_ingest_fixture, sentry_live_fixture  # noqa: F401  (fixtures)

EMAIL = "jane.doe@example.com"
PHONE = "+49 170 1234567"
CV_TEXT = ("Curriculum Vitae. Jane Doe, Senior Backend Engineer with eleven years of Python, PostgreSQL and "
           "Kubernetes. Experience: Acme GmbH 2015-2024, led the payments platform; Globex 2012-2015. "
           "Education: MSc Computer Science, TU Berlin. Languages: German, English, Spanish.")


def _error_events(ingest: SentryIngest) -> list[dict]:
    return [e for e in ingest.events if e.get("level") == "error"]


def test_init_is_a_noop_without_dsn(env) -> None:
    from jobagent.monitoring import sentry

    env()
    sentry.shutdown()
    assert sentry.init_sentry("test") is False
    assert not sentry.enabled()


def test_scrubber_on_a_real_event(sentry_live) -> None:
    """A real SDK event with PII in the message, the exception and the context reaches the ingest scrubbed."""
    import sentry_sdk

    from jobagent.monitoring.sentry import capture_alert, capture_final_failure

    _, ingest = sentry_live
    execution_id = "0b6f1c9e-5555-4a5b-9c8d-9f8e7d6c5b4a"
    try:
        raise ValueError(f"could not parse CV of {EMAIL} ({PHONE})")
    except ValueError as exc:
        capture_final_failure(exc, workflow_type="profiling", execution_id=execution_id, run_id="run-1",
                              node="CVProcessingNode", attempts=1)
    capture_alert("test:pii", f"reply to {EMAIL} or call {PHONE}", context={"cv_text": CV_TEXT, "note": CV_TEXT})
    with sentry_sdk.new_scope() as scope:
        scope.set_extra("free", f"{CV_TEXT} {EMAIL}")
        scope.set_user({"email": EMAIL})
        sentry_sdk.capture_message(f"plain {PHONE}")
    sentry_sdk.flush(5)
    wait_until(lambda: len(ingest.events) >= 3, timeout=10)
    raw = ingest.raw_bytes()
    for secret in (EMAIL, PHONE, "1234567", "Curriculum Vitae", "TU Berlin"):
        at = raw.find(secret.encode())
        assert at < 0, raw[max(0, at - 300):at + 50]
    failure = ingest.find(alert="workflow_failed")[0]
    assert failure["contexts"]["workflow"]["execution_id"] == execution_id  # ids survive the phone filter
    assert "[email]" in failure["exception"]["values"][0]["value"]


def test_failing_workflow_sends_one_event_with_context(sentry_live, workers, tmp_path: Path, monkeypatch) -> None:
    from jobagent.api import runs
    from jobagent.config import get_settings

    environ, ingest = sentry_live
    monkeypatch.setenv("JOBAGENT_MAX_RETRIES", "2")  # the retry budget is set on the job at submission
    get_settings.cache_clear()
    workers.environ["JOBAGENT_MAX_RETRIES"] = "2"
    workers.start("--queues", "default")
    message = f"cannot reach {EMAIL}, phone {PHONE}"
    sub = runs.submit_workflow("test_fail", {"fail_times": 10, "marker_dir": str(tmp_path), "message": message,
                                             "sleep_seconds": 0})
    st = wait_until(lambda: (s := runs.get_status(sub.run_id).model_dump())["status"] == "failed" and s, timeout=60)
    events = ingest.wait_for(1, timeout=20, alert="workflow_failed")
    time.sleep(1.5)  # give a (wrong) duplicate from RqIntegration or a retry the time to arrive
    errors = _error_events(ingest)
    assert len(errors) == 1, [e.get("message") or e.get("exception") for e in errors]
    ctx = events[0]["contexts"]["workflow"]
    assert ctx["workflow_type"] == "test_fail"
    assert ctx["execution_id"] == sub.execution_id
    assert ctx["run_id"] == sub.run_id
    assert ctx["node"] == "FailNode"
    assert ctx["attempts"] == st["attempts"]
    assert st["attempts"] == 3 == int(Path(tmp_path, f"{sub.execution_id}.visits").read_text())
    raw = ingest.raw_bytes()
    assert EMAIL.encode() not in raw and b"1234567" not in raw
    assert sub.execution_id.encode() in raw
