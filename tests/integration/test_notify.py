"""HTML report, email digest and webhook delivery, against real servers on 127.0.0.1."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from jobagent.errors import DeliveryError, JobagentError
from jobagent.postings import reports
from jobagent.postings.notify import SmtpConfig, digest_text, post_webhook, send_digest
from jobagent.postings.reports import render_html_report, write_html_report
from jobagent.postings.schema import MatchResult, PostingData
from tests.local_services import REFUSED, _Collector

EVIL = "<script>alert('x')</script>"


def _match(title: str, company: str, score: float, url: str | None = "https://jobs.example.com/1",
           **extra: Any) -> MatchResult:
    posting = PostingData(source="feed:test", external_id=title, url=url, title=title, company=company,
                          location="Berlin", posted_at=datetime(2024, 5, 1, tzinfo=UTC), **extra)
    return MatchResult(posting=posting, score=score, reasons=["title matches", "skills: python"])


def _matches() -> list[tuple[MatchResult, str, str]]:
    return [
        (_match("Senior Python Engineer", "Acme GmbH", 91.4, salary_min=70000, salary_max=90000,
                salary_currency="EUR"), "- Acme makes anvils", "Dear Acme team,\nI would like to apply."),
        (_match("Data Engineer", "Globex", 72.0, url="https://jobs.example.com/2"), "", ""),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------------------------------- HTML report


def test_html_report_has_the_markdown_content() -> None:
    html = render_html_report(query="python", location="Berlin", profile_name="Ada", matches=_matches())
    assert html.startswith("<!DOCTYPE html>")
    for expected in ("Postings for “python”", "Ada", "Berlin", "Senior Python Engineer", "Acme GmbH",
                     "score 91", "70,000–90,000 EUR", "2024-05-01", "title matches", "Acme makes anvils",
                     "I would like to apply.", 'href="https://jobs.example.com/2"', "No notes.",
                     "No cover letter written."):
        assert expected in html, expected


def test_html_report_without_matches() -> None:
    html = render_html_report(query="cobol", location=None, profile_name="", matches=[])
    assert "No postings matched this search." in html
    assert "unnamed profile" in html and "<table>" not in html


def test_html_report_escapes_posting_text() -> None:
    bad = _match(EVIL, f"Evil {EVIL} Inc", 50, url="javascript:alert(1)", description=EVIL)
    bad.reasons.append(EVIL)
    html = render_html_report(query=EVIL, location=EVIL, profile_name=EVIL, matches=[(bad, EVIL, EVIL)])
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html  # a non-http link is shown as text, never as a link
    assert "javascript:alert(1)" in html


def test_write_html_report_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reports" / "run.html"
    assert write_html_report(target, query="python", location=None, profile_name="Ada",
                             matches=_matches()) == target
    assert "Senior Python Engineer" in target.read_text(encoding="utf-8")
    assert list(target.parent.iterdir()) == [target]

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(reports.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_html_report(target, query="other", location=None, profile_name="Ada", matches=[])
    assert "Senior Python Engineer" in target.read_text(encoding="utf-8")  # old report untouched
    assert list(target.parent.iterdir()) == [target]  # and no .partial left behind


# ------------------------------------------------------------------------------------------------ digest


def test_digest_text_lists_top_matches() -> None:
    matches = [m for m, _, _ in _matches()]
    text = digest_text("python", "Berlin", matches, "/tmp/r.html", limit=1)
    assert "“python” in Berlin: 2 matches" in text
    assert "1. [91] Senior Python Engineer — Acme GmbH (Berlin)" in text
    assert "https://jobs.example.com/1" in text
    assert "Data Engineer" not in text and "1 more" in text
    assert text.rstrip().endswith("Full report: /tmp/r.html")
    assert "No postings matched" in digest_text("x", None, [], None)


# ------------------------------------------------------------------------------------------------- SMTP


def _deny_all(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    return AuthResult(success=False, handled=False)


def test_send_digest_delivers_text_and_html(smtp_server: tuple[_Collector, int]) -> None:
    handler, port = smtp_server
    matches = [m for m, _, _ in _matches()]
    text = digest_text("python", "Berlin", matches, None)
    html = render_html_report(query="python", location="Berlin", profile_name="Ada", matches=_matches())
    config = SmtpConfig(host="127.0.0.1", port=port, sender="jobagent@example.com", timeout=5)
    send_digest(config, "ada@example.com", "2 new postings for python", text, html)

    assert handler.recipients == ["ada@example.com"]
    [msg] = handler.messages
    assert msg["To"] == "ada@example.com"
    assert msg["From"] == "jobagent@example.com"
    assert msg["Subject"] == "2 new postings for python"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(preferencelist=("plain",))
    rich = msg.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    assert "1. [91] Senior Python Engineer — Acme GmbH" in plain.get_content()
    assert "<h1>Postings for “python”</h1>" in rich.get_content()


def test_send_digest_text_only(smtp_server: tuple[_Collector, int]) -> None:
    handler, port = smtp_server
    send_digest(SmtpConfig("127.0.0.1", port, "jobagent@example.com", timeout=5), "ada@example.com", "hi", "body")
    [msg] = handler.messages
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().strip() == "body"


def test_refused_recipient_is_one_line(smtp_server: tuple[_Collector, int]) -> None:
    handler, port = smtp_server
    config = SmtpConfig(host="127.0.0.1", port=port, sender="jobagent@example.com", timeout=5)
    with pytest.raises(DeliveryError) as info:
        send_digest(config, REFUSED, "subject", "text")
    message = str(info.value)
    assert message == f"SMTP server 127.0.0.1:{port} refused mail to {REFUSED}: 550 5.1.1 mailbox unavailable"
    assert isinstance(info.value, JobagentError)
    assert handler.messages == []


def test_connection_refused() -> None:
    port = _free_port()  # nothing listens there any more
    with pytest.raises(DeliveryError, match=rf"could not connect to SMTP server 127\.0\.0\.1:{port}: .*refused"):
        send_digest(SmtpConfig("127.0.0.1", port, "jobagent@example.com", timeout=5), "ada@example.com", "s", "t")


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (kernel backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        config = SmtpConfig("127.0.0.1", port, "jobagent@example.com", timeout=0.5)
        with pytest.raises(DeliveryError, match=r"did not answer within 0\.5 s"):
            send_digest(config, "ada@example.com", "s", "t")


def test_authentication_failure() -> None:
    port = _free_port()
    controller = Controller(_Collector(), hostname="127.0.0.1", port=port, authenticator=_deny_all,
                            auth_require_tls=False)
    controller.start()
    try:
        config = SmtpConfig("127.0.0.1", port, "jobagent@example.com", username="ada", password="wrong", timeout=5)
        with pytest.raises(DeliveryError, match=rf"127\.0\.0\.1:{port} rejected the login for ada: 535"):
            send_digest(config, "ada@example.com", "s", "t")
    finally:
        controller.stop()


@pytest.mark.parametrize(("to", "subject", "sender"), [
    ("ada@example.com", "hello\r\nBcc: victim@example.com", "jobagent@example.com"),
    ("ada@example.com\nBcc: victim@example.com", "hello", "jobagent@example.com"),
    ("ada@example.com", "hello", "jobagent@example.com\r\nBcc: victim@example.com"),
    ("not an address", "hello", "jobagent@example.com"),
])
def test_header_injection_is_refused(smtp_server: tuple[_Collector, int], to: str, subject: str,
                                     sender: str) -> None:
    handler, port = smtp_server
    with pytest.raises(DeliveryError, match="refused to send email"):
        send_digest(SmtpConfig("127.0.0.1", port, sender, timeout=5), to, subject, "text")
    assert handler.messages == []


# ---------------------------------------------------------------------------------------------- webhook


def test_webhook_posts_json(hook_server: tuple[str, list[tuple[str, dict[str, Any]]]]) -> None:
    base, received = hook_server
    payload = {"query": "python", "matches": [{"title": "Senior Python Engineer", "score": 91}]}
    assert post_webhook(f"{base}/ok", payload, allow_private=True, timeout=5) == 204
    assert received == [("/ok", payload)]


def test_webhook_error_status_is_one_line_without_the_secret(
        hook_server: tuple[str, list[tuple[str, dict[str, Any]]]]) -> None:
    base, received = hook_server
    with pytest.raises(DeliveryError) as info:
        post_webhook(f"{base}/fail/SECRET-TOKEN", {"a": 1}, allow_private=True, timeout=5)
    message = str(info.value)
    assert "HTTP 500" in message and "internal trouble second line" in message
    assert "\n" not in message and "SECRET-TOKEN" not in message
    assert len(received) == 1


def test_webhook_does_not_follow_redirects(hook_server: tuple[str, list[tuple[str, dict[str, Any]]]]) -> None:
    base, received = hook_server
    with pytest.raises(DeliveryError, match="HTTP 302 .redirects are not followed"):
        post_webhook(f"{base}/redirect", {"a": 1}, allow_private=True, timeout=5)
    assert [path for path, _ in received] == ["/redirect"]


def test_webhook_refuses_private_address(hook_server: tuple[str, list[tuple[str, dict[str, Any]]]]) -> None:
    base, received = hook_server
    with pytest.raises(DeliveryError, match="127.0.0.1 is a loopback address") as info:
        post_webhook(f"{base}/ok/SECRET-TOKEN", {"a": 1}, allow_private=False, timeout=5)
    assert "SECRET-TOKEN" not in str(info.value)
    assert received == []


def test_webhook_connection_refused() -> None:
    with pytest.raises(DeliveryError, match=r"webhook http://127\.0\.0\.1:\d+/… failed"):
        post_webhook(f"http://127.0.0.1:{_free_port()}/hook", {"a": 1}, allow_private=True, timeout=5)
