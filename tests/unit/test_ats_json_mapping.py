"""The JSON applicant-tracking sources as pure mappers: vendor JSON (the shapes of tests/ats_json_boards.py)
in, ``PostingData`` out; the page guards of SmartRecruiters driven by a getter that answers from a dict."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from jobagent.errors import InvalidInput, SourceError, SourceStatus
from jobagent.postings.sources import parse_source
from jobagent.postings.sources.ashby import AshbySource, pay
from jobagent.postings.sources.base import HttpOptions
from jobagent.postings.sources.paging import CutShort
from jobagent.postings.sources.recruitee import RecruiteeSource
from jobagent.postings.sources.smartrecruiters import SmartRecruitersSource
from jobagent.postings.sources.workable import WorkableSource, merged
from tests.ats_json_boards import SR_LIST_KEYS, ashby_job, recruitee_offer, sr_posting, workable_rows

HTTP = HttpOptions(base_urls={"smartrecruiters": "http://sr.test", "recruitee": "http://{company}.rec.test"})


def test_specs_build_each_source_with_the_company_name_and_base() -> None:
    ashby = parse_source("ashby:acme?company=Acme Inc", http=HTTP)
    assert isinstance(ashby, AshbySource) and ashby.company == "Acme Inc" and ashby.board == "acme"
    assert ashby.url == "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true"
    assert isinstance(parse_source("workable:globex", http=HTTP), WorkableSource)
    recruitee = parse_source("recruitee:strv", http=HTTP)
    assert isinstance(recruitee, RecruiteeSource) and recruitee.url == "http://strv.rec.test/api/offers/"
    sr = parse_source("smartrecruiters:Acme Corp", http=HTTP)
    assert isinstance(sr, SmartRecruitersSource) and sr.base == "http://sr.test/v1/companies/Acme%20Corp/postings"
    with pytest.raises(InvalidInput, match="needs a board name"):
        parse_source("ashby:?company=Acme", http=HTTP)


def test_ashby_remote_scope_employment_and_unlisted() -> None:
    source = AshbySource("acme", http=HTTP)
    remote = source.posting(ashby_job(1, "Staff Engineer", remote=True, country="United States",
                                      employment="Intern"))
    assert remote is not None
    assert remote.remote and remote.remote_scope == "United States" and remote.employment_type == "Internship"
    assert remote.location == "Remote; Hamburg" and remote.closed_reason is None
    onsite = source.posting(ashby_job(2, "Welder", city="Leipzig"))
    assert onsite is not None and not onsite.remote and onsite.remote_scope is None and onsite.location == "Leipzig"
    unlisted = source.posting(ashby_job(3, "Hidden", listed=False))
    assert unlisted is not None and unlisted.closed_reason and "unlisted" in unlisted.closed_reason


def test_ashby_pay_takes_every_tier_and_falls_back_to_the_summary() -> None:
    comp = {"compensationTierSummary": "€60K – €90K", "compensationTiers": [
        {"components": [{"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "EUR",
                         "minValue": 60000, "maxValue": 70000}]},
        {"components": [{"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "EUR",
                         "minValue": 75000, "maxValue": 90000}]}]}
    tiers = pay(comp, "")
    assert (tiers.minimum, tiers.maximum, tiers.currency, tiers.period) == (60000, 90000, "EUR", "year")
    summary = pay({"compensationTierSummary": "$43 – $50 per hour", "summaryComponents": []}, "")
    assert (summary.minimum, summary.maximum, summary.currency, summary.period) == (43, 50, "USD", "hour")
    equity_only = pay({"summaryComponents": [{"compensationType": "EquityPercentage", "minValue": 0.1,
                                              "maxValue": 0.2, "interval": "NONE"}]}, "")
    assert equity_only.minimum is None and equity_only.maximum is None


def test_workable_rows_merge_by_shortcode_in_first_seen_order() -> None:
    rows = [*workable_rows("B", "Second", [("Paris", "IDF", "France", "FR")]),
            *workable_rows("A", "First", [("Berlin", "Berlin", "Germany", "DE")]),
            *workable_rows("B", "Second", [("Lyon", "ARA", "France", "FR")])]
    groups = merged(rows)
    assert [[r["shortcode"] for r in g] for g in groups] == [["B", "B"], ["A"]]
    posting = WorkableSource("x", http=HTTP).posting(groups[0], "Globex")
    assert posting is not None and posting.location == "Paris, IDF, France; Lyon, ARA, France"


def test_recruitee_status_closing_date_and_string_salary() -> None:
    source = RecruiteeSource("strv", http=HTTP)
    offer = source.posting(recruitee_offer(1, "Designer", close_at="2026-12-31 23:59:00 UTC",
                                           salary={"min": "3,500", "max": "4,200", "currency": "EUR",
                                                   "period": "month"}))
    assert offer is not None and offer.closed_reason is None and offer.company == "STRV"
    assert offer.valid_through is not None and offer.valid_through.date().isoformat() == "2026-12-31"
    assert (offer.salary_min, offer.salary_max, offer.salary_interval, offer.salary_annual_max) == (
        3500, 4200, "month", 50400)
    closed = source.posting(recruitee_offer(2, "Old", status="closed"))
    assert closed is not None and closed.closed_reason == "closed on Recruitee, not published"
    no_pay = source.posting(recruitee_offer(3, "Plain", salary=None))
    assert no_pay is not None and no_pay.salary_min is None and no_pay.salary_interval is None


def _answers(pages: dict[str, object]) -> Callable[[str], bytes]:
    """A getter that answers from a dict of URL -> JSON (or an int: that HTTP status)."""

    def get(url: str) -> bytes:
        answer = pages[url]
        if isinstance(answer, int):
            raise SourceStatus(f"HTTP {answer} from {url}", status=answer)
        return json.dumps(answer).encode()

    return get


def _sr_pages(n: int, *, gone: frozenset[int] = frozenset()) -> dict[str, object]:
    postings = [sr_posting(i, f"Technician {i}") for i in range(n)]
    base = "http://sr.test/v1/companies/acme/postings"
    pages: dict[str, object] = {}
    for offset in range(0, max(n, 1), 100):
        pages[f"{base}?limit=100&offset={offset}"] = {
            "offset": offset, "limit": 100, "totalFound": n,
            "content": [{k: p[k] for k in SR_LIST_KEYS} for p in postings[offset:offset + 100]]}
    for i, p in enumerate(postings):
        pages[f"{base}/{p['id']}"] = 404 if i in gone else p
    return pages


def test_smartrecruiters_pages_details_and_a_gone_posting() -> None:
    source = SmartRecruitersSource("acme", http=HTTP)
    got = [p for page in source.harvest(_answers(_sr_pages(205, gone=frozenset({7})))) for p in page]
    assert len(got) == 205 and len({p.external_id for p in got}) == 205
    assert [p.title for p in got if p.closed_reason] == ["Technician 7"]
    assert got[0].url and got[0].url.startswith("https://jobs.smartrecruiters.com/") and "Qualifications" not in \
        got[0].description and "Five years of practice" in got[0].description


def test_smartrecruiters_guards_against_empty_looping_and_shrinking_boards() -> None:
    source = SmartRecruitersSource("acme", http=HTTP)
    with pytest.raises(SourceError, match="lists no postings"):
        list(source.harvest(_answers(_sr_pages(0))))
    looping = _sr_pages(150)
    base = "http://sr.test/v1/companies/acme/postings?limit=100"
    looping[f"{base}&offset=100"] = {**looping[f"{base}&offset=0"]}  # type: ignore[dict-item]
    with pytest.raises(SourceError, match="page loop"):
        list(source.harvest(_answers(looping)))
    looping[f"{base}&offset=100"] = {**looping[f"{base}&offset=0"], "offset": 100}  # type: ignore[dict-item]
    with pytest.raises(SourceError, match="page loop"):  # the right offset, but the same postings again
        list(source.harvest(_answers(looping)))
    shrunk = _sr_pages(150)
    shrunk[f"{base}&offset=100"] = {"offset": 100, "limit": 100, "totalFound": 150, "content": []}
    with pytest.raises(CutShort):
        list(source.harvest(_answers(shrunk)))
    broken = _sr_pages(3)
    broken[f"{base}&offset=0"] = {"offset": 0, "content": []}
    with pytest.raises(SourceError, match="totalFound"):
        list(source.harvest(_answers(broken)))
