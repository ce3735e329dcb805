"""The ``get(url)`` a source's ``harvest`` calls: host pacing, Retry-After, POST bodies, and the answers it
read, which the next harvest revalidates request by request (``postings/revalidation``)."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from jobagent.errors import FetchStatus, JobagentError
from jobagent.fetching import FetchedDocument
from jobagent.pacing import host_slot
from jobagent.postings.revalidation import Answer, answer_of, encode_body, missing, request_key, revalidate
from jobagent.postings.sources.base import HttpOptions, SourceError, SourceStatus
from jobagent.postings.sources.paging import NotModified, PageMissing

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 120.0  # a board asking for longer is reported as failed rather than holding a worker


def _retryable(exc: BaseException) -> bool:
    """The one retry policy decides from the error's type (5xx, 429, timeouts, connection errors)."""
    from jobagent.retry_policy import is_transient

    return is_transient(exc)


class PageGetter:
    """The ``get(url)`` a source's ``harvest`` calls: host gate, Retry-After, POST bodies, and the answers it
    read (``answers``), which the next harvest revalidates request by request (``postings/revalidation``)."""

    def __init__(self, http: HttpOptions, min_interval: float, etag: str | None = None,
                 last_modified: str | None = None) -> None:
        self.http = http
        self.min_interval = min_interval
        # Rows from before per-request answers were kept: the first request is conditional, as it was then.
        self.conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        self.first = True
        self.requests = 0
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.answers: list[Answer] = []
        self._replayed: dict[str, tuple[bytes, Answer]] = {}  # bodies read while revalidating, by request

    def __call__(self, url: str, json_body: Any = None) -> bytes:
        body = encode_body(json_body)
        replayed = self._replayed.pop(request_key(url, body), None)
        if replayed is not None:
            content, answer = replayed
        else:
            headers = self.conditional if self.first else {}
            try:
                doc = self._send(url, body, headers)
            except PageMissing as exc:
                self.answers.append(Answer(url, body, missing(exc.status)))
                raise
            if doc.status_code == 304:
                raise NotModified(url)
            content, answer = doc.content, answer_of(url, body, doc)
        if self.first:
            self.etag, self.last_modified = answer.etag, answer.last_modified
            self.first = False
        self.answers.append(answer)
        return content

    def revalidate(self, plan: list[Answer]) -> bool:
        """True when every request of the last complete harvest answers as it did then."""
        return revalidate(self._send, plan, self._replayed)

    def _send(self, url: str, body: bytes | None, headers: dict[str, str]) -> FetchedDocument:
        from jobagent.fetching import fetch_url

        if body is not None:
            headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        host = (urlsplit(url).hostname or "").lower()
        for attempt in range(self.http.retries + 1):
            with host_slot(host, self.min_interval) as gate:
                self.requests += 1
                try:
                    return fetch_url(url, max_bytes=self.http.max_bytes, timeout=self.http.timeout,
                                     allow_private=self.http.allow_private, user_agent=self.http.user_agent,
                                     headers=headers or None, method="POST" if body is not None else "GET",
                                     body=body)
                except JobagentError as exc:
                    line = str(exc).splitlines()[0]
                    status = getattr(exc, "status", None)
                    if status in (404, 410):
                        raise PageMissing(line, url=url, status=status) from None
                    if attempt >= self.http.retries or not _retryable(exc):
                        if isinstance(exc, FetchStatus) and not _retryable(exc):
                            raise SourceStatus(line, status=exc.status) from None
                        raise SourceError(line) from None
                    delay = getattr(exc, "retry_after", None)
                    if delay is not None and delay > MAX_RETRY_AFTER:
                        raise SourceError(f"{line}; asked to retry after {delay:.0f} s") from None
                    delay = self.http.backoff * 2**attempt if delay is None else float(delay)
                    gate.not_before = time.monotonic() + delay  # other sources on this host wait too
                    log.info("harvest: %s answered %s; again in %.2f s", url, line, delay)
        raise AssertionError("unreachable")


