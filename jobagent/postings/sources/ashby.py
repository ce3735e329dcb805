"""``ashby:{board}``: a company's public Ashby job board (the posting API, one response per board).

``GET {base}/posting-api/job-board/{board}?includeCompensation=true`` answers ``{"apiVersion", "jobs": [...]}``;
each job carries its place (``location``, ``address.postalAddress``, ``secondaryLocations``), ``isRemote``
and ``workplaceType``, ``employmentType`` (FullTime, PartTime, Intern, Contract, Temporary), ``publishedAt``,
``isListed`` and, asked for, ``compensation`` with typed components (``compensationType`` "Salary",
``interval`` "1 YEAR", ``currencyCode``, ``minValue``/``maxValue``) and a summary line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from jobagent.postings.salary import Pay, read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.ats_json import dicts, first_postings, json_object, place, places
from jobagent.postings.sources.base import HttpOptions, clean, list_at, object_at
from jobagent.postings.sources.paging import Getter
from jobagent.text import html_to_text, parse_date

# Ashby's enum, in words the employment parser and people both read.
EMPLOYMENT = {"FullTime": "Full-time", "PartTime": "Part-time", "Intern": "Internship", "Contract": "Contract",
              "Temporary": "Temporary"}
UNLISTED = "unlisted on its Ashby board"


class AshbySource:
    def __init__(self, board: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.board = board
        self.company = company or board
        self.http = http
        self.name = name or f"ashby:{board}"

    @property
    def url(self) -> str:
        return f"{self.http.base('ashby')}/posting-api/job-board/{quote(self.board, safe='')}?includeCompensation=true"

    def fetch(self, limit: int) -> list[PostingData]:
        return first_postings(self.harvest, self.http, limit)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """The whole board in one response (so the harvest's conditional request applies)."""
        data = json_object(self.url, get(self.url), "jobs")
        yield [p for p in map(self.posting, dicts(data["jobs"])) if p]

    def posting(self, job: dict[str, Any]) -> PostingData | None:
        title = clean(job.get("title"))
        if not title or job.get("id") is None:
            return None
        plain = job.get("descriptionPlain")
        description = plain.strip() if isinstance(plain, str) and plain.strip() else html_to_text(
            str(job.get("descriptionHtml") or ""))
        secondary = dicts(list_at(job, "secondaryLocations"))
        address = object_at(object_at(job, "address"), "postalAddress")
        location = places([clean(job.get("location")) or _address_text(address),
                           *(clean(s.get("location")) for s in secondary)])
        workplace = (clean(job.get("workplaceType")) or "").lower()
        remote = job.get("isRemote") is True or workplace == "remote"
        countries = [clean(address.get("addressCountry")),
                     *(clean(object_at(object_at(s, "address"), "postalAddress").get("addressCountry"))
                       for s in secondary)]
        kind = clean(job.get("employmentType"))
        return PostingData(
            source=self.name, external_id=str(job["id"]), url=clean(job.get("jobUrl")) or clean(job.get("applyUrl")),
            title=title, company=self.company, location=location, remote=remote,
            remote_scope=places(countries) if remote else None,
            employment_type=EMPLOYMENT.get(kind or "", kind), posted_at=parse_date(job.get("publishedAt")),
            description=description, closed_reason=UNLISTED if job.get("isListed") is False else None,
            **pay(object_at(job, "compensation"), description).fields(),
        )


def _address_text(address: dict[str, Any]) -> str | None:
    return place(address.get("addressLocality"), address.get("addressRegion"), address.get("addressCountry"))


def pay(compensation: dict[str, Any], description: str) -> Pay:
    """The salary components (all tiers: the lowest minimum to the highest maximum, in one currency and
    interval), else the summary line ("€91K – €115K • Offers Equity"), else the advert's own words."""
    components = dicts(list_at(compensation, "summaryComponents"))
    for tier in dicts(list_at(compensation, "compensationTiers")):
        components += dicts(list_at(tier, "components"))
    salaries = [c for c in components if (clean(c.get("compensationType")) or "").lower() == "salary"
                and (c.get("minValue") is not None or c.get("maxValue") is not None)]
    if salaries:
        first = salaries[0]
        same = [c for c in salaries if (c.get("currencyCode"), c.get("interval")) ==
                (first.get("currencyCode"), first.get("interval"))]
        lows = [c["minValue"] for c in same if isinstance(c.get("minValue"), int | float)]
        highs = [c["maxValue"] for c in same if isinstance(c.get("maxValue"), int | float)]
        return read_pay(min(lows) if lows else None, max(highs) if highs else None, first.get("currencyCode"),
                        first.get("interval"), text=clean(compensation.get("compensationTierSummary")))
    summary = clean(compensation.get("compensationTierSummary")) or clean(
        compensation.get("scrapeableCompensationSalarySummary"))
    return read_pay(text=summary, description=description)
