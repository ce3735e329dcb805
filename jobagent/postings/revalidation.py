"""What each request of a source's last complete harvest answered, so the next harvest can ask "still the
same?" of every page, not only the first (issue 27 §1).

A 304 for page 1 says nothing about page 3 (a posting removed there), so a single validator per source
made every paged board (and every board with a detail request per posting) unconditional. Instead the
harvest keeps, per source and in order, one ``Answer`` per request: the server's ETag/Last-Modified when
it sent them, and always a SHA-256 of the body (or the 404/410 a gone detail page gave). The next harvest
first replays that list (``PageGetter.revalidate``): a GET carries its own validators, so an unchanged
page costs a 304 and no body; a POST (Workday's search, which HTTP cannot answer with 304) or a page
without validators is asked again and compared by hash. Only when every request answers as before is the
source unchanged, and then soundly so: a source's next request is a function of the answers it read, so
the same answers mean the same pages and the same postings. At the first answer that differs the replay
stops and the source is harvested in full, reusing the bodies the replay already read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jobagent.errors import PageMissing
from jobagent.fetching import FetchedDocument
from jobagent.limits import MAX_ETAG, MAX_LAST_MODIFIED

# How the page getter sends one request: (url, POST body or None, headers) -> the answer (304 included).
Send = Callable[[str, bytes | None, dict[str, str]], FetchedDocument]

# A harvest of more requests than this is not remembered (the row would grow past what is worth keeping);
# that source is simply harvested in full next time.
MAX_REMEMBERED = 5000


def encode_body(json_body: Any) -> bytes | None:
    """The JSON body as sent: compact and with sorted keys, so one request always has one key."""
    if json_body is None:
        return None
    return json.dumps(json_body, sort_keys=True, separators=(",", ":")).encode()


def digest(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def missing(status: int) -> str:
    """The digest recorded for a page the board answered 404/410 for (a detail page of a closed posting)."""
    return f"missing:{status}"


def request_key(url: str, body: bytes | None) -> str:
    return f"POST {url} {digest(body)}" if body is not None else f"GET {url}"


@dataclass(frozen=True)
class Answer:
    """One request of a harvest and what identifies its answer."""

    url: str
    body: bytes | None  # the POST body as sent; None for a GET
    digest: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def key(self) -> str:
        return request_key(self.url, self.body)

    def headers(self) -> dict[str, str]:
        """The conditional headers to revalidate this answer with (a GET only: a POST is never 304)."""
        if self.body is not None:
            return {}
        pairs = (("If-None-Match", self.etag), ("If-Modified-Since", self.last_modified))
        return {name: value for name, value in pairs if value}

    def row(self) -> list[str | None]:
        """As stored: a short list rather than an object, since a board with details has one per posting.
        Validators longer than their columns are dropped (a cut ETag would never match); the hash stays."""
        etag = self.etag if self.etag and len(self.etag) <= MAX_ETAG else None
        modified = self.last_modified if self.last_modified and len(self.last_modified) <= MAX_LAST_MODIFIED \
            else None
        return [self.url, self.body.decode() if self.body is not None else None, self.digest, etag, modified]


def stored_plan(answers: list[Answer]) -> list[list[str | None]] | None:
    return [a.row() for a in answers] if 0 < len(answers) <= MAX_REMEMBERED else None


def plan_from(value: Any) -> list[Answer]:
    """The answers stored by the last complete harvest; anything malformed is no plan (a full harvest)."""
    if not isinstance(value, list):
        return []
    plan: list[Answer] = []
    for row in value:
        if not (isinstance(row, list) and len(row) == 5 and all(v is None or isinstance(v, str) for v in row)
                and row[0] and row[2]):
            return []
        url, body, hashed, etag, modified = row
        plan.append(Answer(str(url), body.encode() if body is not None else None, str(hashed), etag, modified))
    return plan


def answer_of(url: str, body: bytes | None, doc: FetchedDocument) -> Answer:
    return Answer(url, body, digest(doc.content), doc.headers.get("etag"), doc.headers.get("last-modified"))


def revalidate(send: Send, plan: list[Answer], replayed: dict[str, tuple[bytes, Answer]]) -> bool:
    """True when every planned request answers as it did (304, the same body, or the same 404/410); False
    at the first that differs. Bodies read on the way go into ``replayed``, so the full harvest that
    follows a False asks again only the requests that answered 304."""
    for planned in plan:
        try:
            doc = send(planned.url, planned.body, planned.headers())
        except PageMissing as exc:
            if planned.digest == missing(exc.status):
                continue
            return False
        if doc.status_code == 304:
            continue
        answer = answer_of(planned.url, planned.body, doc)
        replayed[planned.key] = (doc.content, answer)
        if answer.digest != planned.digest:
            return False
    return True
