"""The board's HTTP routes on the real app against the session's PostgreSQL: filters, state changes, errors
and the bearer token."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from jobagent.store.models import BoardEntry, BoardEvent
from jobagent.store.session import session_scope
from tests.board_data import make_profile, seed_board
from tests.web_stack import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client() -> FlaskClient:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    return create_app(get_settings().model_copy(update={"api_tokens": f"other-token,{TOKEN}"})).test_client()


def _events() -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(BoardEvent)))


def test_board_routes_with_and_without_token(live: dict[str, str]) -> None:
    client = _client()
    profile_id = make_profile()
    _, ids = seed_board(profile_id, 1200, twins=20)
    board_url = f"/profiles/{profile_id}/board"
    state_url = f"/profiles/{profile_id}/postings/{ids[0][:8]}/state"
    for method, url in (("get", board_url), ("post", state_url), ("get", f"/api{board_url}")):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            resp = getattr(client, method)(url, headers=headers, json={"state": "skipped"})
            assert resp.status_code == 401 and resp.json["error"] == "unauthorized"
    assert _events() == 1200  # nothing changed without a token

    resp = client.get(board_url, headers=AUTH)
    assert resp.status_code == 200
    body = resp.json
    assert body["profile_id"] == profile_id and body["previous_look_at"] is None and len(body["rows"]) == 1200
    assert {"short_id", "posting_id", "state", "best_score", "url", "salary", "remote"} <= set(body["rows"][0])

    resp = client.post(state_url, headers=AUTH, json={"state": "skipped", "note": "too far"})
    assert resp.status_code == 200, resp.json
    assert resp.json["previous_state"] == "new" and resp.json["state"] == "skipped"
    assert resp.json["also_changed"] == [ids[-20]]  # its repost in another city followed
    assert [e["to_state"] for e in resp.json["history"]] == ["new", "skipped"]
    skipped = client.get(f"/api{board_url}?status=skipped", headers=AUTH).json["rows"]
    assert sorted(r["posting_id"] for r in skipped) == sorted([ids[0], ids[-20]])
    assert client.get(f"{board_url}?new=true", headers=AUTH).json["rows"] == []  # looked just now
    assert len(client.get(f"{board_url}?status=new&status=saved&since=1d", headers=AUTH).json["rows"]) == 1198

    before = _events()
    bad = [
        ("post", state_url, {"state": "offer"}, 400, "cannot change a posting from skipped to offer"),
        ("post", state_url, {"state": "saved", "note": "   "}, 400, "note must not be empty"),
        ("post", state_url, {"state": "maybe"}, 400, "unknown state 'maybe'"),
        ("post", state_url, {"state": "saved", "extra": 1}, 422, "extra"),
        ("post", f"/profiles/nope/postings/{ids[1]}/state", {"state": "saved"}, 404, "profile nope not found"),
        ("post", f"/profiles/{profile_id}/postings/abcdef99/state", {"state": "saved"}, 404, "not found"),
        ("get", "/profiles/nope/board", None, 404, "profile nope not found"),
        ("get", f"{board_url}?since=soon", None, 400, "since must be an age"),
        ("get", f"{board_url}?new=perhaps", None, 400, "new must be true or false"),
    ]
    for method, url, payload, status, detail in bad:
        resp = getattr(client, method)(url, headers=AUTH, json=payload) if payload else client.get(url, headers=AUTH)
        assert resp.status_code == status, (url, resp.json)
        assert detail in resp.json["detail"], (url, resp.json)
    assert _events() == before
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(BoardEntry).where(BoardEntry.state == "skipped")) == 2
