"""Check a source before it joins the scheduled harvest: one request, and a board that does not exist is
refused then, not found failing at three in the morning (issue 27 §6).

The source's own ``harvest`` builds the request, so the check asks exactly what a harvest would ask first;
the getter makes that one request (through the per-host gate) and keeps the failure's type, which the
harvest's getter flattens into a message. What the answers mean at add time:

- 404 / 410: the board does not exist (a typo in the token) -> ``BoardNotFound``, an input error (exit 3);
- another 4xx, a refused URL, an answer that is not the board's shape -> an input error (exit 3);
- 5xx, 429, a timeout, a refused connection -> ``CheckUnavailable`` (exit 1): whether the board exists is
  unknown, so it is not added; adding without the check (``sources add --no-check``) lets the first harvest
  tell.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

from jobagent.errors import (
    BoardNotFound,
    CheckUnavailable,
    FetchError,
    FetchStatus,
    FetchTimeout,
    FetchUnavailable,
    InputError,
    SourceError,
    first_line,
)
from jobagent.fetching import fetch_url
from jobagent.postings.sources.base import Source
from jobagent.postings.sources.paging import Getter
from jobagent.redaction import redact_source
from jobagent.retry_policy import is_transient


def _one_request(source: Source, min_interval: float) -> Getter:
    from jobagent.pacing import host_slot

    http = getattr(source, "http")  # noqa: B009 - only sources with a harvest(get) come here
    asked: list[int] = []

    def get(url: str, json_body: Any = None) -> bytes:
        from jobagent.postings.revalidation import encode_body

        if asked:
            raise _Enough
        asked.append(1)
        body = encode_body(json_body)  # Workday's search is a POST
        headers = {"Content-Type": "application/json", "Accept": "application/json"} if body is not None else None
        with host_slot((urlsplit(url).hostname or "").lower(), min_interval):
            return fetch_url(url, max_bytes=http.max_bytes, timeout=http.timeout,
                             allow_private=http.allow_private, user_agent=http.user_agent, headers=headers,
                             method="POST" if body is not None else "GET", body=body).content

    return get


def _paced(min_interval: float) -> Callable[[str], AbstractContextManager[Any]]:
    from jobagent.pacing import host_slot

    return lambda host: host_slot(host, min_interval)


class _Enough(Exception):  # noqa: N818 - the check needs the first answer only
    pass


def check_source(source: Source, *, min_interval: float = 0.0) -> int:
    """Ask the source once; the postings its first answer holds, or a typed error saying why it is refused."""
    shown = redact_source(source.name)
    try:
        if hasattr(source, "check"):  # a source whose library makes its own requests (jobspy:SITE)
            return int(source.check(_paced(min_interval)))
        if getattr(source, "is_local", False):
            return len(source.parse(source.read()))  # type: ignore[attr-defined]
        if not hasattr(source, "harvest"):
            return len(source.fetch(1))
        pages = source.harvest(_one_request(source, min_interval))
        try:
            return len(next(iter(pages), []))
        except _Enough:
            return 0
    except FetchStatus as exc:
        if exc.status in (404, 410):
            raise BoardNotFound(f"{shown}: no such board ({exc.url or 'the board'} answered {exc.status})") from None
        if is_transient(exc):
            raise _unavailable(shown, exc) from None
        raise InputError(f"{shown}: the board refused the request: {first_line(exc)}") from None
    except (FetchTimeout, FetchUnavailable) as exc:
        raise _unavailable(shown, exc) from None
    except SourceError as exc:
        raise InputError(f"{shown}: not a board we can read: {first_line(exc)}") from None
    except FetchError as exc:
        if is_transient(exc):
            raise _unavailable(shown, exc) from None
        raise



def _unavailable(shown: str, exc: FetchError) -> CheckUnavailable:
    return CheckUnavailable(f"{shown}: could not check the board now ({first_line(exc)}); not added: try again later, "
                            "or add it without the check", url=exc.url)
