"""Searching the postings store: the right posting deep in a 5,000-posting feed ranks first on both
backends, synonyms, location preference, and a malformed user feed refused at once through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jobagent.api import ops
from jobagent.api import postings as postings_api
from jobagent.api import runs as runs_api
from jobagent.postings.rss import split_title
from jobagent.postings.schema import ProfileFacts
from jobagent.postings.search import aliases, title_aliases
from jobagent.store.models import UserProfile
from jobagent.store.session import session_scope
from tests.conftest import run_cli
from tests.posting_corpus import SRE_SKILLS, needle_feed


def _profile(**fields: object) -> str:
    with session_scope() as s:
        p = UserProfile(name="Sam Reyes", email="sam@example.org", **fields)
        s.add(p)
        s.flush()
        return p.id


def test_needle_at_4900_of_5000_ranks_first(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    feed = tmp_path / "big.json"
    postings = needle_feed(5000, 4900)
    assert postings[4900]["id"] == "needle-sre"
    feed.write_text(json.dumps(postings), encoding="utf-8")
    ops.ensure_schema()
    pid = _profile(location="Amsterdam, Netherlands", skills=[*SRE_SKILLS, "Python", "AWS"], years_experience=7,
                   suggested_titles=["Site Reliability Engineer", "Platform Engineer", "DevOps Engineer"])
    runs = []
    for query in ("Site Reliability Engineer", "SRE"):  # the abbreviation finds the long form too
        sub = runs_api.submit_job_search(query, profile_id=pid, sources=[f"feed:{feed}"], max_screening=5)
        st = runs_api.get_status(sub.run_id).model_dump()
        assert st["status"] == "completed", st
        top = [x.model_dump() for x in postings_api.list_matches(sub.run_id)]
        assert top[0]["title"] == "Senior Site Reliability Engineer" and top[0]["company"] == "Needlepoint Cloud"
        assert {m["company"] for m in top[1:]}.isdisjoint({"Needlepoint Cloud"})
        runs.append(st["result"])
    first = runs[0]
    searched = int(first["searched"])
    assert searched > 4900 and first["candidates"] == 300  # every candidate scored, not the first ten
    assert re.fullmatch(r"searched [\d,]+ open postings from 1 sources; scored 300 candidates; kept 5",
                        first["search"])
    assert runs[1]["new_postings"] == 0  # the second search read the store; the feed was unchanged


def test_location_breaks_ties_between_equal_titles(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    body = "Run Kubernetes and Terraform with Prometheus alerting for a busy platform. " * 8
    places = [("Berlin, Germany", False), ("Amsterdam, Netherlands", False), ("Remote - Netherlands", True),
              ("Remote (US only)", True), ("Toronto, Canada", False)]
    feed = tmp_path / "ties.json"
    feed.write_text(json.dumps([{"id": str(i), "title": "Site Reliability Engineer", "company": f"Co {i}",
                                 "location": where, "remote": remote, "description": body}
                                for i, (where, remote) in enumerate(places)]), encoding="utf-8")
    ops.ensure_schema()
    pid = _profile(location="Amsterdam, Netherlands", skills=["Kubernetes", "Terraform"],
                   suggested_titles=["Site Reliability Engineer"])
    sub = runs_api.submit_job_search("Site Reliability Engineer", profile_id=pid, sources=[f"feed:{feed}"],
                                 max_screening=5)
    order = [m.location for m in postings_api.list_matches(sub.run_id)]
    assert set(order[:2]) == {"Amsterdam, Netherlands", "Remote - Netherlands"}, order
    assert order.index("Berlin, Germany") > 1 and order[-1] == "Toronto, Canada"
    assert "Remote (US only)" not in order  # closed to the Netherlands: no match, and counted as such
    filtered = runs_api.get_status(sub.run_id).model_dump()["result"]["filtered_out"]
    assert filtered["remote, but not open to the person's country"] == 1


def test_synonyms_and_query_terms() -> None:
    assert "site reliability engineer" in aliases("SRE")
    assert "senior sre" in aliases("Senior Site Reliability Engineer")
    assert "quality assurance engineer" in aliases("QA Engineer")
    assert aliases("QAnon researcher") == []
    assert "site reliability engineer" in title_aliases("SRE", None)  # what the matcher compares titles with
    profile = ProfileFacts(name="A", email="a@example.org", suggested_titles=["QA Engineer"])
    assert "quality assurance engineer" in title_aliases("SRE", profile)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Data Engineer at Acme Corp (Berlin, Germany)", ("Data Engineer", "Acme Corp", "Berlin, Germany")),
    ("Registered Nurse at St. Mary Hospital", ("Registered Nurse", "St. Mary Hospital", None)),
    ("Globex: Senior Accountant", ("Senior Accountant", "Globex", None)),
    ("Chef - Bistro Nord - Hamburg", ("Chef", "Bistro Nord", "Hamburg")),
    ("Remote Rust Engineer", ("Remote Rust Engineer", None, None)),
    ("Software Engineer - Backend", ("Software Engineer - Backend", None, None)),
])
def test_rss_title_shapes(raw: str, expected: tuple[str, str | None, str | None]) -> None:
    assert split_title(raw) == expected


def test_feed_kinds_by_content_and_rss_companies(env, store_url: str, tmp_path: Path) -> None:
    from jobagent.postings.sources import parse_source

    rss = tmp_path / "jobs.txt"  # no telling extension: the content decides
    rss.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>Jobs Board</title>"
                   "<item><title>Data Engineer at Acme Corp (Berlin)</title><link>https://x.example/1</link>"
                   "<description>Spark and SQL.</description></item></channel></rss>", encoding="utf-8")
    [posting] = parse_source(f"feed:{rss}").fetch(10)
    assert (posting.title, posting.company, posting.location) == ("Data Engineer", "Acme Corp", "Berlin")
    csv_feed = tmp_path / "jobs.dat"
    csv_feed.write_text("title,company,location\nChef,Bistro Nord,Hamburg\n", encoding="utf-8")
    assert [p.company for p in parse_source(f"feed:{csv_feed}").fetch(10)] == ["Bistro Nord"]
    example = Path(__file__).resolve().parents[2] / "docs" / "examples"
    assert {p.company for p in parse_source(f"feed:{example / 'postings.json'}").fetch(10)} >= {"Parcelwise"}
    assert len(parse_source(f"feed:{example / 'postings.csv'}").fetch(10)) >= 2


@pytest.mark.parametrize(("content", "message"), [
    ('[{"title": "A", "company": "B"}, {"title": oops}]', "is not valid JSON"),
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ("<html><body>not a feed</body>", "not an RSS or Atom feed"),
], ids=["bad-json", "too-deep", "html"])
def test_malformed_user_feed_fails_at_once_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    feed = tmp_path / "bad.json"
    feed.write_text(content, encoding="utf-8")
    environ = {"JOBAGENT_DATA_DIR": str(tmp_path / "data")}
    out = run_cli("search", "engineer", "--location", "Berlin", "--feed", str(feed), environ=environ)
    assert out.returncode == 3, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len([ln for ln in lines if ln.startswith("error:")]) == 1 and message in lines[-1]
    assert "Traceback" not in out.stderr
    runs = run_cli("runs", "--json", environ=environ)
    assert json.loads(runs.stdout) == []  # refused before any run existed, so nothing to retry
    harvest = run_cli("harvest", f"feed:{feed}", environ=environ)
    assert harvest.returncode == 3 and "Traceback" not in harvest.stderr and message in harvest.stderr


def test_local_feed_has_the_fetch_size_cap(env, store_url: str, tmp_path: Path) -> None:
    from jobagent.errors import InvalidInput

    env(database_url=store_url, JOBAGENT_SOURCE_MAX_BYTES="2000")
    feed = tmp_path / "big.json"
    feed.write_text(json.dumps(needle_feed(50, 10)), encoding="utf-8")
    with pytest.raises(InvalidInput, match="postings feed is larger than 1.95 KB"):
        runs_api.submit_job_search("engineer", location="Berlin", sources=[f"feed:{feed}"])
    assert runs_api.list_runs() == []
