"""The one URL redactor and the log redaction every worker and scheduler installs (issue 11 item 4)."""

from __future__ import annotations

import io
import logging

import pytest

from jobagent.redaction import RedactingFilter, install_log_redaction, redact_text, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("https://bob:pw@cvs.example.org/me/cv.pdf", "https://***@cvs.example.org/me/cv.pdf"),
    ("https://cvs.example.org/cv.pdf?X-Amz-Signature=abc", "https://cvs.example.org/cv.pdf?***"),
    ("https://token@cvs.example.org:8443/", "https://***@cvs.example.org:8443"),
    ("http://127.0.0.1:8000/cv.txt", "http://127.0.0.1:8000/cv.txt"),  # nothing secret: unchanged
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(shown) == shown  # idempotent: redacting a message twice changes nothing


def test_webhook_paths_are_hidden() -> None:
    assert redact_url("https://hooks.example.org/services/T0/B0/SECRET", secret_path=True) == \
        "https://hooks.example.org/…"


def test_redact_text_keeps_the_sentence() -> None:
    text = "could not fetch https://bob:pw@h.example/cv.pdf?t=1: HTTP 503 (see http://a:b@x.example/)."
    assert redact_text(text) == "could not fetch https://***@h.example/cv.pdf?***: HTTP 503 (see http://***@x.example)."


def test_configured_webhook_path_is_hidden_in_any_text(env) -> None:
    env(JOBAGENT_WEBHOOK_URL="https://hooks.example.org/services/T0/B0/SECRET")
    assert "SECRET" not in redact_text("POST https://hooks.example.org/services/T0/B0/SECRET failed")


def test_log_lines_and_tracebacks_are_redacted() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test_redaction_logger")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        install_log_redaction(logger=logger)
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
        assert logging.getLogger("httpx").level == logging.WARNING  # no "HTTP Request: GET <url>" lines
        logger.warning("fetching %s", "https://bob:hunter2@cvs.example.org/cv.pdf")
        try:
            raise ValueError("bad answer from https://bob:hunter2@cvs.example.org/cv.pdf")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "hunter2" not in out
    assert out.count("https://***@cvs.example.org/cv.pdf") == 3  # the line, the source line, the exception
