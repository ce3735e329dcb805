"""Personio (XML), BambooHR and Workday harvested from real HTTP servers on 127.0.0.1 (their real shapes,
tests/ats_xml_workday_boards.py) into PostgreSQL and SQLite: every page and detail read, the sources' own
word on closed postings, an entity bomb refused, a truncated page that closes nothing, and conditional
requests for every request of a multi-page source on the second harvest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from jobagent.postings.harvest import harvest_source
from jobagent.postings.search import find_candidates
from jobagent.store.models import Posting, PostingSource, SourceState
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema
from tests.ats_xml_workday_boards import AtsServer
from tests.board_server import BoardServer
from tests.posting_corpus import generate

WORKDAY = "workday:https://acme.wd5.myworkdayjobs.com/en-US/External"
PERSONIO = "personio:acme"
BAMBOO = "bamboohr:globex?company=Globex Corp"


def workday_postings(n: int) -> list[dict[str, Any]]:
    out = []
    for i, p in enumerate(generate(n, prefix="wd", seed=7)):
        city = p["location"].split(",")[0]
        out.append({**p, "id": f"R-{i:04d}", "path": f"/job/{city.replace(' ', '-')}/Posting_R-{i:04d}"})
    return out


@pytest.fixture
def ats(env, store_url: str) -> Iterator[AtsServer]:
    with AtsServer() as srv:
        wd = workday_postings(45)
        wd[3]["posted"] = "Posted Today"
        wd[4]["start"] = "2026-11-03"
        wd[5].update(remote_type="Remote", country="Germany")
        wd[6]["description"] += " The pay range for this role is $120,000 - $150,000 USD annually."
        wd[7]["can_apply"] = False
        srv.workday[("acme", "External")] = wd
        srv.personio["acme"] = [
            {"id": "2800938", "title": "Backend Engineer (m/w/d)", "company": "Acme GmbH", "office": "Berlin",
             "more_offices": ["Remote (Germany)"],
             "blocks": [("Your tasks", "<ul><li>Build the billing API in Python</li></ul>"),
                        ("What we offer", "<p>Salary: 4,000 - 5,000 EUR per month, 30 days of holiday.</p>")]},
            {"id": "2800939", "title": "Werkstudent Marketing", "company": "Acme GmbH", "office": "Hamburg",
             "employment": "intern", "schedule": "part-time", "created": "2026-10-20T08:00:00+00:00",
             "blocks": [("Aufgaben", "<p>Kampagnen planen und auswerten.</p>")]},
        ]
        srv.bamboohr["globex"] = [
            {"id": str(10 + i), "title": p["title"], "city": p["location"].split(",")[0], "state": None,
             "country": p["location"].split(", ")[-1], "description": p["description"],
             "remote": i == 1, "pay": "$90,000 - $110,000 per year" if i == 0 else None}
            for i, p in enumerate(generate(5, prefix="bh", seed=8))]
        env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.0",
            JOBAGENT_SOURCE_BASE_URLS=json.dumps(srv.base_urls()))
        ensure_schema()
        yield srv


def _rows(spec: str) -> dict[str, Posting]:
    with session_scope() as s:
        rows = s.scalars(select(Posting).join(PostingSource).where(PostingSource.source == spec)).all()
        s.expunge_all()
    return {r.url: r for r in rows}


def _wd_url(posting: dict[str, Any]) -> str:
    return f"https://acme.wd5.myworkdayjobs.com/External{posting['path']}"


def _open(spec: str) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Posting).join(PostingSource)
                        .where(PostingSource.source == spec, Posting.closed_at.is_(None))) or 0


def test_workday_every_page_and_detail_then_unchanged_by_revalidation(ats: AtsServer) -> None:
    first = harvest_source(WORKDAY)
    assert (first.outcome, first.seen, first.new, first.pages) == ("ok", 45, 45, 3), first.error
    assert ats.count("POST") == 3 and ats.count("GET", "/job/") == 45 and first.requests == 48
    rows = _rows(WORKDAY)
    wd = ats.workday[("acme", "External")]
    assert len(rows) == 45 and _open(WORKDAY) == 44
    closed = rows[_wd_url(wd[7])]
    assert closed.closed_at is not None and "canApply: false" in (closed.closed_reason or "")
    with session_scope() as s:  # closed, so never matched
        assert closed.id not in find_candidates(s, wd[7]["title"], None, limit=1000).posting_ids
    paid, today, started, remote = (rows[_wd_url(wd[i])] for i in (6, 3, 4, 5))
    assert (paid.salary_min, paid.salary_max, paid.salary_currency, paid.salary_interval) == (
        120000, 150000, "USD", "year")
    assert today.posted_at is not None and today.posted_at.date() == datetime.now(UTC).date()
    assert started.posted_at is not None and started.posted_at.date().isoformat() == "2026-11-03"
    assert rows[_wd_url(wd[0])].posted_at is None  # "Posted 30+ Days Ago" is no date
    assert remote.remote and remote.remote_scope == "Germany" and not rows[_wd_url(wd[0])].remote
    assert paid.employment_type == "Full time" and paid.company == wd[6]["company"]
    assert paid.title == wd[6]["title"] and paid.description.endswith("USD annually.")

    again = harvest_source(WORKDAY)  # the search is a POST (compared by hash), every detail a 304
    assert (again.outcome, again.requests, again.new, again.updated, again.closed) == ("unchanged", 48, 0, 0, 0)
    assert ats.not_modified == 45 and ats.count("POST") == 6
    wd[10]["description"] += " Now with on-call duty."
    changed = harvest_source(WORKDAY)
    assert (changed.outcome, changed.updated, changed.seen) == ("ok", 1, 45)
    assert [r.id for r in _rows(WORKDAY).values() if r.closed_at is not None] == [closed.id]


@pytest.mark.parametrize("postings, lie, omit, outcome", [
    (40, None, True, "ok"),  # no total: the wrapped page at offset 40 is the end
    (40, 60, False, "partial"),  # total says 60, the site wraps at 40: the loop stops, one line, closes nothing
])
def test_workday_offset_wrap_ends_the_loop(ats: AtsServer, postings: int, lie: int | None, omit: bool,
                                          outcome: str) -> None:
    ats.workday[("acme", "External")] = workday_postings(postings)
    ats.workday_total, ats.workday_omit_total = lie, omit
    report = harvest_source(WORKDAY)
    assert (report.outcome, report.seen, report.closed) == (outcome, 40, 0)
    assert ats.count("POST") == 3 and _open(WORKDAY) == 40  # two pages and the wrapped one, no more
    if outcome == "partial":
        assert report.error and "repeats postings already read" in report.error and "\n" not in report.error


def test_workday_truncated_page_keeps_earlier_postings_open(ats: AtsServer) -> None:
    assert harvest_source(WORKDAY).outcome == "ok"
    del ats.workday[("acme", "External")][30:]  # 15 postings gone ...
    ats.faults["workday"] = "truncated@20"  # ... but page 2 breaks off mid-body, every time
    for _ in range(2):
        report = harvest_source(WORKDAY)
        assert report.outcome == "failed" and report.closed == 0 and report.error and "\n" not in report.error
    assert _open(WORKDAY) == 44
    with session_scope() as s:
        assert set(s.scalars(select(PostingSource.misses).where(PostingSource.source == WORKDAY))) == {0}


def test_personio_xml_mapped_with_monthly_pay_and_a_304(ats: AtsServer) -> None:
    report = harvest_source(PERSONIO)
    assert (report.outcome, report.seen, report.requests) == ("ok", 2, 1), report.error
    rows = {r.title: r for r in _rows(PERSONIO).values()}
    engineer, student = rows["Backend Engineer (m/w/d)"], rows["Werkstudent Marketing"]
    assert (engineer.salary_min, engineer.salary_max, engineer.salary_currency, engineer.salary_interval) == (
        4000, 5000, "EUR", "month")
    assert engineer.salary_annual_min == 48000
    assert engineer.location == "Berlin; Remote (Germany)" and engineer.remote and not student.remote
    assert engineer.employment_type == "permanent, full-time" and student.employment_type == "intern, part-time"
    assert "part_time" in (student.employment_kinds or "") and engineer.company == "Acme GmbH"
    assert "Build the billing API in Python" in engineer.description and "Your tasks" in engineer.description
    assert engineer.posted_at is not None and engineer.posted_at.date().isoformat() == "2026-11-02"
    assert engineer.url == "https://acme.jobs.personio.de/job/2800938"
    again = harvest_source(PERSONIO)
    assert (again.outcome, again.requests, ats.not_modified) == ("unchanged", 1, 1)


def test_personio_entity_bomb_refused_in_one_line_and_nothing_closed(ats: AtsServer) -> None:
    assert harvest_source(PERSONIO).outcome == "ok"
    ats.faults["personio"] = "bomb"
    for _ in range(3):  # more than enough misses to close, had they been counted
        report = harvest_source(PERSONIO)
        assert report.outcome == "failed" and report.permanent and report.closed == 0
        assert report.error and "entities" in report.error and "\n" not in report.error
    assert _open(PERSONIO) == 2
    with session_scope() as s:
        state = s.get(SourceState, PERSONIO)
        assert state.outcome == "failed" and state.error == report.error


def test_bamboohr_detail_404_closes_only_that_posting_and_304s(ats: AtsServer) -> None:
    first = harvest_source(BAMBOO)
    assert (first.outcome, first.seen, first.requests) == ("ok", 5, 6), first.error
    rows = _rows(BAMBOO)
    openings = ats.bamboohr["globex"]
    paid = rows["https://globex.bamboohr.com/careers/10"]
    assert (paid.salary_min, paid.salary_max, paid.salary_interval, paid.company) == (
        90000, 110000, "year", "Globex Corp")
    assert paid.employment_type == "Full-Time" and paid.posted_at is not None
    remote = rows["https://globex.bamboohr.com/careers/11"]
    assert remote.remote and remote.remote_scope == openings[1]["country"] and not paid.remote
    assert paid.url == "https://globex.bamboohr.com/careers/10"

    again = harvest_source(BAMBOO)  # the list and each detail answer 304
    assert (again.outcome, again.requests, ats.not_modified) == ("unchanged", 6, 6)

    ats.bamboohr_gone.add("13")
    gone = harvest_source(BAMBOO)
    assert gone.outcome == "ok" and gone.seen == 5
    rows = _rows(BAMBOO)
    closed = [r for r in rows.values() if r.closed_at is not None]
    assert [r.url for r in closed] == ["https://globex.bamboohr.com/careers/13"]
    assert "404" in (closed[0].closed_reason or "")
    assert _open(BAMBOO) == 4


@pytest.fixture
def boards(env, store_url: str) -> Iterator[BoardServer]:
    with BoardServer(arbeitnow_page_size=50) as srv:
        srv.boards["lever:globex"] = generate(230, prefix="lv", seed=2)
        srv.boards["arbeitnow"] = generate(140, prefix="an", seed=3)
        env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.0",
            JOBAGENT_SOURCE_BASE_URLS=json.dumps(srv.base_urls()))
        ensure_schema()
        yield srv


def test_paged_boards_304_on_every_page_and_a_change_on_page_3_is_seen(boards: BoardServer) -> None:
    first = {spec: harvest_source(spec) for spec in ("lever:globex", "arbeitnow")}
    assert [r.outcome for r in first.values()] == ["ok", "ok"]
    before = boards.not_modified
    again = {spec: harvest_source(spec) for spec in ("lever:globex", "arbeitnow")}
    assert {s: (r.outcome, r.requests) for s, r in again.items()} == {"lever:globex": ("unchanged", 3),
                                                                       "arbeitnow": ("unchanged", 3)}
    assert boards.not_modified - before == 6
    gone = boards.boards["lever:globex"].pop(220)  # on page 3 only: pages 1 and 2 still answer 304
    changed = harvest_source("lever:globex")
    # Three revalidations (304, 304, a new page 3 kept), then pages 1 and 2 again for their bodies.
    assert (changed.outcome, changed.requests, changed.seen) == ("ok", 5, first["lever:globex"].seen - 1)
    with session_scope() as s:
        row = s.scalar(select(PostingSource).join(Posting).where(Posting.url == gone["url"]))
        assert row is not None and row.misses == 1
