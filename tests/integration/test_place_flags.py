"""Place flags of a search and a profile (issue 24 §3): the commute radius, relocation abroad, a profile
with no location, and places the gazetteer does not know; on both backends, through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobagent.api import ops
from jobagent.api import postings as postings_api
from jobagent.api import runs as runs_api
from jobagent.store.models import UserProfile
from jobagent.store.session import session_scope

BODY = "Build dashboards in SQL and Python with Tableau for the finance team. " * 6


def _feed(tmp_path: Path, rows: list[dict[str, object]]) -> str:
    feed = tmp_path / "postings.json"
    feed.write_text(json.dumps([{"id": str(i), "description": BODY, **row} for i, row in enumerate(rows)]),
                    encoding="utf-8")
    return f"feed:{feed}"


def _profile(**fields: object) -> str:
    with session_scope() as s:
        p = UserProfile(name="Ada Byron", email="ada@example.org", skills=["SQL", "Python", "Tableau"],
                        years_experience=4, suggested_titles=["Data Analyst"], **fields)
        s.add(p)
        s.flush()
        return p.id


def _by_company(run_id: str) -> dict[str, postings_api.MatchView]:
    return {m.company: m for m in postings_api.list_matches(run_id)}


def test_radius_changes_what_is_near(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    source = _feed(tmp_path, [{"title": "Data Analyst", "company": f"{city} Co", "location": f"{city}, UK"}
                              for city in ("Leeds", "Bradford", "Manchester")])
    ops.ensure_schema()
    runs = {radius: runs_api.submit_job_search("Data Analyst", location="Leeds", sources=[source],
                                               radius_km=radius).run_id for radius in (None, 10.0, 70.0)}
    default, tight, wide = (_by_company(runs[r]) for r in (None, 10.0, 70.0))
    assert runs_api.get_status(runs[70.0]).result["radius_km"] == 70.0  # type: ignore[index]
    # Default 50 km: Bradford (13 km) is Leeds; Manchester (57 km) is only the same region.
    assert "matching Leeds" in " ".join(default["Bradford Co"].reasons)
    assert "same region as Leeds, 57 km away" in " ".join(default["Manchester Co"].reasons)
    # 70 km: Manchester is within reach and scores higher; 10 km: Bradford is no longer "here".
    assert "57 km from Leeds" in " ".join(wide["Manchester Co"].reasons)
    assert wide["Manchester Co"].score_parts["place"] > default["Manchester Co"].score_parts["place"]
    assert wide["Manchester Co"].score > default["Manchester Co"].score
    assert "same region as Leeds, 13 km away" in " ".join(tight["Bradford Co"].reasons)
    assert tight["Bradford Co"].score < default["Bradford Co"].score == default["Leeds Co"].score


@pytest.mark.parametrize("radius", ["0", "-5", "nan", "inf", "ten"])
def test_radius_that_is_no_distance_is_a_usage_error(env, tmp_path: Path, cli_main, radius: str) -> None:
    env()  # the embedded store, migrated on first use
    code, out, err = cli_main("search", "Data Analyst", "--location", "Leeds", "--radius", radius)
    assert code == 2 and "--radius" in err and not out
    ops.ensure_schema()
    assert runs_api.list_runs(limit=5) == []  # nothing submitted


def test_relocation_lets_an_abroad_posting_rank(env, store_url: str, tmp_path: Path, cli_main) -> None:
    env(database_url=store_url)
    source = _feed(tmp_path, [
        {"title": "Data Analyst", "company": "Spree Data", "location": "Berlin, Germany"},
        {"title": "Data Analyst", "company": "Aire Insight", "location": "Leeds, UK",
         "description": "Report on the monthly numbers for the board."},
    ])
    ops.ensure_schema()
    pid = _profile(location="Leeds, UK")

    def order() -> list[str]:
        run = runs_api.submit_job_search("Data Analyst", profile_id=pid, sources=[source]).run_id
        return [m.company for m in postings_api.list_matches(run)]

    assert order() == ["Aire Insight", "Spree Data"]  # on site abroad never above a fitting local one
    code, out, err = cli_main("profile", "edit", pid, "--relocate-to", "NL", "--json")
    assert code == 0, err
    assert json.loads(out)["relocate"] is True and json.loads(out)["relocate_to"] == ["NL"]
    assert order() == ["Aire Insight", "Spree Data"]  # the Netherlands only: Germany is still abroad
    code, out, err = cli_main("profile", "edit", pid, "--relocate-to", "Germany,nl", "--json")
    assert code == 0 and json.loads(out)["relocate_to"] == ["DE", "NL"], err
    assert order() == ["Spree Data", "Aire Insight"]  # now it scores like in-country, and its skills win
    code, out, err = cli_main("profile", "edit", pid, "--no-relocate", "--json")
    assert code == 0 and json.loads(out)["relocate"] is False and json.loads(out)["relocate_to"] == []
    assert order() == ["Aire Insight", "Spree Data"]
    code, _, err = cli_main("profile", "edit", pid, "--relocate-to", "DE,Narnia")
    assert code == 3 and "Narnia" in err
    with session_scope() as s:  # refused whole: nothing half-applied
        assert s.get(UserProfile, pid).relocate is False  # type: ignore[union-attr]


def test_profile_without_location_gets_remote_anywhere_with_a_warning(env, store_url: str,
                                                                      tmp_path: Path) -> None:
    env(database_url=store_url)
    source = _feed(tmp_path, [
        {"title": "Data Analyst", "company": "Anywhere Co", "location": "Remote - Worldwide", "remote": True},
        {"title": "Data Analyst", "company": "States Co", "location": "Remote (US only)", "remote": True},
        {"title": "Data Analyst", "company": "Office Co", "location": "Leeds, UK"},
    ])
    ops.ensure_schema()
    pid = _profile(location=None)
    [sub] = runs_api.submit_searches_from_profile(pid, sources=[source])  # refused before issue 24
    st = runs_api.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed", st
    assert [m.company for m in postings_api.list_matches(sub.run_id)] == ["Anywhere Co"]
    warning = " ".join(st["result"]["warnings"])
    assert "no location" in warning and f"profile edit {pid} --location" in warning
    # The other two are counted, not silently dropped.
    assert sum(st["result"]["filtered_out"].values()) == 2


def test_unknown_place_is_text_matched_with_a_warning_and_suggestions(env, store_url: str,
                                                                      tmp_path: Path) -> None:
    env(database_url=store_url)
    source = _feed(tmp_path, [
        {"title": "Data Analyst", "company": "Aire Insight", "location": "Leeds, UK"},
        {"title": "Data Analyst", "company": "Village Co", "location": "Little Snoring"},
    ])
    ops.ensure_schema()
    run = runs_api.submit_job_search("Data Analyst", location="Leedz", sources=[source]).run_id
    st = runs_api.get_status(run).model_dump()
    assert st["status"] == "completed", st
    [warning] = [w for w in st["result"]["warnings"] if "Leedz" in w]
    assert "could not place" in warning and "did you mean Leeds" in warning
    found = {m.company: m for m in postings_api.list_matches(run)}
    assert set(found) == {"Aire Insight", "Village Co"}  # nothing dropped for a place it cannot resolve
    # A posting whose own place is unknown is kept and scored as such, for a person who can be placed.
    run = runs_api.submit_job_search("Data Analyst", location="Leeds", sources=[source]).run_id
    village = {m.company: m for m in postings_api.list_matches(run)}["Village Co"]
    assert "place unknown" in " ".join(village.reasons)
    assert runs_api.get_status(run).model_dump()["result"]["warnings"] == []
