"""``workable:{account}``: the jobs a Workable account publishes, from its careers widget API.

``GET {base}/api/v1/widget/accounts/{account}?details=true`` answers ``{"name", "description", "jobs": [...]}``
in one response; each job has ``shortcode``, ``title``, ``employment_type`` ("Full-time"), ``telecommuting``,
``url``/``application_url``, ``published_on``, ``city``/``state``/``country`` and a ``locations`` list, and
with ``details=true`` its ``description`` (HTML). The quirk: an account lists one row per location of a
posting, under the same shortcode, so rows are merged here into one posting holding every location.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.ats_json import dicts, first_postings, json_object, place, places
from jobagent.postings.sources.base import HttpOptions, clean, list_at
from jobagent.postings.sources.paging import Getter
from jobagent.text import html_to_text, parse_date


class WorkableSource:
    def __init__(self, account: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.account = account
        self.company = company
        self.http = http
        self.name = name or f"workable:{account}"

    @property
    def url(self) -> str:
        return f"{self.http.base('workable')}/api/v1/widget/accounts/{quote(self.account, safe='')}?details=true"

    def fetch(self, limit: int) -> list[PostingData]:
        return first_postings(self.harvest, self.http, limit)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """The whole account in one response; rows sharing a shortcode become one posting."""
        data = json_object(self.url, get(self.url), "jobs")
        company = self.company or clean(data.get("name")) or self.account
        yield [p for rows in merged(dicts(data["jobs"])) if (p := self.posting(rows, company))]

    def posting(self, rows: list[dict[str, Any]], company: str) -> PostingData | None:
        job = rows[0]
        title = clean(job.get("title"))
        key = clean(job.get("shortcode")) or clean(job.get("url"))
        if not title or not key:
            return None
        found = [row_places(row) for row in rows]
        description = html_to_text(str(job.get("description") or ""))
        remote = any(row.get("telecommuting") is True for row in rows)
        countries = [clean(spot.get("country")) for row in rows for spot in _spots(row)]
        return PostingData(
            source=self.name, external_id=key, url=clean(job.get("url")) or clean(job.get("application_url")),
            title=title, company=company, location=places(p for row in found for p in row), remote=remote,
            remote_scope=places(countries) if remote else None, employment_type=clean(job.get("employment_type")),
            posted_at=parse_date(job.get("published_on") or job.get("created_at")), description=description,
            **read_pay(description=description).fields(),
        )


def merged(jobs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped by shortcode (or URL), in the order each posting first appears."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:
        key = clean(job.get("shortcode")) or clean(job.get("url")) or str(id(job))
        groups.setdefault(key, []).append(job)
    return list(groups.values())


def _spots(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The row's visible locations; a row without a list has its place at the top level."""
    spots = [s for s in dicts(list_at(row, "locations")) if s.get("hidden") is not True]
    return spots or [{"city": row.get("city"), "region": row.get("state"), "country": row.get("country")}]


def row_places(row: dict[str, Any]) -> list[str]:
    return [p for spot in _spots(row) if (p := place(spot.get("city"), spot.get("region"), spot.get("country")))]
