"""The ``Source`` interface and the shared HTTP/JSON helpers.

Every network read goes through ``jobagent.fetching.fetch_url`` so the SSRF guard, timeouts, size cap and
per-hop redirect checks apply to job boards exactly as they do to CV URLs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

from jobagent.errors import InputError, SourceError
from jobagent.fetching import fetch_url
from jobagent.postings.schema import PostingData
from jobagent.redaction import redact_url
from jobagent.retry_policy import retry_http

log = logging.getLogger(__name__)

USER_AGENT = "jobagent/0.1 (+https://github.com/jobagent; job-board reader)"
DEFAULT_BASE_URLS: dict[str, str] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "remotive": "https://remotive.com",
    "arbeitnow": "https://www.arbeitnow.com",
    # Applicant-tracking systems (issue 27 §1). A base holding "{company}" is per company: the override in
    # JOBAGENT_SOURCE_BASE_URLS may hold it too (a proxy, or 127.0.0.1 in tests), or leave it out.
    "ashby": "https://api.ashbyhq.com",
    "workable": "https://apply.workable.com",
    "smartrecruiters": "https://api.smartrecruiters.com",
    "recruitee": "https://{company}.recruitee.com",
    "personio": "https://{company}.jobs.personio.de",
    "bamboohr": "https://{company}.bamboohr.com",
}


@runtime_checkable
class Source(Protocol):
    """Anything that yields postings; ``name`` is the spec it was built from, e.g. ``greenhouse:acme``."""

    name: str

    def fetch(self, limit: int) -> list[PostingData]: ...


@dataclass
class HttpOptions:
    """How sources reach the network; tests point ``base_urls`` at 127.0.0.1 and set ``allow_private``."""

    base_urls: dict[str, str] = field(default_factory=dict)
    allow_private: bool = False
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    user_agent: str = USER_AGENT
    retries: int = 2
    backoff: float = 0.5  # seconds before the first retry; doubled for each later one
    sleep: Callable[[float], None] = time.sleep

    def base(self, kind: str, company: str | None = None) -> str:
        """The base URL for ``kind``; ``{company}`` in it becomes ``company`` (URL-quoted), so one override
        such as ``http://127.0.0.1:8080/{company}`` serves every company of a per-company host."""
        base = (self.base_urls.get(kind) or DEFAULT_BASE_URLS[kind]).rstrip("/")
        if "{company}" in base:
            if not company:
                raise InputError(f"the {kind} base URL {base!r} needs a company name")
            base = base.replace("{company}", quote(company, safe=""))
        return base


def fetch_bytes(url: str, http: HttpOptions, *, json_body: Any = None) -> bytes:
    """The body at ``url``, retried ``http.retries`` times with backoff when the retry policy says so;
    with ``json_body``, a POST of it as JSON (search APIs such as Workday's answer only POST).

    Failures keep their type from the error tree (``FetchStatus``, ``FetchTimeout``, ...), so the workflow's
    retry decision later sees what really happened.
    """
    body = None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
    headers = None if body is None else {"Content-Type": "application/json", "Accept": "application/json"}

    def attempt() -> bytes:
        return fetch_url(url, max_bytes=http.max_bytes, timeout=http.timeout, allow_private=http.allow_private,
                         user_agent=http.user_agent, headers=headers, method="GET" if body is None else "POST",
                         body=body).content

    def before_retry(exc: BaseException, delay: float) -> None:
        log.info("retrying %s in %.2f s: %s", getattr(exc, "url", None) or redact_url(url), delay, exc)

    return retry_http(attempt, retries=http.retries, backoff=http.backoff, sleep=http.sleep,
                      before_retry=before_retry)


def fetch_json(url: str, http: HttpOptions) -> Any:
    body = fetch_bytes(url, http)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        start = " ".join(body[:40].decode("utf-8", "replace").split())
        raise SourceError(f"response from {url} is not JSON (starts with {start!r})") from None


def shape_error(url: str, expected: str) -> SourceError:
    return SourceError(f"unexpected response from {url}: expected {expected}")


def object_at(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` when it is a JSON object, else empty: boards send null or a string where we expect one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def list_at(data: dict[str, Any], key: str) -> list[Any]:
    """``data[key]`` when it is a JSON array, else empty."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def clean(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None
