"""``jobspy:SITE`` (issue 27 §4) on a real store (PostgreSQL and SQLite), the real harvest and the real search,
with python-jobspy replaced at the one boundary jobagent calls (``jobspy_source.scrape_jobs``) by recorded
answers (tests/jobspy_recordings.py; shapes from python-jobspy 1.4.1, cited in each fixture's ``_about``).

What is asked: the stored profiles' titles x locations, deduplicated and capped; each call inside the site
host's pacing slot. What is stored: monthly pay kept monthly, remote, employment type, dates; rows without a
link skipped. What a failure does: the library raising or reporting a blocked site is a transient failure
with one line in ``sources list``, and the postings stored before stay open."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jobagent.postings.harvest import harvest_source, harvest_sources
from jobagent.postings.search import find_candidates
from jobagent.postings.sources import jobspy_source, parse_source
from jobagent.postings.sources.checking import CheckUnavailable, check_source
from jobagent.store.models import Posting, PostingSource, UserProfile
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema
from tests.conftest import ROOT, run_cli
from tests.jobspy_recordings import Recorder

TWO_PROFILES = [
    ("Ada", ["Data Engineer", "Analytics Engineer"], "Berlin"),
    # The same first title in other case and spacing, at the same place: asked once.
    ("Ben", ["data  engineer", "Backend Developer"], "berlin"),
    ("Cem", ["Backend Developer"], "Hamburg"),
]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorded = Recorder(sites=["indeed", "linkedin"])
    monkeypatch.setattr(jobspy_source, "scrape_jobs", recorded)
    yield recorded


@pytest.fixture
def jobspy_env(env, store_url: str) -> str:
    env(database_url=store_url, JOBAGENT_HOST_MIN_INTERVAL="0.01", JOBAGENT_SOURCES="",
        JOBAGENT_JOBSPY_RESULTS_WANTED="20", JOBAGENT_JOBSPY_HOURS_OLD="48")
    ensure_schema()
    with session_scope() as s:
        for name, titles, location in TWO_PROFILES:
            s.add(UserProfile(name=name, email=f"{name.lower()}@example.org", location=location,
                              suggested_titles=titles, skills=["python", "sql"]))
            s.flush()  # created_at in this order: the query plan follows the profiles' age
    return store_url


def _stored(spec: str) -> dict[str, Posting]:
    with session_scope() as s:
        rows = s.scalars(select(Posting).join(PostingSource).where(PostingSource.source == spec)).all()
        s.expunge_all()
    return {r.title: r for r in rows}


def test_queries_come_from_the_profiles_deduplicated_and_capped(jobspy_env: str, recorder: Recorder, env) -> None:
    report = harvest_source("jobspy:indeed")
    # Round by round (every profile's first title, then second ones); "data  engineer"/"berlin" is no new query.
    assert recorder.searched() == [("Data Engineer", "Berlin"), ("Backend Developer", "Hamburg"),
                                   ("Analytics Engineer", "Berlin"), ("Backend Developer", "berlin")]
    first = recorder.calls[0].arguments
    assert first["site_name"] == ["indeed"] and first["results_wanted"] == 20 and first["hours_old"] == 48
    assert first["country_indeed"] == "germany"  # from the profile's place, not the US default
    assert report.pages == 4 and report.requests == 4  # one paced call per query
    env(database_url=jobspy_env, JOBAGENT_HOST_MIN_INTERVAL="0.01", JOBAGENT_JOBSPY_MAX_QUERIES="2")
    before = len(recorder.calls)
    harvest_source("jobspy:indeed")
    assert recorder.searched()[before:] == [("Data Engineer", "Berlin"), ("Backend Developer", "Hamburg")]


def test_harvested_postings_are_mapped_and_found_by_a_search(jobspy_env: str, recorder: Recorder) -> None:
    report = harvest_source("jobspy:indeed")
    # A sample of the site, not its board: kept as read, and says why nothing is closed by absence.
    assert report.outcome == "partial" and "nothing is closed by absence" in (report.error or "")
    stored = _stored("jobspy:indeed")
    # The posting both the Data Engineer and the Analytics Engineer search found is stored once; the row
    # without a link is skipped.
    assert sorted(stored) == ["Analytics Engineer", "Backend Developer Go", "Data Engineer (m/w/d)",
                              "Senior Data Engineer - Remote", "Werkstudent Data Engineering"]
    assert report.seen == 5 and report.new == 5

    monthly = stored["Data Engineer (m/w/d)"]
    assert (monthly.salary_min, monthly.salary_max, monthly.salary_currency, monthly.salary_interval) == (
        4800, 5600, "EUR", "month")  # monthly pay stays monthly ...
    assert (monthly.salary_annual_min, monthly.salary_annual_max) == (57600, 67200)  # ... and compares by the year
    assert monthly.company == "Spreewerk Analytics GmbH" and monthly.location == "Berlin, BE, Germany"
    assert monthly.url == "https://www.indeed.com/viewjob?jk=7c1f3a9e2b4d5c60" and not monthly.remote
    assert monthly.posted_at is not None and monthly.posted_at.date().isoformat() == "2026-12-03"
    assert "**" not in monthly.description and "Build batch and streaming pipelines" in monthly.description
    assert monthly.employment_kinds == "full_time" and monthly.company_size == "51 to 200"

    remote = stored["Senior Data Engineer - Remote"]
    assert remote.remote is True and remote.salary_interval == "year" and remote.salary_annual_max == 90000
    assert set((remote.employment_kinds or "").split()) == {"full_time", "contract"}
    student = stored["Werkstudent Data Engineering"]
    assert (student.salary_min, student.salary_max, student.salary_interval) == (16, None, "hour")
    assert student.employment_kinds is not None and "part_time" in student.employment_kinds
    untyped = stored["Analytics Engineer"]  # job_type and is_remote empty, no pay: mapped without them
    assert untyped.employment_type is None and untyped.salary_min is None and untyped.remote is False
    go = stored["Backend Developer Go"]  # no pay columns: the one parser reads the description
    assert (go.salary_min, go.salary_max, go.salary_interval) == (70000, 85000, "year")

    with session_scope() as s:  # the real search finds the harvested postings; it never calls the library
        calls = len(recorder.calls)
        found = find_candidates(s, "Data Engineer", None, limit=50).posting_ids
        assert monthly.id in found and remote.id in found and stored["Backend Developer Go"].id not in found
    assert len(recorder.calls) == calls


def test_linkedin_columns_of_an_older_shape_map_and_a_blocked_query_cuts_short(
        jobspy_env: str, recorder: Recorder) -> None:
    report = harvest_source("jobspy:linkedin")
    # The first query answered; the second was blocked (attrs["errors"], 429): what was read is kept.
    assert report.outcome == "partial" and "429" in (report.error or "") and "nothing closed" in (report.error or "")
    stored = _stored("jobspy:linkedin")
    assert list(stored) == ["Data Platform Engineer"]
    assert stored["Data Platform Engineer"].company_url == "https://www.linkedin.com/company/tempelhof-mobility"
    assert "country_indeed" not in recorder.calls[0].arguments  # LinkedIn has no such argument


def test_a_failing_site_keeps_stored_postings_open_with_one_line_in_sources_list(
        jobspy_env: str, recorder: Recorder, cli_main) -> None:
    assert harvest_source("jobspy:indeed").new == 5
    before = {t: p.closed_at for t, p in _stored("jobspy:indeed").items()}
    assert all(at is None for at in before.values())
    # Older releases raise; 1.4 reports it in attrs["errors"]. Both, on the first query, fail the harvest.
    recorder.raising["Data Engineer"] = ConnectionError("('Connection aborted.', RemoteDisconnected())")
    for _ in range(3):
        report = harvest_source("jobspy:indeed")
        assert report.outcome == "failed" and not report.permanent, report
        assert "Data Engineer" in (report.error or "") and "ConnectionError" in (report.error or "")
    assert {t: p.closed_at for t, p in _stored("jobspy:indeed").items()} == before

    code, out, err = cli_main("sources", "list", "--json")
    assert code == 0, err
    (row,) = [r for r in json.loads(out)["sources"] if r["source"] == "jobspy:indeed"]
    assert row["kind"] == "jobspy" and row["outcome"] == "failed" and row["open"] == 5 and row["closed"] == 0
    assert "\n" not in row["error"] and "ConnectionError" in row["error"]


def test_blocked_on_the_first_query_is_transient(jobspy_env: str, recorder: Recorder, env) -> None:
    env(database_url=jobspy_env, JOBAGENT_HOST_MIN_INTERVAL="0.01")
    with session_scope() as s:  # only Analytics Engineer in Berlin is asked: LinkedIn answers it with a 429
        for p in s.scalars(select(UserProfile)):
            p.suggested_titles = ["Analytics Engineer"]
    report = harvest_source("jobspy:linkedin")
    assert report.outcome == "failed" and not report.permanent
    assert report.error == ("jobspy:linkedin: search 'Analytics Engineer' in Berlin: linkedin failed: "
                            "response status code 429 (blocked: use a proxy)")


def test_only_with_close_missing_do_absent_postings_close(jobspy_env: str, recorder: Recorder, env) -> None:
    for _ in range(3):
        harvest_source("jobspy:indeed")
    recorder.answers = {k: v for k, v in recorder.answers.items() if k[1] != "analytics engineer"}
    for _ in range(3):  # "Analytics Engineer" is no longer found: by default that proves nothing
        harvest_source("jobspy:indeed")
    assert _stored("jobspy:indeed")["Analytics Engineer"].closed_at is None
    env(database_url=jobspy_env, JOBAGENT_HOST_MIN_INTERVAL="0.01", JOBAGENT_JOBSPY_CLOSE_MISSING="true",
        JOBAGENT_CLOSE_AFTER_MISSES="2")
    outcomes = [harvest_source("jobspy:indeed").outcome for _ in range(2)]
    assert outcomes == ["ok", "ok"]
    stored = _stored("jobspy:indeed")
    assert stored["Analytics Engineer"].closed_at is not None and stored["Data Engineer (m/w/d)"].closed_at is None


def test_each_call_holds_the_site_hosts_pacing_slot(jobspy_env: str, recorder: Recorder, env) -> None:
    env(database_url=jobspy_env, JOBAGENT_HOST_MIN_INTERVAL="0.3", JOBAGENT_SOURCES="")
    recorder.hold = 0.05
    # Indeed and LinkedIn harvested at once: each site's calls are one at a time, each starting at least the
    # interval after the last one on that host ended (apis.indeed.com's slot, www.linkedin.com's slot).
    reports = harvest_sources(["jobspy:indeed", "jobspy:linkedin"])
    assert [r.outcome for r in reports] == ["partial", "partial"], [r.error for r in reports]
    indeed = sorted((c for c in recorder.calls if c.arguments["site_name"] == ["indeed"]), key=lambda c: c.started)
    assert len(indeed) == 4
    gaps = [b.started - a.ended for a, b in zip(indeed, indeed[1:], strict=False)]
    assert min(gaps) >= 0.3 - 0.02, gaps


# --- through the console script, with the library's import as it really happens -------------------------

FAKE_PACKAGE = ROOT / "tests" / "fake_jobspy"


def _cli_store(tmp_path: Path) -> dict[str, str]:
    """A SQLite store holding the three profiles, and the environment a subprocess needs to use it."""
    from sqlalchemy.orm import Session

    from jobagent.store.migrate import upgrade
    from jobagent.store.session import get_engine

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)

    with Session(get_engine(url)) as s, s.begin():
        for name, titles, location in TWO_PROFILES:
            s.add(UserProfile(name=name, email=f"{name.lower()}@example.org", location=location,
                              suggested_titles=titles))
            s.flush()
    return {"DATABASE_URL": url, "JOBAGENT_HOST_MIN_INTERVAL": "0.01", "JOBAGENT_DATA_DIR": str(tmp_path / "data")}


def _without_jobspy(tmp_path: Path) -> str:
    """A PYTHONPATH entry under which ``import jobspy`` fails as on a machine without the extra. This machine
    has no python-jobspy (the core's own dependencies), so nothing is needed; should it ever be installed,
    a package that raises the same ModuleNotFoundError shadows it."""
    if importlib.util.find_spec("jobspy") is None:
        return ""
    blocker = tmp_path / "no_jobspy" / "jobspy"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'jobspy'\", name='jobspy')\n")
    return str(blocker.parent)


def test_without_the_library_sources_add_names_the_extra_and_adds_nothing(tmp_path: Path) -> None:
    environ = {**_cli_store(tmp_path), "PYTHONPATH": _without_jobspy(tmp_path)}
    added = run_cli("sources", "add", "jobspy:indeed", environ=environ)
    assert added.returncode == 3, (added.stdout, added.stderr)
    errors = [line for line in added.stderr.splitlines() if line.startswith("error:")]
    assert "Traceback" not in added.stderr and len(errors) == 1
    assert "python-jobspy" in errors[0] and "pip install 'jobagent[aggregators]'" in errors[0]
    listed = run_cli("sources", "list", "--json", environ=environ)
    assert listed.returncode == 0 and "jobspy:indeed" not in listed.stdout
    harvested = run_cli("harvest", "jobspy:indeed", environ=environ)  # a configured one says the same, exit 3
    assert harvested.returncode == 3 and "pip install 'jobagent[aggregators]'" in harvested.stderr
    assert "Traceback" not in harvested.stderr


def test_with_the_library_sources_add_checks_one_search_then_harvest_reads_all(tmp_path: Path) -> None:
    calls = tmp_path / "calls.jsonl"
    environ = {**_cli_store(tmp_path), "PYTHONPATH": str(FAKE_PACKAGE), "FAKE_JOBSPY_CALLS": str(calls)}
    added = run_cli("sources", "add", "jobspy:indeed", environ=environ)
    assert added.returncode == 0, added.stderr
    assert "jobspy:indeed: added to the scheduled harvest (1 postings on the first page)" in added.stdout
    asked = [json.loads(line) for line in calls.read_text().splitlines()]
    assert len(asked) == 1 and asked[0]["results_wanted"] == 1 and asked[0]["search_term"] == "Data Engineer"

    harvested = run_cli("harvest", "--json", environ=environ)  # the configured sources: jobspy:indeed
    assert harvested.returncode == 0, harvested.stderr
    (report,) = json.loads(harvested.stdout)
    assert report["source"] == "jobspy:indeed" and report["new"] == 5 and report["requests"] == 4
    assert len(calls.read_text().splitlines()) == 1 + 4
    listed = json.loads(run_cli("sources", "list", "--json", environ=environ).stdout)
    (row,) = [r for r in listed["sources"] if r["source"] == "jobspy:indeed"]
    assert row["configured"] and row["open"] == 5 and "jobspy" in listed["kinds"]


def test_an_unknown_site_is_one_line_and_exit_3(jobspy_env: str, recorder: Recorder, cli_main) -> None:
    code, out, err = cli_main("sources", "add", "jobspy:monster")
    assert code == 3 and out == ""
    (line,) = [x for x in err.splitlines() if x.startswith("error:")]
    assert line == ("error: unknown jobspy site 'monster'; use one of indeed, linkedin, glassdoor, google "
                    "(e.g. jobspy:indeed)")
    assert recorder.calls == []


def test_the_check_of_sources_add_is_paced_too(jobspy_env: str, recorder: Recorder) -> None:
    source = parse_source("jobspy:indeed")
    assert [check_source(source, min_interval=0.3) for _ in range(3)] == [1, 1, 1]
    assert [c.arguments["results_wanted"] for c in recorder.calls] == [1, 1, 1]
    gaps = [b.started - a.ended for a, b in zip(recorder.calls, recorder.calls[1:], strict=False)]
    assert min(gaps) >= 0.3 - 0.02, gaps
    recorder.raising["Data Engineer"] = TimeoutError("read timed out")
    with pytest.raises(CheckUnavailable, match="could not check the board now .*TimeoutError"):
        check_source(source, min_interval=0.0)
