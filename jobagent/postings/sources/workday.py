"""``workday:{career-site URL}``: the postings of one Workday career site, through its "cxs" JSON API.

A career site has one of two URL forms, and both name a tenant and a site:
``https://acme.wd5.myworkdayjobs.com/External`` (tenant from the host) and
``https://wd5.myworkdaysite.com/recruiting/acme/External`` (tenant from the path); a locale segment such as
``en-US`` may precede the site. The list is ``POST {origin}/wday/cxs/{tenant}/{site}/jobs``, and each
posting's detail ``GET {origin}/wday/cxs/{tenant}/{site}{externalPath}``.

Quirks, as open-source adapters describe them: a ``limit`` above 20 is answered 400; ``total`` comes only
with the first page (later pages say 0); an offset past the end wraps round to page 1. So pages are asked
until ``total`` is reached, and a page whose every posting was already read ends the loop: normally when
the first page gave no total, as a cut-short harvest (kept, closes nothing) when it contradicts the total.

JOBAGENT_SOURCE_BASE_URLS ``{"workday": "http://127.0.0.1:PORT"}`` replaces the origin (tests, a proxy)
while tenant and site still come from the spec's URL; posting links keep the real career-site URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from jobagent.errors import InvalidInput, PageMissing, SourceError
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, clean, list_at, object_at, shape_error
from jobagent.postings.sources.paging import MAX_PAGES, CutShort, Getter, decode_json, direct_getter
from jobagent.redaction import redact_url
from jobagent.text import html_to_text, parse_date

PAGE_SIZE = 20  # Workday answers 400 to a larger limit
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2})?$")
_POSTED = re.compile(r"posted\s+(today|yesterday|(\d+)\s+days?\s+ago)", re.IGNORECASE)
CLOSED_NO_APPLY = "the career site no longer takes applications (canApply: false)"
CLOSED_GONE = "the career site answers {status} for the posting"


@dataclass(frozen=True)
class CareerSite:
    origin: str  # https://acme.wd5.myworkdayjobs.com
    tenant: str
    site: str

    @property
    def public(self) -> str:
        return f"{self.origin}/{self.site}"


def career_site(url: str) -> CareerSite:
    """Tenant and site from either URL form; anything else is refused with one line naming the forms."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    while segments and _LOCALE.match(segments[0]):
        segments = segments[1:]
    tenant = site = None
    if parts.scheme in ("http", "https") and host.endswith(".myworkdayjobs.com") and segments:
        tenant, site = host.split(".")[0], segments[0]
    elif parts.scheme in ("http", "https") and host.endswith(".myworkdaysite.com") and len(segments) >= 3 \
            and segments[0] == "recruiting":
        tenant, site = segments[1], segments[2]
    if not tenant or not site:
        raise InvalidInput(f"{redact_url(url)!r} is not a Workday career-site URL; use "
                           "https://TENANT.wdN.myworkdayjobs.com/SITE or https://wdN.myworkdaysite.com/recruiting/TENANT/SITE")
    return CareerSite(f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else ""), tenant, site)


