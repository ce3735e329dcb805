"""``jsonld:URL`` harvested from a real careers site on 127.0.0.1 into PostgreSQL and SQLite: the schema.org
JobPosting markup mapped field by field, same-host links followed once each, off-host links never, the
page cap reported as cut short (kept, nothing closed), and a failing careers page leaving the store alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jobagent.postings.harvest import harvest_source
from jobagent.store.models import Posting, PostingSource
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema
from tests.jsonld_pages import JsonLdSite, careers_site


@pytest.fixture
def sites() -> Iterator[tuple[JsonLdSite, JsonLdSite]]:
    with JsonLdSite() as site, JsonLdSite() as other:
        other.pages["/careers/other"] = "<html><body>another company</body></html>"
        careers_site(site, other.base, big_pages=12)
        yield site, other


@pytest.fixture
def jsonld_env(env, store_url: str, sites: tuple[JsonLdSite, JsonLdSite]) -> tuple[JsonLdSite, JsonLdSite]:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_JSONLD_MAX_PAGES="8")
    ensure_schema()
    return sites


def _stored(spec: str) -> dict[str, Posting]:
    with session_scope() as s:
        rows = s.scalars(select(Posting).join(PostingSource).where(PostingSource.source == spec)).all()
        s.expunge_all()
    return {r.title: r for r in rows}


def test_careers_site_is_mapped_and_links_followed_once(jsonld_env: tuple[JsonLdSite, JsonLdSite]) -> None:
    site, other = jsonld_env
    spec = f"jsonld:{site.base}/careers"
    report = harvest_source(spec)
    assert report.outcome == "ok", report.error
    hits = site.hits()
    # Index, four posting pages, the loop page and the dead link: each once, however often it is linked.
    assert set(hits) == {"/careers", "/careers/robotics-engineer", "/careers/data-analyst", "/careers/expired-role",
                         "/careers/remote-support", "/careers/loop", "/careers/gone"}
    assert max(hits.values()) == 1 and report.requests == 7 and report.pages == 6
    assert other.hits() == {}  # another origin (same address, other port) is never read

    stored = _stored(spec)
    assert sorted(stored) == ["Data Analyst", "Office Manager", "Robotics Engineer", "Support Specialist",
                              "Warehouse Lead"]
    office = stored["Office Manager"]
    assert office.company == "Acme Robotics" and office.location == "Hamburg, HH, DE; Munich, BY, DE"
    assert office.posted_at is not None and office.posted_at.date().isoformat() == "2026-11-20"
    assert "robots & tools" in office.description and "<b>" not in office.description

    robotics = stored["Robotics Engineer"]
    assert (robotics.salary_min, robotics.salary_max, robotics.salary_currency, robotics.salary_interval) == (
        5000, 6500, "EUR", "month")
    assert (robotics.salary_annual_min, robotics.salary_annual_max) == (60000, 78000)
    assert robotics.closed_at is None and robotics.valid_through is not None and robotics.location == "Berlin, BE, DE"
    assert robotics.employment_kinds == "full_time"

    analyst = stored["Data Analyst"]
    assert (analyst.salary_min, analyst.salary_max, analyst.salary_interval) == (52000, None, "year")  # one value
    assert analyst.employment_kinds is not None and set(analyst.employment_kinds.split()) == {"part_time",
                                                                                               "temporary"}
    remote = stored["Support Specialist"]
    assert remote.remote is True and remote.remote_scope == "USA, Canada" and remote.location is None
    assert (remote.salary_min, remote.salary_max, remote.salary_currency, remote.salary_interval) == (
        30, 45, "USD", "hour")
    assert remote.employment_kinds == "contract"

    expired = stored["Warehouse Lead"]
    assert expired.closed_at is not None and "2020-01-31" in (expired.closed_reason or "")
    assert all(p.closed_at is None for t, p in stored.items() if t != "Warehouse Lead")


def test_more_pages_than_the_cap_is_cut_short_kept_and_closes_nothing(
        jsonld_env: tuple[JsonLdSite, JsonLdSite]) -> None:
    site, _ = jsonld_env
    spec = f"jsonld:{site.base}/big"
    report = harvest_source(spec)
    assert report.outcome == "partial" and "more than 8 pages" in (report.error or "")
    assert report.requests == 8 and len(site.hits()) == 8
    first = _stored(spec)
    assert len(first) == 7 and all(p.closed_at is None for p in first.values())  # 8 pages: the index and 7
    site.hits()
    del site.pages["/big/0"], site.pages["/big/1"]  # gone from the site, but a cut-short harvest proves nothing
    for _ in range(3):
        assert harvest_source(spec).outcome == "partial"
    assert all(p.closed_at is None for p in _stored(spec).values())


def test_a_failing_careers_page_keeps_what_was_stored(jsonld_env: tuple[JsonLdSite, JsonLdSite]) -> None:
    site, _ = jsonld_env
    spec = f"jsonld:{site.base}/careers"
    assert harvest_source(spec).outcome == "ok"
    before = {t: p.closed_at for t, p in _stored(spec).items()}
    del site.pages["/careers"]
    for _ in range(3):
        report = harvest_source(spec)
        assert report.outcome == "failed" and report.permanent and "404" in (report.error or "")
    assert {t: p.closed_at for t, p in _stored(spec).items()} == before


def test_a_posting_page_removed_from_the_site_closes_after_complete_harvests(
        jsonld_env: tuple[JsonLdSite, JsonLdSite]) -> None:
    site, _ = jsonld_env
    spec = f"jsonld:{site.base}/careers"
    harvest_source(spec)
    del site.pages["/careers/data-analyst"]  # the link stays, the page answers 404: the posting is gone
    # The first harvest after the removal reads the site in full ("ok": a page answers differently); the
    # second finds every page as then ("unchanged", postings/revalidation.py), which still counts the miss.
    assert [harvest_source(spec).outcome for _ in range(2)] == ["ok", "unchanged"]
    stored = _stored(spec)
    assert stored["Data Analyst"].closed_at is not None and stored["Robotics Engineer"].closed_at is None
