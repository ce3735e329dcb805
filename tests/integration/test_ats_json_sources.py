"""Ashby, Workable, SmartRecruiters and Recruitee harvested from real HTTP servers on 127.0.0.1 (their own
JSON shapes, ``tests/ats_json_boards.py``) into PostgreSQL and SQLite: every page, merged locations, the
sources' own closed flags, pay periods, 304s, broken pages and an unknown company that must wipe nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from jobagent.postings.harvest import harvest_source
from jobagent.postings.search import find_candidates
from jobagent.store.models import Posting, PostingSource
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema
from jobagent.text import salary_text
from tests.ats_json_boards import AtsBoards, ashby_job, recruitee_offer, sr_posting, workable_rows

BERLIN = ("Berlin", "Berlin", "Germany", "DE")
PARIS = ("Paris", "Île-de-France", "France", "FR")
LISBON = ("Lisbon", "Lisbon", "Portugal", "PT")
WORDS = ["welding robotics", "payroll accounting", "greenhouse irrigation", "tram signalling", "sourdough bakery"]


def _text(n: int) -> str:
    return f"Hands-on {WORDS[n % len(WORDS)]} work, item {n}, in a friendly team."


@pytest.fixture
def ats() -> Iterator[AtsBoards]:
    with AtsBoards() as srv:
        srv.ashby["acme"] = [ashby_job(n, f"Robotics Welder {n}", description=_text(n)) for n in range(6)]
        srv.ashby["acme"].append(ashby_job(99, "Unlisted Cartographer", description="Maps and charts for survey."
                                           , listed=False))
        srv.workable["globex"] = {"name": "Globex GmbH", "description": "<p>Globex</p>", "jobs": [
            *workable_rows("AB12CD", "Data Engineer", [BERLIN, PARIS], description="Spark pipelines", remote=True),
            *workable_rows("AB12CD", "Data Engineer", [LISBON], description="Spark pipelines", remote=True),
            *workable_rows("EF34GH", "Office Manager", [BERLIN], description="Front office and travel"),
        ]}
        srv.smartrecruiters["AcmeCorp"] = [sr_posting(n, f"Field Technician {n}", description=_text(n))
                                           for n in range(250)]
        srv.recruitee["strv"] = [
            recruitee_offer(1, "Marketing Designer", description="Brand and campaign design",
                            salary={"min": "70000", "max": "80000", "currency": "CZK", "period": "month"}),
            recruitee_offer(2, "Draft Harpsichord Tuner", description="Tuning early keyboard instruments",
                            status="draft"),
            recruitee_offer(3, "Backend Developer", description="Elixir services", employment="parttime_fixed_term"),
        ]
        yield srv


@pytest.fixture
def boards(env, store_url: str, ats: AtsBoards) -> AtsBoards:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(ats.base_urls()))
    ensure_schema()
    return ats


def _rows(spec: str) -> list[Posting]:
    with session_scope() as s:
        rows = list(s.scalars(select(Posting).join(PostingSource).where(PostingSource.source == spec)))
        s.expunge_all()
        return rows


def _open(spec: str) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Posting).join(PostingSource)
                        .where(PostingSource.source == spec, Posting.closed_at.is_(None))) or 0


def test_smartrecruiters_reads_every_page_and_each_detail_and_a_404_closes_one_posting(boards: AtsBoards) -> None:
    gone = boards.smartrecruiters["AcmeCorp"][137]["id"]
    boards.sr_gone.add(gone)
    report = harvest_source("smartrecruiters:AcmeCorp")
    assert (report.outcome, report.pages, report.seen, report.new) == ("ok", 3, 250, 250), report.line()
    hits = boards.hits()
    assert hits["/v1/companies/AcmeCorp/postings"] == 3 and report.requests == 3 + 250
    assert _open("smartrecruiters:AcmeCorp") == 249
    rows = {r.external_id: r for r in _rows("smartrecruiters:AcmeCorp")}
    assert len(rows) == 250
    assert rows[gone].closed_at is not None and "404" in (rows[gone].closed_reason or "")
    first = rows[boards.smartrecruiters["AcmeCorp"][0]["id"]]
    assert "welding robotics" in first.description and "Five years of practice" in first.description
    assert first.company == "Acme Corp" and first.company_description == "Acme builds machines."
    assert first.location == "Munich, Bavaria, Germany" and first.employment_kinds == "full_time"
    assert first.url and first.url.startswith("https://jobs.smartrecruiters.com/AcmeCorp/")


def test_workable_rows_of_one_posting_per_location_are_merged(boards: AtsBoards) -> None:
    report = harvest_source("workable:globex")
    assert (report.outcome, report.seen) == ("ok", 2), report.line()
    rows = {r.external_id: r for r in _rows("workable:globex")}
    assert set(rows) == {"AB12CD", "EF34GH"}
    data = rows["AB12CD"]
    assert data.location == "Berlin, Germany; Paris, Île-de-France, France; Lisbon, Portugal"
    assert data.remote and data.remote_scope == "Germany; France; Portugal"
    assert data.company == "Globex GmbH" and data.description == "Spark pipelines"
    assert rows["EF34GH"].location == "Berlin, Germany" and not rows["EF34GH"].remote


def test_unlisted_ashby_and_unpublished_recruitee_are_stored_closed_and_never_found(boards: AtsBoards) -> None:
    assert harvest_source("ashby:acme").outcome == "ok"
    assert harvest_source("recruitee:strv").outcome == "ok"
    closed = {r.title: r for r in _rows("ashby:acme") + _rows("recruitee:strv") if r.closed_at is not None}
    assert set(closed) == {"Unlisted Cartographer", "Draft Harpsichord Tuner"}
    assert "unlisted" in (closed["Unlisted Cartographer"].closed_reason or "")
    assert "draft" in (closed["Draft Harpsichord Tuner"].closed_reason or "")
    with session_scope() as s:
        for title in closed:
            found = find_candidates(s, title, None, limit=100).posting_ids
            assert closed[title].id not in found
        open_one = next(r for r in _rows("recruitee:strv") if r.title == "Backend Developer")
        assert open_one.id in find_candidates(s, "Backend Developer Elixir", None, limit=100).posting_ids
    assert _open("ashby:acme") == 6 and _open("recruitee:strv") == 2

    boards.ashby["acme"][0]["isListed"] = False  # taken off the board since: closed on the next harvest
    again = harvest_source("ashby:acme")
    assert again.outcome == "ok" and _open("ashby:acme") == 5
    welder = next(r for r in _rows("ashby:acme") if r.title == "Robotics Welder 0")
    assert welder.closed_at is not None and "unlisted" in (welder.closed_reason or "")


def test_pay_keeps_its_period_and_a_monthly_salary_is_never_made_annual(boards: AtsBoards) -> None:
    boards.ashby["acme"][0] = ashby_job(0, "Robotics Welder 0", description=_text(0),
                                        salary=(4000, 5000, "EUR", "1 MONTH"), summary="€4K – €5K per month")
    boards.ashby["acme"][1] = ashby_job(1, "Robotics Welder 1", description=_text(1),
                                        salary=(91000, 115000, "GBP", "1 YEAR"), summary="£91K – £115K • Offers Equity")
    harvest_source("ashby:acme")
    harvest_source("recruitee:strv")
    rows = {r.title: r for r in _rows("ashby:acme") + _rows("recruitee:strv")}
    designer = rows["Marketing Designer"]
    assert (designer.salary_min, designer.salary_max, designer.salary_currency, designer.salary_interval) == (
        70000, 80000, "CZK", "month")
    assert (designer.salary_annual_min, designer.salary_annual_max) == (840000, 960000)
    shown = salary_text(designer.salary_min, designer.salary_max, designer.salary_currency,
                        designer.salary_interval)
    assert shown == "70,000–80,000 CZK/month"  # as reports show it: the month's figures, never a year's
    monthly = rows["Robotics Welder 0"]
    assert (monthly.salary_min, monthly.salary_max, monthly.salary_currency, monthly.salary_interval) == (
        4000, 5000, "EUR", "month")
    assert monthly.salary_annual_min == 48000
    yearly = rows["Robotics Welder 1"]
    assert (yearly.salary_min, yearly.salary_interval, yearly.salary_annual_max) == (91000, "year", 115000)
    assert rows["Backend Developer"].employment_kinds == "part_time temporary"


@pytest.mark.parametrize("spec", ["ashby:acme", "workable:globex", "recruitee:strv"])
def test_second_harvest_is_a_304(boards: AtsBoards, spec: str) -> None:
    first = harvest_source(spec)
    assert first.outcome == "ok" and first.new > 0
    again = harvest_source(spec)
    assert (again.outcome, again.requests, again.new, again.updated, again.closed) == ("unchanged", 1, 0, 0, 0)
    assert boards.not_modified == 1 and again.seen == first.seen


@pytest.mark.parametrize("fault", ["truncated", "html"])
@pytest.mark.parametrize("spec", ["ashby:acme", "workable:globex", "smartrecruiters:AcmeCorp", "recruitee:strv"])
def test_a_broken_page_is_one_line_and_keeps_what_was_stored_open(boards: AtsBoards, spec: str,
                                                                   fault: str) -> None:
    if spec.startswith("smartrecruiters"):
        boards.smartrecruiters["AcmeCorp"] = boards.smartrecruiters["AcmeCorp"][:30]
    assert harvest_source(spec).outcome == "ok"
    before = _open(spec)
    boards.ashby["acme"], boards.recruitee["strv"], boards.smartrecruiters["AcmeCorp"] = [], [], []
    boards.workable["globex"]["jobs"] = []  # everything gone ... but the page that would say so is broken
    boards.faults[spec] = fault
    for _ in range(3):
        report = harvest_source(spec)
        assert report.outcome == "failed" and report.closed == 0, report.line()
        assert report.error and "\n" not in report.error and "not JSON" in report.error
    assert _open(spec) == before > 0


def test_an_unknown_smartrecruiters_company_wipes_nothing(boards: AtsBoards) -> None:
    boards.smartrecruiters["AcmeCorp"] = boards.smartrecruiters["AcmeCorp"][:40]
    assert harvest_source("smartrecruiters:AcmeCorp").outcome == "ok"
    del boards.smartrecruiters["AcmeCorp"]  # renamed: the API now answers 200, totalFound 0, no content
    for _ in range(3):
        report = harvest_source("smartrecruiters:AcmeCorp")
        assert report.outcome == "failed" and report.closed == 0 and report.permanent
        assert "lists no postings" in (report.error or "")
    assert _open("smartrecruiters:AcmeCorp") == 40
    typo = harvest_source("smartrecruiters:AcmeCrop")
    assert typo.outcome == "failed" and "'AcmeCrop'" in (typo.error or "")


def test_a_smartrecruiters_page_that_never_advances_stops_with_one_line(boards: AtsBoards) -> None:
    boards.faults["smartrecruiters:AcmeCorp"] = "loop"  # every offset answered with the first page
    report = harvest_source("smartrecruiters:AcmeCorp")
    assert report.outcome == "failed" and "page loop" in (report.error or "") and report.closed == 0
    assert boards.hits()["/v1/companies/AcmeCorp/postings"] == 2  # noticed on the second page
    assert _rows("smartrecruiters:AcmeCorp") == []


def test_fetch_with_a_limit_asks_for_no_more_details_than_it_needs(ats: AtsBoards) -> None:
    from jobagent.postings.sources import parse_source

    ats.sr_gone.add(ats.smartrecruiters["AcmeCorp"][2]["id"])
    source = parse_source("smartrecruiters:AcmeCorp", base_urls=ats.base_urls(), allow_private=True)
    got = source.fetch(5)
    assert [p.title for p in got] == [f"Field Technician {n}" for n in range(5)]
    assert [p.closed_reason is not None for p in got] == [False, False, True, False, False]
    assert ats.count() == 1 + 5  # one list page, five details
    recruitee = parse_source("recruitee:strv", base_urls=ats.base_urls(), allow_private=True).fetch(2)
    assert [p.title for p in recruitee] == ["Marketing Designer", "Draft Harpsichord Tuner"]
