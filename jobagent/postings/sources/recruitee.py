"""``recruitee:{company}``: the offers on a company's Recruitee careers site.

``GET https://{company}.recruitee.com/api/offers/`` answers ``{"offers": [...]}`` in one response; an offer
has ``id``, ``title``, ``status`` ("published" for a live one), ``description``/``requirements`` (HTML),
``location``/``city``/``country`` and a ``locations`` list, ``remote``/``hybrid``/``on_site``,
``employment_type_code`` ("fulltime_permanent", "parttime_fixed_term", "internship", ...), ``careers_url``
and ``careers_apply_url``, ``published_at``, ``close_at`` and a ``salary`` object whose figures may be
strings (``{"min": "70000", "max": "80000", "currency": "CZK", "period": "month"}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.ats_json import dicts, first_postings, json_object, place, places
from jobagent.postings.sources.base import HttpOptions, clean, list_at, object_at
from jobagent.postings.sources.paging import Getter
from jobagent.text import html_to_text, parse_date


class RecruiteeSource:
    def __init__(self, company_site: str, *, http: HttpOptions, company: str | None = None,
                 name: str | None = None):
        self.site = company_site
        self.company = company
        self.http = http
        self.name = name or f"recruitee:{company_site}"

    @property
    def url(self) -> str:
        return f"{self.http.base('recruitee', self.site)}/api/offers/"

    def fetch(self, limit: int) -> list[PostingData]:
        return first_postings(self.harvest, self.http, limit)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """Every offer in one response (so the harvest's conditional request applies)."""
        data = json_object(self.url, get(self.url), "offers")
        yield [p for p in map(self.posting, dicts(data["offers"])) if p]

    def posting(self, offer: dict[str, Any]) -> PostingData | None:
        title = clean(offer.get("title"))
        if not title or offer.get("id") is None:
            return None
        description = "\n\n".join(text for key in ("description", "requirements")
                                  if (text := html_to_text(str(offer.get(key) or ""))))
        spots = dicts(list_at(offer, "locations"))
        location = places([clean(offer.get("location")) or place(offer.get("city"), offer.get("country")),
                           *(place(s.get("city"), s.get("state"), s.get("country")) for s in spots)])
        remote = offer.get("remote") is True
        countries = [clean(offer.get("country")), *(clean(s.get("country")) for s in spots)]
        salary = object_at(offer, "salary")
        status = clean(offer.get("status"))
        code = clean(offer.get("employment_type_code"))
        return PostingData(
            source=self.name, external_id=str(offer["id"]),
            url=clean(offer.get("careers_url")) or clean(offer.get("careers_apply_url")), title=title,
            company=self.company or clean(offer.get("company_name")) or self.site, location=location,
            remote=remote, remote_scope=places(countries) if remote else None,
            employment_type=code.replace("_", " ") if code else None,
            posted_at=parse_date(offer.get("published_at") or offer.get("created_at")),
            valid_through=parse_date(offer.get("close_at")), description=description,
            closed_reason=f"{status} on Recruitee, not published" if status and status != "published" else None,
            **read_pay(salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("period"),
                       description=description).fields(),
        )
