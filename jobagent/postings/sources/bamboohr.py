"""``bamboohr:{company}``: the openings on a company's BambooHR careers site.

``GET {base}/careers/list`` answers every opening at once (``{"meta": {"totalCount": N}, "result": [...]}``)
with title, department, ``employmentStatusLabel`` and location, but no text; the text, pay and posting
date are in ``GET {base}/careers/{id}/detail`` (``{"result": {"jobOpening": {...}}}``). A detail answering
404 is the site's own word that the opening is gone (it was taken down after the list was built), so that
posting is closed while the others are stored as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from jobagent.errors import PageMissing
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, clean, object_at, shape_error
from jobagent.postings.sources.paging import Getter, decode_json, direct_getter
from jobagent.text import html_to_text, parse_date

CLOSED_GONE = "the careers site answers {status} for the opening"
_REMOTE = "1"  # BambooHR's locationType: "0" on site, "1" remote, "2" hybrid


class BambooHRSource:
    """``bamboohr:{company}[?company=Name]``: ``company`` is the subdomain of ``{company}.bamboohr.com``."""

    def __init__(self, slug: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.slug = slug
        self.company = company or slug
        self.http = http
        self.name = name or f"bamboohr:{slug}"

    def public_url(self, key: str) -> str:
        """The opening's page for people: always the real careers site, even when a test or proxy base
        serves the API, so a stored link does not change when a detail page goes missing."""
        return f"https://{quote(self.slug, safe='')}.bamboohr.com/careers/{quote(key, safe='')}"

    def fetch(self, limit: int) -> list[PostingData]:
        out: list[PostingData] = []
        for page in self.harvest(direct_getter(self.http), limit=limit):
            out.extend(page)
        return out[:limit]

    def harvest(self, get: Getter, limit: int | None = None) -> Iterator[list[PostingData]]:
        """The list, then one detail request per opening (the host gate paces them)."""
        base = self.http.base("bamboohr", self.slug)
        url = f"{base}/careers/list"
        data = decode_json(url, get(url))
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise shape_error(url, 'an object with a "result" list')
        openings = [o for o in data["result"] if isinstance(o, dict) and clean(o.get("id"))
                    and clean(o.get("jobOpeningName"))]
        yield [self._posting(base, opening, get) for opening in openings[:limit]]

    def _posting(self, base: str, opening: dict[str, Any], get: Getter) -> PostingData:
        key = str(clean(opening.get("id")))
        detail_url = f"{base}/careers/{quote(key, safe='')}/detail"
        closed = None
        try:
            detail = decode_json(detail_url, get(detail_url))
        except PageMissing as exc:
            detail, closed = {}, CLOSED_GONE.format(status=exc.status)
        if not isinstance(detail, dict):
            raise shape_error(detail_url, 'an object with "result"')
        info = object_at(object_at(detail, "result"), "jobOpening")
        place = object_at(info, "atsLocation") or object_at(opening, "atsLocation") or object_at(opening, "location")
        location = ", ".join(p for p in (clean(place.get("city")),
                                         clean(place.get("state")) or clean(place.get("province")),
                                         clean(place.get("country"))) if p) or None
        kind = clean(info.get("locationType")) or clean(opening.get("locationType"))
        remote = info.get("isRemote") is True or opening.get("isRemote") is True or kind == _REMOTE
        description = html_to_text(str(info.get("description") or ""))
        status = clean(info.get("employmentStatusLabel")) or clean(opening.get("employmentStatusLabel"))
        return PostingData(
            source=self.name, external_id=key, title=clean(info.get("jobOpeningName")) or str(
                clean(opening.get("jobOpeningName"))),
            url=clean(info.get("jobOpeningShareUrl")) or self.public_url(key),
            company=self.company, location=location, remote=remote,
            remote_scope=clean(place.get("country")) if remote else None,
            employment_type=status,
            posted_at=parse_date(info.get("datePosted")), description=description, closed_reason=closed,
            **read_pay(text=clean(info.get("compensation")), description=description).fields(),
        )
