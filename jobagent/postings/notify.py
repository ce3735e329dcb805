"""Handing a finished search to the user outside the terminal: an e-mail digest and a webhook.

Every delivery failure (SMTP refusal, dead server, webhook error) is one
``DeliveryError`` line naming the server and the reason, because only the user can fix their settings.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

import httpx

from jobagent.errors import DeliveryError, JobagentError
from jobagent.fetching import PinnedBackend, check_url, pinned_client
from jobagent.postings.reports import _one_line, safe_url
from jobagent.postings.schema import MatchResult

DIGEST_LIMIT = 10
_BODY_SNIPPET = 200


# ---------------------------------------------------------------------------------------------- digest


def digest_text(query: str, location: str | None, matches: list[MatchResult], report_path: str | None,
                *, limit: int = DIGEST_LIMIT) -> str:
    """A short plain-text digest: the top matches with score, title, company and link."""
    where = f" in {_one_line(location)}" if location else ""
    count = len(matches)
    lines = [f"Job search “{_one_line(query)}”{where}: {count} match{'es' if count != 1 else ''}.", ""]
    if not matches:
        lines.append("No postings matched this search.")
    for rank, m in enumerate(matches[:limit], start=1):
        p = m.posting
        place = p.location or ("remote" if p.remote else None)
        suffix = f" ({_one_line(place)})" if place else ""
        lines.append(f"{rank}. [{m.score:.0f}] {_one_line(p.title)} — {_one_line(p.company)}{suffix}")
        link = safe_url(p.url)
        if link:
            lines.append(f"   {link}")
    if count > limit:
        lines += ["", f"… and {count - limit} more in the full report."]
    if report_path:
        lines += ["", f"Full report: {report_path}"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ email


@dataclass
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0


def _smtp_reply(code: int, text: bytes | str) -> str:
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {_one_line(reply)}".strip()


def _check_header(kind: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise DeliveryError(f"refused to send email: the {kind} contains a line break")


def _check_address(kind: str, value: str) -> None:
    _check_header(kind, value)
    _, address = parseaddr(value)
    if "@" not in address:
        raise DeliveryError(f"refused to send email: the {kind} {value!r} is not an email address")


def _build_message(config: SmtpConfig, to: str, subject: str, text: str, html: str | None,
                   message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain=parseaddr(config.sender)[1].rpartition("@")[2] or None)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def send_digest(config: SmtpConfig, to: str, subject: str, text: str, html: str | None = None, *,
                message_id: str | None = None) -> None:
    """Send one email (plain text, plus an HTML alternative when given); failures are one ``DeliveryError``.

    ``message_id`` should be stable across retries of the same digest (see ``postings.channels``), so a
    resend after a crash is recognisable as the same message.
    """
    _check_address("recipient", to)
    _check_address("sender", config.sender)
    _check_header("subject", subject)
    if message_id is not None:
        _check_header("Message-ID", message_id)
    msg = _build_message(config, to, subject, text, html, message_id)
    server = f"SMTP server {config.host}:{config.port}"
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.username:
                smtp.login(config.username, config.password or "")
            refused = smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        detail = "; ".join(f"{addr}: {_smtp_reply(code, reply)}" for addr, (code, reply) in exc.recipients.items())
        raise DeliveryError(f"{server} refused mail to {detail}") from None
    except smtplib.SMTPSenderRefused as exc:
        reply = _smtp_reply(exc.smtp_code, exc.smtp_error)
        raise DeliveryError(f"{server} refused the sender {config.sender}: {reply}") from None
    except smtplib.SMTPAuthenticationError as exc:
        reply = _smtp_reply(exc.smtp_code, exc.smtp_error)
        raise DeliveryError(f"{server} rejected the login for {config.username}: {reply}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{server} refused the message: {_smtp_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{server} does not support {_one_line(str(exc)) or 'a required extension'}") from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib turns a read timeout into "disconnected"
            raise DeliveryError(f"{server} did not answer within {config.timeout:g} s") from None
        raise DeliveryError(f"{server} closed the connection: {_one_line(str(exc)) or 'no reason given'}") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"{server} failed: {_one_line(str(exc)) or type(exc).__name__}") from None
    except TimeoutError:
        raise DeliveryError(f"{server} did not answer within {config.timeout:g} s") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"{server} TLS failed: {_one_line(exc.reason or str(exc))}") from None
    except OSError as exc:
        reason = exc.strerror or _one_line(str(exc)) or type(exc).__name__
        raise DeliveryError(f"could not connect to {server}: {reason}") from None
    if refused:  # some recipients accepted, some not (only possible with several recipients)
        detail = "; ".join(f"{addr}: {_smtp_reply(code, reply)}" for addr, (code, reply) in refused.items())
        raise DeliveryError(f"{server} refused mail to {detail}")


# ---------------------------------------------------------------------------------------------- webhook


def _redacted(url: str) -> str:
    """Webhook URLs often carry a secret token in the path; messages only name scheme, host and port."""
    from jobagent.redaction import redact_url

    return redact_url(url, secret_path=True)


def post_webhook(url: str, payload: dict[str, Any], *, allow_private: bool, timeout: float = 10.0,
                 idempotency_key: str | None = None) -> int:
    """POST ``payload`` as JSON; returns the 2xx status. Redirects are not followed (the target was checked).

    ``idempotency_key`` goes out as ``Idempotency-Key`` (``<run id>:webhook``), the same on every retry, so
    a receiver can drop a POST it already processed.
    """
    shown = _redacted(url)
    try:
        addresses = check_url(url, allow_private=allow_private)
    except JobagentError as exc:
        raise DeliveryError(f"webhook {str(exc).replace(url, shown)}") from None
    # Connect to the address just checked, never to a second DNS answer (a rebinding name would otherwise
    # pass the check with a public address and then receive the POST on 127.0.0.1 or the metadata service).
    # The fetcher's pinned transport also ignores proxies from the environment and bounds the whole POST.
    backend = PinnedBackend(deadline_at=time.monotonic() + timeout)
    backend.pin(httpx.URL(url).raw_host.decode("ascii"), str(addresses[0]))
    try:
        with pinned_client(backend, "jobagent/0.1") as client:
            headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
            resp = client.post(url, json=payload, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise DeliveryError(f"webhook {shown} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = _one_line(str(exc)) or type(exc).__name__
        raise DeliveryError(f"webhook {shown} failed: {reason}") from None
    if not 200 <= resp.status_code < 300:
        body = _one_line(resp.text)[:_BODY_SNIPPET]
        extra = " (redirects are not followed)" if 300 <= resp.status_code < 400 else ""
        detail = f": {body}" if body else ""
        raise DeliveryError(f"webhook {shown} answered HTTP {resp.status_code}{extra}{detail}")
    return resp.status_code
