"""The ``get(url)`` a source's ``harvest`` calls: host pacing, Retry-After, POST bodies, and the answers it
read, which the next harvest revalidates request by request (``postings/revalidation``)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jobagent.errors import FetchStatus, JobagentError, SourceError, SourceStatus, first_line
from jobagent.fetching import FetchedDocument
from jobagent.pacing import Slot, hold, host_slot
from jobagent.postings.revalidation import Answer, answer_of, encode_body, missing, request_key, revalidate
from jobagent.postings.sources.base import HttpOptions
from jobagent.postings.sources.paging import NotModified, PageMissing
from jobagent.retry_policy import asks_too_long, is_transient, retry_http

if TYPE_CHECKING:
    from jobagent.config import Settings

log = logging.getLogger(__name__)

class PageGetter:
    """The ``get(url)`` a source's ``harvest`` calls: host gate, Retry-After, POST bodies, and the answers it
    read (``answers``), which the next harvest revalidates request by request (``postings/revalidation``)."""

    def __init__(self, http: HttpOptions, min_interval: float, etag: str | None = None,
                 last_modified: str | None = None, settings: Settings | None = None) -> None:
        self.http = http
        self.settings = settings
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

    def slot(self, host: str) -> AbstractContextManager[Slot]:
        """The host's pacing slot for a source whose library makes its own requests (``jobspy:SITE``): each
        call it holds counts as one request, paced like every other request to that host."""
        self.requests += 1
        return host_slot(host, self.min_interval, self.settings)

    def revalidate(self, plan: list[Answer]) -> bool:
        """True when every request of the last complete harvest answers as it did then."""
        return revalidate(self._send, plan, self._replayed)

    def _send(self, url: str, body: bytes | None, headers: dict[str, str]) -> FetchedDocument:
        from jobagent.fetching import fetch_url

        if body is not None:
            headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        host = (urlsplit(url).hostname or "").lower()

        def attempt() -> FetchedDocument:
            with host_slot(host, self.min_interval, self.settings):
                self.requests += 1
                return fetch_url(url, max_bytes=self.http.max_bytes, timeout=self.http.timeout,
                                 allow_private=self.http.allow_private, user_agent=self.http.user_agent,
                                 headers=headers or None, method="POST" if body is not None else "GET", body=body)

        def before_retry(exc: BaseException, delay: float) -> None:
            # Other sources on this host, in every process, wait too; the next attempt's slot waits it out.
            hold(host, delay, self.settings)
            log.info("harvest: %s answered %s; again in %.2f s", url, first_line(exc), delay)

        try:
            return retry_http(attempt, retries=self.http.retries, backoff=self.http.backoff,
                              sleep=lambda _: None, before_retry=before_retry)
        except JobagentError as exc:  # raised here, so the typed cause stays the context of what we raise
            line, status = first_line(exc), getattr(exc, "status", None)
            if status in (404, 410):
                raise PageMissing(line, url=url, status=status) from None
            if (after := asks_too_long(exc)) is not None:
                raise SourceError(f"{line}; asked to retry after {after:.0f} s") from None
            if isinstance(exc, FetchStatus) and not is_transient(exc):
                raise SourceStatus(line, status=exc.status) from None
            raise SourceError(line) from None




