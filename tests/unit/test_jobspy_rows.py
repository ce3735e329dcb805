"""The pure parts of ``jobspy:SITE``: the query plan from profiles, a DataFrame row to a posting whatever
columns it lacks or holes it has, Indeed's country from a place, and a core that never imports the library."""

from __future__ import annotations

import subprocess
import sys
from contextlib import nullcontext
from datetime import date
from unittest.mock import patch

import pytest

from jobagent.errors import InputError
from jobagent.postings.sources import jobspy_source, parse_source
from jobagent.postings.sources.jobspy_rows import posting_from_row, present, records
from jobagent.postings.sources.jobspy_source import _country
from jobagent.postings.sources.jobspy_terms import Query, plan_queries
from jobagent.postings.sources.paging import CutShort


class _NA:
    """Behaves as ``pandas.NA``: comparing gives NA again, and NA refuses to be a bool."""

    def __ne__(self, other: object) -> _NA:  # type: ignore[override]
        return self

    def __bool__(self) -> bool:
        raise TypeError("boolean value of NA is ambiguous")


class _NaT:
    """Behaves as ``pandas.NaT``: not equal to itself."""

    def __ne__(self, other: object) -> bool:
        return True


def test_plan_is_round_robin_deduplicated_and_capped() -> None:
    profiles = [(["Data Engineer", "Analytics Engineer", "BI Developer"], "Berlin"),
                (["DATA engineer ", "", "  "], " berlin "), (["Nurse"], None), ([], "Paris")]
    assert plan_queries(profiles, 10) == [Query("Data Engineer", "Berlin"), Query("Nurse", None),
                                          Query("Analytics Engineer", "Berlin"), Query("BI Developer", "Berlin")]
    assert plan_queries(profiles, 2) == [Query("Data Engineer", "Berlin"), Query("Nurse", None)]
    assert plan_queries([], 5) == [] and plan_queries([([], None)], 5) == []
    # The same title elsewhere is another search.
    assert len(plan_queries([(["Cook"], "Lyon"), (["Cook"], "Nice")], 5)) == 2


def test_holes_of_a_dataframe_are_none() -> None:
    assert [present(v) for v in (float("nan"), _NA(), _NaT(), "", "  ", None)] == [None] * 6
    assert present(0.0) == 0.0 and present(False) is False and present("x") == "x"
    rows = records([{"title": "A", "min_amount": float("nan"), "company": _NA()}, "not a row"])
    assert rows == [{"title": "A", "min_amount": None, "company": None}]
    assert records(None) == []


def test_a_row_with_only_title_and_link_maps_and_unknown_columns_are_ignored() -> None:
    posting = posting_from_row({"title": " Cook ", "job_url": "https://www.indeed.com/viewjob?jk=1",
                                "a_column_from_a_newer_release": [1, 2]}, source="jobspy:indeed", site="indeed")
    assert posting is not None and posting.title == "Cook" and posting.company == "unknown"
    assert posting.external_id.startswith("indeed-") and posting.salary_min is None and posting.posted_at is None
    assert posting_from_row({"title": "No link"}, source="jobspy:indeed", site="indeed") is None
    assert posting_from_row({"job_url": "https://x.example/1"}, source="jobspy:indeed", site="indeed") is None


def test_types_pay_dates_and_remote() -> None:
    row = {"id": "gd-1", "title": "Chef", "job_url": "https://www.glassdoor.com/job-listing/1",
           "date_posted": date(2026, 12, 1), "job_type": "parttime, perdiem, other", "interval": "weekly",
           "min_amount": 900.0, "max_amount": 1100.0, "currency": "GBP", "is_remote": "True",
           "description": "## Kitchen\\_lead\n\n**Great** team"}
    posting = posting_from_row(row, source="jobspy:glassdoor", site="glassdoor")
    assert posting is not None and posting.external_id == "gd-1"
    assert posting.employment_type == "Part-time, Per diem" and posting.remote is True
    assert (posting.salary_interval, posting.salary_currency, posting.salary_annual_min) == ("week", "GBP", 46800)
    assert posting.posted_at is not None and posting.posted_at.isoformat() == "2026-12-01T00:00:00+00:00"
    assert posting.description == "Kitchen_lead\n\nGreat team"
    hybrid = posting_from_row({**row, "is_remote": None, "work_from_home_type": "Remote"}, source="s", site="s")
    assert hybrid is not None and hybrid.remote is True


def test_indeed_country_from_the_place() -> None:
    assert _country("Berlin", "usa", frozenset()) == "germany"
    assert _country("London, UK", "usa", frozenset()) == "uk"
    assert _country("Austin, TX", "canada", frozenset()) == "usa"
    assert _country(None, "usa", frozenset()) == "usa"
    assert _country("Nowhere-in-particular", "france", frozenset()) == "france"
    assert _country("Berlin", "usa", frozenset({"usa", "uk"})) == "usa"  # a country the library does not know


def test_sites_are_checked_when_the_spec_is_read() -> None:
    assert parse_source("jobspy:LinkedIn").host == "www.linkedin.com"  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="unknown jobspy site 'zip_recruiter'; use one of indeed, linkedin"):
        parse_source("jobspy:zip_recruiter")
    with pytest.raises(InputError, match="needs a value after 'jobspy:'"):
        parse_source("jobspy:")


def test_the_core_never_imports_the_library() -> None:
    code = ("import sys, jobagent.postings.sources, jobagent.postings.harvest, jobagent.cli; "
            "from jobagent.postings.sources import parse_source; parse_source('jobspy:indeed'); "
            "print(sorted(m for m in ('jobspy', 'pandas', 'numpy', 'curl_cffi') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_remote_profile_searches_remote_postings_not_a_place_called_remote() -> None:
    asked: list[dict[str, object]] = []

    def scrape(**arguments: object) -> list[dict[str, object]]:
        asked.append(arguments)
        return []

    source = parse_source("jobspy:google")
    source._queries = lambda cap: [Query("Nurse", "Remote"), Query("Nurse", "Lyon")]  # type: ignore[attr-defined]
    with patch.object(jobspy_source, "scrape_jobs", scrape):
        assert source.check(lambda host: nullcontext()) == 0  # type: ignore[attr-defined]
        with pytest.raises(CutShort, match="2 searches read; search results are a sample"):
            list(source.harvest(_Paced()))  # type: ignore[attr-defined]
    assert [(a["location"], a["is_remote"], a["google_search_term"]) for a in asked] == [
        (None, True, "remote Nurse jobs"), (None, True, "remote Nurse jobs"), ("Lyon", False, "Nurse jobs near Lyon")]


class _Paced:
    def __call__(self, url: str, json_body: object = None) -> bytes:
        raise AssertionError("jobspy sources never fetch through the getter")

    def slot(self, host: str) -> nullcontext[None]:
        assert host == "www.google.com"
        return nullcontext()
