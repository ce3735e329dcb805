"""Public job-board APIs: Greenhouse, Lever, Remotive and Arbeitnow."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import (
    HttpOptions,
    clean,
    fetch_json,
    list_at,
    object_at,
    shape_error,
)
from jobagent.postings.sources.paging import LEVER_PAGE_SIZE, MAX_PAGES, CutShort, Getter, decode_json
from jobagent.text import html_to_text, parse_date

ARBEITNOW_MAX_PAGES = 5


def _dicts(items: list[Any]) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)]


def _looks_remote(*texts: str | None) -> bool:
    return any(text and "remote" in text.lower() for text in texts)


class GreenhouseSource:
    """``greenhouse:{board_token}``: the public job board of one company."""

    def __init__(self, token: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.token = token
        self.company = company or token
        self.http = http
        self.name = name or f"greenhouse:{token}"

    def fetch(self, limit: int) -> list[PostingData]:
        url = f"{self.http.base('greenhouse')}/v1/boards/{quote(self.token, safe='')}/jobs?content=true"
        return _take(_jobs_list(url, self.http), limit, self._posting)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Greenhouse answers the whole board in one response."""
        url = f"{self.http.base('greenhouse')}/v1/boards/{quote(self.token, safe='')}/jobs?content=true"
        yield _take(_jobs_from(url, decode_json(url, get(url))), 10**9, self._posting)

    def _posting(self, job: dict[str, Any]) -> PostingData | None:
        title = clean(job.get("title"))
        if not title or job.get("id") is None:
            return None
        location_raw = job.get("location")
        location = clean(location_raw.get("name")) if isinstance(location_raw, dict) else clean(location_raw)
        # Greenhouse escapes the HTML once more ("&lt;p&gt;"), so unescape before stripping tags.
        description = html_to_text(html.unescape(str(job.get("content") or "")))
        return PostingData(
            source=self.name, external_id=str(job["id"]), url=clean(job.get("absolute_url")), title=title,
            company=self.company, location=location, remote=_looks_remote(location, title),
            posted_at=parse_date(job.get("updated_at")), description=description,
            **read_pay(description=description).fields(),
        )


