"""``jsonld:URL``: any careers page that marks its postings up with schema.org ``JobPosting`` JSON-LD.

Google asks employers for this markup to list their adverts in its job search, so many careers sites
without a known applicant-tracking system still publish every posting in it. The source reads the page
at URL and follows its links to other pages on the same host (a posting's own page usually carries the
markup), at most ``JOBAGENT_JSONLD_MAX_PAGES`` pages; a site with more is harvested as far as that and
reported as cut short, so nothing is closed for want of reading it. Every page goes through the harvest's
getter (per-host pacing, the SSRF-safe fetcher).

The mapping follows schema.org/JobPosting and Google's job-posting structured-data guide: ``title``,
``hiringOrganization``, ``jobLocation`` (Place -> PostalAddress), ``jobLocationType`` TELECOMMUTE,
``applicantLocationRequirements``, ``employmentType``, ``baseSalary`` (MonetaryAmount -> QuantitativeValue,
through the one salary parser), ``datePosted`` and ``validThrough`` (a date passed closes the posting).
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from jobagent.errors import FetchStatus, InvalidInput, SourceError, SourceStatus
from jobagent.postings.liveness import closed_by_date
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, clean
from jobagent.postings.sources.pages import job_postings, read_page
from jobagent.postings.sources.paging import CutShort, Getter, direct_getter
from jobagent.text import html_to_text, parse_date

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 200
# Links to these are files, not pages that could carry markup.
_NOT_PAGES = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".css", ".js", ".ico", ".zip", ".xml",
              ".json", ".mp4", ".woff", ".woff2", ".doc", ".docx")


def _origin(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port


def _gone(exc: BaseException) -> bool:
    """The page answered 404/410: the posting behind the link is gone, which a harvest may record.
    The getter re-raises fetch failures as SourceError; the typed cause is its context."""
    if isinstance(exc, SourceStatus):  # PageMissing from the harvest's getter or the direct one
        return exc.status in (404, 410)
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, FetchStatus) and cause.status in (404, 410)


class JsonLdSource:
    """``jsonld:{careers page URL}``: the JobPosting markup on a careers page and the same-host pages it links."""

    def __init__(self, url: str, *, http: HttpOptions, max_pages: int = DEFAULT_MAX_PAGES,
                 name: str | None = None, now: datetime | None = None):
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise InvalidInput(f"jsonld source needs an http(s) URL of a careers page, not {url!r}")
        self.url = url
        self.http = http
        self.max_pages = max(1, int(max_pages))
        self.name = name or f"jsonld:{url}"
        self.now = now

    def fetch(self, limit: int) -> list[PostingData]:
        """Up to ``limit`` postings, pages read with the plain retrying fetch (no harvest state)."""
        out: list[PostingData] = []
        try:
            for page in self.harvest(direct_getter(self.http)):
                out.extend(page)
                if len(out) >= limit:
                    break
        except CutShort:
            pass
        return out[:limit]

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Breadth first from the careers page over same-host links, each page once; one list per page."""
        origin = _origin(self.url)
        queue: deque[str] = deque([self.url])
        queued = {self.url}
        seen_ids: set[str] = set()
        fetched = 0
        while queue:
            if fetched >= self.max_pages:
                raise CutShort(f"{self.name}: more than {self.max_pages} pages (JOBAGENT_JSONLD_MAX_PAGES)")
            url = queue.popleft()
            try:
                body = get(url)
            except SourceError as exc:
                if url == self.url or not _gone(exc):
                    raise  # the careers page itself, or a page that may come back: not a complete harvest
                log.info("jsonld: %s is gone, skipped", url)
                continue
            finally:
                fetched += 1
            parts = read_page(body, url)
            page: list[PostingData] = []
            for node in job_postings(parts.jsonld):
                posting = self._posting(node, url)
                if posting and posting.external_id not in seen_ids:
                    seen_ids.add(posting.external_id)
                    page.append(posting)
            yield page
            for link in parts.links:
                if link not in queued and _origin(link) == origin and not urlsplit(link).path.lower().endswith(
                        _NOT_PAGES):
                    queued.add(link)
                    queue.append(link)

    def _posting(self, node: dict[str, Any], page_url: str) -> PostingData | None:
        title = clean(html.unescape(str(node.get("title") or node.get("name") or "")))
        if not title:
            return None
        url = _text(node.get("url")) or page_url
        description = html_to_text(html.unescape(str(_text(node.get("description")) or "")))
        company, company_url = _organization(node.get("hiringOrganization"))
        remote = "TELECOMMUTE" in {str(t).strip().upper() for t in _many(node.get("jobLocationType"))}
        pay = _salary(node.get("baseSalary"))
        valid_through = parse_date(_text(node.get("validThrough")))
        now = self.now or datetime.now(UTC)
        return PostingData(
            source=self.name, external_id=_identifier(node, url, title), url=url, title=title,
            company=company or (urlsplit(self.url).hostname or "unknown"), company_url=company_url,
            location=_locations(node.get("jobLocation")), remote=remote,
            remote_scope=_names(node.get("applicantLocationRequirements")),
            employment_type=", ".join(str(t).strip() for t in _many(node.get("employmentType")) if clean(t)) or None,
            posted_at=parse_date(_text(node.get("datePosted"))), valid_through=valid_through,
            closed_reason=closed_by_date(valid_through, None, now), description=description,
            **read_pay(*pay, description=description).fields(),
        )


def _many(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str | None:
    """A plain value; JSON-LD often wraps one in a list or an object with ``@value``."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("value") or value.get("name")
    return clean(value)


def _identifier(node: dict[str, Any], url: str, title: str) -> str:
    """The posting's own identifier (PropertyValue ``value``, or plain), else its URL; a page listing several
    postings without either tells them apart by title."""
    ident = node.get("identifier")
    value = _text(ident.get("value") if isinstance(ident, dict) else ident)
    if value:
        return value
    if clean(node.get("url")):
        return url
    return f"{url}#{hashlib.sha1(title.encode()).hexdigest()[:12]}"


def _organization(value: Any) -> tuple[str | None, str | None]:
    org = value[0] if isinstance(value, list) and value else value
    if isinstance(org, dict):
        return clean(html.unescape(str(org.get("name") or ""))), _text(org.get("sameAs")) or _text(org.get("url"))
    return clean(org), None


def _place(place: Any) -> str | None:
    if not isinstance(place, dict):
        return clean(place)
    address = place.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    if not isinstance(address, dict):
        return clean(address) or clean(place.get("name"))
    parts = [_text(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or clean(place.get("name"))


def _locations(value: Any) -> str | None:
    places = [p for p in (_place(item) for item in _many(value)) if p]
    return "; ".join(dict.fromkeys(places)) or None


def _names(value: Any) -> str | None:
    """``applicantLocationRequirements``: Country / State / AdministrativeArea nodes, or plain names."""
    names = [_text(item) for item in _many(value)]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def _salary(value: Any) -> tuple[Any, Any, Any, Any]:
    """(minimum, maximum, currency, period) from a MonetaryAmount, or a bare number."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return value, None, None, None
    currency = value.get("currency") or value.get("salaryCurrency")
    amount = value.get("value")
    if isinstance(amount, dict):  # QuantitativeValue
        low, high = amount.get("minValue"), amount.get("maxValue")
        if low is None and high is None:
            low = amount.get("value")
        return low, high, currency, amount.get("unitText") or value.get("unitText")
    low, high = value.get("minValue"), value.get("maxValue")
    return (amount if low is None and high is None else low), high, currency, value.get("unitText")
