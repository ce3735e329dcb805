"""``smartrecruiters:{company}``: a company's public postings on SmartRecruiters (the Posting API).

``GET {base}/v1/companies/{company}/postings?limit=100&offset=N`` answers ``{"offset", "limit", "totalFound",
"content": [...]}``; the list lacks the advert's text, so each posting's detail
(``/v1/companies/{company}/postings/{id}``) is read too, for ``jobAd.sections`` (companyDescription,
jobDescription, qualifications, additionalInformation, each ``{"title", "text"}`` in HTML), ``postingUrl``
and ``applyUrl``. A detail answering 404 is that posting gone: it is stored closed, and the board goes on.

Quirks guarded here:

- an unknown company is answered 200 with ``totalFound: 0`` and no content, exactly like a board with no
  postings. Taking that as "the board is empty" would close every posting of a real board after one typo or
  one renamed company, so an empty first page is a ``SourceError`` (the harvest then keeps what it stored and
  closes nothing). A board that really emptied keeps its postings open; the liveness check, which reads
  the page of each posting people are shown, closes those that answer 404.
- a page that does not advance (the answer's ``offset`` is not the one asked for, or the same postings come
  back twice) stops with one clear line instead of looping; a board that shrinks mid-harvest (an empty page
  before ``totalFound``) is reported cut short, so nothing is closed on a partial view.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from jobagent.errors import SourceError, SourceStatus
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.ats_json import dicts, direct_getter, json_object, place
from jobagent.postings.sources.base import HttpOptions, clean, object_at, shape_error
from jobagent.postings.sources.paging import MAX_PAGES, CutShort, Getter, decode_json
from jobagent.text import html_to_text, parse_date

PAGE_SIZE = 100
SECTIONS = ("jobDescription", "qualifications", "additionalInformation")
GONE = "its SmartRecruiters posting answers HTTP {status}"


class SmartRecruitersSource:
    def __init__(self, company_id: str, *, http: HttpOptions, company: str | None = None,
                 name: str | None = None):
        self.company_id = company_id
        self.company = company
        self.http = http
        self.name = name or f"smartrecruiters:{company_id}"

    @property
    def base(self) -> str:
        return f"{self.http.base('smartrecruiters')}/v1/companies/{quote(self.company_id, safe='')}/postings"

    def fetch(self, limit: int) -> list[PostingData]:
        """Up to ``limit`` postings, asking for no more details than that (a detail is one request each)."""
        get = direct_getter(self.http)
        out: list[PostingData] = []
        try:
            for items in self._pages(get):
                for item in items:
                    if len(out) >= limit:
                        return out
                    if posting := self.posting(item, self._detail(item, get)):
                        out.append(posting)
        except CutShort:
            pass  # what was read is what there is
        return out

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Every page by ``offset`` until ``totalFound``, each posting with its detail."""
        for items in self._pages(get):
            yield [p for item in items if (p := self.posting(item, self._detail(item, get)))]

    def _pages(self, get: Getter) -> Iterator[list[dict[str, Any]]]:
        """The list entries page by page, with the guards against an unknown company and a page loop."""
        previous: list[str] | None = None
        for page in range(MAX_PAGES):
            offset = page * PAGE_SIZE
            url = f"{self.base}?limit={PAGE_SIZE}&offset={offset}"
            data = json_object(url, get(url), "content")
            items = dicts(data["content"])
            total = data.get("totalFound")
            if not isinstance(total, int) or isinstance(total, bool):
                raise shape_error(url, 'a "totalFound" count')
            if page == 0 and not items:
                raise SourceError(f"SmartRecruiters lists no postings for {self.company_id!r} "
                                  "(an unknown company is answered the same way); nothing is closed")
            answered = data.get("offset")
            ids = [str(item.get("id")) for item in items]
            if (isinstance(answered, int) and answered != offset) or ids == previous:
                raise SourceError(f"SmartRecruiters answered the same page again for offset "
                                  f"{offset} (page loop); stopped, nothing is closed")
            if not items:
                raise CutShort(f"{self.name}: an empty page at offset {offset} of {total}")
            previous = ids
            yield items
            if offset + len(items) >= total:
                return
        raise CutShort(f"{self.name}: more than {MAX_PAGES} pages")

    def _detail(self, item: dict[str, Any], get: Getter) -> dict[str, Any] | int:
        """The posting's detail, or the HTTP status (404) saying it is gone."""
        if item.get("id") is None:
            return {}
        url = f"{self.base}/{quote(str(item['id']), safe='')}"
        try:
            body = get(url)
        except SourceStatus as exc:
            if exc.status in (404, 410):
                return exc.status
            raise
        data = decode_json(url, body)
        if not isinstance(data, dict):
            raise shape_error(url, "a posting object")
        return data

    def posting(self, item: dict[str, Any], detail: dict[str, Any] | int) -> PostingData | None:
        job = {**item, **detail} if isinstance(detail, dict) else item
        title = clean(job.get("name"))
        if not title or job.get("id") is None:
            return None
        sections = object_at(object_at(job, "jobAd"), "sections")
        parts = [html_to_text(str(object_at(sections, key).get("text") or "")) for key in SECTIONS]
        description = "\n\n".join(p for p in parts if p)
        company_text = html_to_text(str(object_at(sections, "companyDescription").get("text") or "")) or None
        where = object_at(job, "location")
        country = (clean(where.get("country")) or "").upper() or None  # ISO alpha-2, sent in lower case
        remote = where.get("remote") is True
        return PostingData(
            source=self.name, external_id=str(job["id"]),
            url=clean(job.get("postingUrl")) or clean(job.get("applyUrl")), title=title,
            company=self.company or clean(object_at(job, "company").get("name")) or self.company_id,
            location=clean(where.get("fullLocation")) or place(where.get("city"), where.get("region"), country),
            remote=remote, remote_scope=country if remote else None,
            employment_type=clean(object_at(job, "typeOfEmployment").get("label")),
            posted_at=parse_date(job.get("releasedDate")), description=description,
            company_description=company_text,
            closed_reason=GONE.format(status=detail) if isinstance(detail, int) else None,
            **read_pay(description=description).fields(),
        )