class LeverSource:
    """``lever:{site}``: the postings a company publishes on Lever."""

    def __init__(self, site: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.site = site
        self.company = company or site
        self.http = http
        self.name = name or f"lever:{site}"

    def fetch(self, limit: int) -> list[PostingData]:
        url = f"{self.http.base('lever')}/v0/postings/{quote(self.site, safe='')}?mode=json"
        data = fetch_json(url, self.http)
        if not isinstance(data, list):
            raise shape_error(url, "a list of postings")
        out: list[PostingData] = []
        for job in _dicts(data):
            if len(out) >= limit:
                break
            posting = self._posting(job)
            if posting:
                out.append(posting)
        return out

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Lever pages with ``skip``/``limit``; a page shorter than the limit is the last one."""
        base = f"{self.http.base('lever')}/v0/postings/{quote(self.site, safe='')}?mode=json"
        for page in range(MAX_PAGES):
            url = f"{base}&skip={page * LEVER_PAGE_SIZE}&limit={LEVER_PAGE_SIZE}"
            data = decode_json(url, get(url))
            if not isinstance(data, list):
                raise shape_error(url, "a list of postings")
            yield [p for p in map(self._posting, _dicts(data)) if p]
            if len(data) < LEVER_PAGE_SIZE:
                return
        raise CutShort(f"{self.name}: more than {MAX_PAGES} pages")

    def _posting(self, job: dict[str, Any]) -> PostingData | None:
        title = clean(job.get("text"))
        if not title or job.get("id") is None:
            return None
        categories = object_at(job, "categories")
        salary = object_at(job, "salaryRange")
        location = clean(categories.get("location"))
        workplace = clean(job.get("workplaceType"))
        plain = job.get("descriptionPlain")
        description = plain.strip() if isinstance(plain, str) else ""
        return PostingData(
            source=self.name, external_id=str(job["id"]), url=clean(job.get("hostedUrl")), title=title,
            company=self.company, location=location,
            remote=(workplace or "").lower() == "remote" or _looks_remote(location),
            employment_type=clean(categories.get("commitment")),
            **read_pay(salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("interval"),
                       text=clean(job.get("salaryDescriptionPlain")), description=description).fields(),
            posted_at=parse_date(job.get("createdAt")), description=description,
        )


class RemotiveSource:
    """``remotive:{search}``: remote jobs on remotive.com matching a search (empty means all)."""

    def __init__(self, search: str, *, http: HttpOptions, name: str | None = None):
        self.search = search
        self.http = http
        self.name = name or f"remotive:{search}"

    def fetch(self, limit: int) -> list[PostingData]:
        query = urlencode({"search": self.search, "limit": limit}) if self.search else urlencode({"limit": limit})
        url = f"{self.http.base('remotive')}/api/remote-jobs?{query}"
        return _take(_jobs_list(url, self.http), limit, self._posting)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Remotive answers every matching posting at once when no ``limit`` is given."""
        query = f"?{urlencode({'search': self.search})}" if self.search else ""
        url = f"{self.http.base('remotive')}/api/remote-jobs{query}"
        yield _take(_jobs_from(url, decode_json(url, get(url))), 10**9, self._posting)

    def _posting(self, job: dict[str, Any]) -> PostingData | None:
        title = clean(job.get("title"))
        if not title or job.get("id") is None:
            return None
        description = html_to_text(str(job.get("description") or ""))
        return PostingData(
            source=self.name, external_id=str(job["id"]), url=clean(job.get("url")), title=title,
            company=clean(job.get("company_name")) or "unknown",
            location=clean(job.get("candidate_required_location")), remote=True,
            employment_type=clean(job.get("job_type")),
            **read_pay(text=clean(job.get("salary")), description=description).fields(),
            posted_at=parse_date(job.get("publication_date")), description=description,
        )


class ArbeitnowSource:
    """``arbeitnow`` or ``arbeitnow:{query}``: the Arbeitnow board, filtered locally by the query words."""

    def __init__(self, query: str, *, http: HttpOptions, name: str | None = None):
        self.query = query
        self.http = http
        self.name = name or (f"arbeitnow:{query}" if query else "arbeitnow")
        self.pages_fetched = 0

    def fetch(self, limit: int) -> list[PostingData]:
        out: list[PostingData] = []
        self.pages_fetched = 0
        for page in range(1, ARBEITNOW_MAX_PAGES + 1):
            if len(out) >= limit:
                break
            url = f"{self.http.base('arbeitnow')}/api/job-board-api?page={page}"
            data = fetch_json(url, self.http)
            self.pages_fetched += 1
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise shape_error(url, 'an object with a "data" list')
            for job in _dicts(data["data"]):
                if len(out) >= limit:
                    break
                posting = self._posting(job)
                if posting and self._matches(job):
                    out.append(posting)
            links = object_at(data, "links")
            # We build the next page URL ourselves: links.next points at the real host, not our base.
            if not links.get("next") or not data["data"]:
                break
        return out

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Every page until ``links.next`` is empty; more than MAX_PAGES is reported as cut short."""
        for page in range(1, MAX_PAGES + 1):
            url = f"{self.http.base('arbeitnow')}/api/job-board-api?page={page}"
            data = decode_json(url, get(url))
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise shape_error(url, 'an object with a "data" list')
            yield [p for job in _dicts(data["data"]) if self._matches(job) and (p := self._posting(job))]
            links = object_at(data, "links")
            if not links.get("next") or not data["data"]:
                return
        raise CutShort(f"{self.name}: more than {MAX_PAGES} pages")

    def _matches(self, job: dict[str, Any]) -> bool:
        if not self.query:
            return True
        tags = list_at(job, "tags")
        haystack = " ".join([str(job.get("title") or ""), str(job.get("description") or ""),
                             " ".join(str(t) for t in tags)]).lower()
        return all(word in haystack for word in self.query.lower().split())

    def _posting(self, job: dict[str, Any]) -> PostingData | None:
        title = clean(job.get("title"))
        key = job.get("slug") or job.get("url")
        if not title or not key:
            return None
        job_types = list_at(job, "job_types")
        location = clean(job.get("location"))
        description = html_to_text(str(job.get("description") or ""))
        return PostingData(
            source=self.name, external_id=str(key), url=clean(job.get("url")), title=title,
            company=clean(job.get("company_name")) or "unknown", location=location,
            remote=job.get("remote") is True or _looks_remote(location),
            employment_type=", ".join(str(t) for t in job_types if t) or None,
            posted_at=parse_date(job.get("created_at")), description=description,
            **read_pay(description=description).fields(),
        )


def _jobs_list(url: str, http: HttpOptions) -> list[Any]:
    """Greenhouse and Remotive both answer ``{"jobs": [...]}``; anything else is a broken source."""
    return _jobs_from(url, fetch_json(url, http))


def _jobs_from(url: str, data: Any) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise shape_error(url, 'an object with a "jobs" list')
    return data["jobs"]


def _take(items: list[Any], limit: int,
          to_posting: Callable[[dict[str, Any]], PostingData | None]) -> list[PostingData]:
    """Postings from raw entries, skipping unusable ones, stopping at ``limit``."""
    out: list[PostingData] = []
    for item in _dicts(items):
        if len(out) >= limit:
            break
        posting = to_posting(item)
        if posting:
            out.append(posting)
    return out
