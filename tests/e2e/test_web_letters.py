"""Issue 29 over HTTP, on the real app against the session's PostgreSQL: a match's letter
(``GET /runs/{id}/matches/{posting_id}/letter``), id prefixes on the routes, and an ambiguous prefix
answered 409 with its candidates. No Redis: the workflows run in-process, as in embedded mode."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web_stack import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client() -> FlaskClient:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    return create_app(get_settings().model_copy(update={"api_tokens": f"other-token,{TOKEN}"})).test_client()


@pytest.fixture
def searched(env: Callable[..., dict[str, str]], clean_pg: str) -> dict[str, Any]:
    """The sample CV profiled and one search for its first title, with letters."""
    from jobagent.api import postings, runs

    env(database_url=clean_pg)
    cv = str(resources.files("jobagent") / "data" / "sample_cv.md")
    profile = runs.wait_for(runs.submit_profiling("Jane Doe", "jane.doe@example.com", [cv]).run_id).result
    assert profile is not None
    search = runs.wait_for(runs.submit_job_search(profile["suggested_titles"][0],
                                                  profile_id=profile["profile_id"]).run_id)
    assert search.status == "completed"
    found = [m.model_dump(mode="json") for m in postings.list_matches(search.run_id)]
    assert found and all(m["cover_letter"] for m in found)
    return {"profile_id": profile["profile_id"], "run_id": search.run_id, "matches": found}


def test_a_matchs_letter_by_posting_id_or_prefix(searched: dict[str, Any]) -> None:
    client = _client()
    run_id, first = searched["run_id"], searched["matches"][0]
    for prefix in ("", "/api"):
        resp = client.get(f"{prefix}/runs/{run_id}/matches/{first['posting_id']}/letter", headers=AUTH)
        assert resp.status_code == 200, resp.json
        body = resp.json
        assert (body["run_id"], body["rank"], body["posting_id"]) == (run_id, 1, first["posting_id"])
        assert body["cover_letter"] == first["cover_letter"] and body["letter_missing"] is None
        assert body["tailored_cv_docx"] == first["tailored_cv_docx"]
    short = client.get(f"/runs/{run_id[:8]}/matches/{first['posting_id'][:8]}/letter", headers=AUTH)
    assert short.status_code == 200 and short.json["posting_id"] == first["posting_id"]
    assert client.get(f"/runs/{run_id}/matches/{first['posting_id']}/letter").status_code == 401


def test_unknown_runs_and_postings_are_404_json(searched: dict[str, Any]) -> None:
    client = _client()
    run_id, posting_id = searched["run_id"], searched["matches"][0]["posting_id"]
    for url in (f"/runs/00000000-0000-4000-8000-000000000000/matches/{posting_id}/letter",
                f"/runs/{run_id}/matches/ffffffff-ffff-4fff-8fff-ffffffffffff/letter",
                f"/runs/{run_id[:4]}/matches/{posting_id}/letter"):
        resp = client.get(url, headers=AUTH)
        assert resp.status_code == 404 and resp.json["error"] == "not_found", (url, resp.json)
        assert resp.is_json and resp.json["detail"]


def test_routes_take_prefixes_and_refuse_an_ambiguous_one_with_409(searched: dict[str, Any]) -> None:
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    client = _client()
    profile_id, run_id = searched["profile_id"], searched["run_id"]
    assert client.get(f"/profiles/{profile_id[:6]}", headers=AUTH).json["profile_id"] == profile_id
    assert client.get(f"/workflow/status/{run_id[:6]}", headers=AUTH).json["run_id"] == run_id
    board = client.get(f"/profiles/{profile_id[:6]}/board", headers=AUTH)
    assert board.status_code == 200 and board.json["profile_id"] == profile_id and board.json["rows"]
    twins = ["fedcba01-0000-4000-8000-000000000000", "fedcba02-0000-4000-8000-000000000000"]
    with session_scope() as s:
        s.add_all(UserProfile(id=pid, name="Twin", email="twin@example.org", suggested_titles=["Baker"])
                  for pid in twins)
    for method, url in (("get", "/profiles/fedcba"), ("get", "/profiles/fedcba/board"),
                        ("patch", "/profiles/fedcba"), ("delete", "/profiles/fedcba")):
        resp = getattr(client, method)(url, headers=AUTH, json={"years_experience": 3})
        assert resp.status_code == 409, (method, url, resp.json)
        assert resp.json["error"] == "ambiguous_id" and resp.json["candidates"] == twins
    with session_scope() as s:  # nothing was changed or deleted by the refused calls
        assert [s.get(UserProfile, pid).years_experience for pid in twins] == [None, None]


def test_board_paging_over_http(searched: dict[str, Any]) -> None:
    client = _client()
    url = f"/profiles/{searched['profile_id']}/board"
    rows = [r["posting_id"] for r in client.get(url, headers=AUTH).json["rows"]]
    assert len(rows) >= 3
    page = client.get(f"{url}?limit=2&offset=1", headers=AUTH)
    assert [r["posting_id"] for r in page.json["rows"]] == rows[1:3]
    for query, message in (("limit=0", "limit must be at least 1"), ("offset=-1", "offset must not be negative"),
                           ("limit=ten", "limit must be a whole number")):
        resp = client.get(f"{url}?{query}", headers=AUTH)
        assert resp.status_code == 400 and message in resp.json["detail"], (query, resp.json)


def test_a_prefix_is_resolved_among_the_askers_own_rows(env: Callable[..., dict[str, str]], clean_pg: str) -> None:
    """An ambiguous prefix lists only ids the asker may see: another owner's never show, not even as a candidate."""
    from jobagent.actors import OPERATOR, Actor
    from jobagent.api import profiles
    from jobagent.errors import AmbiguousId, NotFound
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    env(database_url=clean_pg)
    ids = {"alice": "abc123a1-0000-4000-8000-000000000000", "bob": "abc123b2-0000-4000-8000-000000000000"}
    with session_scope() as s:
        s.add_all(UserProfile(id=pid, name=owner, email=f"{owner}@example.org", owner=owner)
                  for owner, pid in ids.items())
    for owner, pid in ids.items():
        assert profiles.get_profile("abc123", actor=Actor(name=owner)).profile_id == pid
    with pytest.raises(AmbiguousId) as refused:
        profiles.get_profile("abc123", actor=OPERATOR)
    assert refused.value.candidates == sorted(ids.values())
    for asker in (Actor(name="carol"), Actor(name=None)):
        with pytest.raises(NotFound):
            profiles.get_profile("abc123", actor=asker)
    with pytest.raises(NotFound):  # a whole id of another owner's is answered like a missing one
        profiles.get_profile(ids["bob"], actor=Actor(name="alice"))