def posted_on(text: Any, today: datetime | None = None) -> datetime | None:
    """"Posted Today" / "Posted Yesterday" / "Posted 3 Days Ago" as a date; "Posted 30+ Days Ago" says only
    "a month or more", so it is no date rather than a wrong one."""
    found = _POSTED.search(str(text or ""))
    if not found:
        return None
    today = (today or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    word = found.group(1).lower()
    days = 0 if word == "today" else 1 if word == "yesterday" else int(found.group(2))
    return today - timedelta(days=days)


class WorkdaySource:
    """``workday:{career-site URL}[?company=Name]``."""

    def __init__(self, url: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        query = parse_qs(urlsplit(url).query)
        self.site = career_site(url)
        self.http = http
        self.company = company or (query.get("company", [""])[0].strip() or None)
        self.name = name or f"workday:{url}"

    @property
    def api(self) -> str:
        origin = (self.http.base_urls.get("workday") or self.site.origin).rstrip("/")
        return f"{origin}/wday/cxs/{quote(self.site.tenant, safe='')}/{quote(self.site.site, safe='')}"

    def fetch(self, limit: int) -> list[PostingData]:
        out: list[PostingData] = []
        for page in self.harvest(direct_getter(self.http)):
            out.extend(page)
            if len(out) >= limit:
                break
        return out[:limit]

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        url = f"{self.api}/jobs"
        seen: set[str] = set()
        total: int | None = None
        for page in range(MAX_PAGES):
            offset = page * PAGE_SIZE
            data = decode_json(url, get(url, json_body={"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset,
                                                        "searchText": ""}))
            if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
                raise shape_error(url, 'an object with a "jobPostings" list')
            if page == 0 and isinstance(data.get("total"), int) and not isinstance(data.get("total"), bool):
                total = data["total"]
            entries = [e for e in data["jobPostings"] if isinstance(e, dict) and _path(e)]
            fresh = [e for e in entries if _path(e) not in seen]
            if entries and not fresh:  # the offset wrapped round to page 1
                if total is None:
                    return
                raise CutShort(f"{self.name}: the page at offset {offset} repeats postings already read, short "
                               f"of the {total} the site announced; stopped")
            seen.update(_path(e) for e in fresh)
            yield [self._posting(entry, get) for entry in fresh]
            if len(data["jobPostings"]) < PAGE_SIZE or (total is not None and offset + PAGE_SIZE >= total):
                return
        raise CutShort(f"{self.name}: more than {MAX_PAGES} pages")

    def _posting(self, entry: dict[str, Any], get: Getter) -> PostingData:
        path = _path(entry)
        detail_url = f"{self.api}{path}"
        closed = None
        try:
            detail = decode_json(detail_url, get(detail_url))
        except PageMissing as exc:
            detail, closed = {}, CLOSED_GONE.format(status=exc.status)
        if not isinstance(detail, dict):
            raise shape_error(detail_url, "an object with jobPostingInfo")
        info = object_at(detail, "jobPostingInfo")
        if info.get("canApply") is False:
            closed = CLOSED_NO_APPLY
        title = clean(info.get("title")) or clean(entry.get("title"))
        if not title:
            raise SourceError(f"unexpected response from {detail_url}: a posting without a title")
        places = [clean(info.get("location")) or clean(entry.get("locationsText"))]
        places += [clean(p) for p in list_at(info, "additionalLocations")]
        location = "; ".join(p for p in places if p) or None
        remote_type = (clean(info.get("remoteType")) or clean(entry.get("remoteType")) or "").lower()
        remote = "remote" in remote_type or "remote" in (location or "").lower()
        country = clean(object_at(info, "country").get("descriptor"))
        description = html_to_text(str(info.get("jobDescription") or ""))
        bullets = list_at(entry, "bulletFields")
        external_id = clean(info.get("jobReqId")) or (clean(bullets[0]) if bullets else None) or path
        return PostingData(
            source=self.name, external_id=external_id, title=title,
            url=clean(info.get("externalUrl")) or f"{self.site.public}{path}",
            company=clean(object_at(detail, "hiringOrganization").get("name")) or self.company or self.site.tenant,
            location=location, remote=remote, remote_scope=country if remote else None,
            employment_type=clean(info.get("timeType")),
            posted_at=parse_date(info.get("startDate")) or posted_on(info.get("postedOn") or entry.get("postedOn")),
            description=description, closed_reason=closed, **read_pay(description=description).fields(),
        )


def _path(entry: dict[str, Any]) -> str:
    """The posting's path on the site ("/job/Berlin/Engineer_R-1"); anything not a plain path is unusable."""
    path = entry.get("externalPath")
    return path if isinstance(path, str) and path.startswith("/") and not path.startswith("//") else ""
