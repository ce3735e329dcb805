"""Issue 23 item 8: API tokens have an owner, and a token sees only its owner's profiles, boards and runs.

Everything over real HTTP: ``jobagent serve`` (gunicorn) on 127.0.0.1 against the session's PostgreSQL and
Redis, tokens made and revoked with the real ``jobagent tokens`` command in subprocesses, profiles created
by a real worker from CVs served over HTTP. Another owner's id must answer exactly like an unknown id
(404, never 403), and a revoke must take effect without restarting the shim.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Workers, run_cli, wait_until
from tests.web_stack import CV_MARKDOWN, TOKEN, FileServer, WebStack

ABSENT = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def stack(live: dict[str, str], tmp_path: Path) -> Iterator[tuple[WebStack, dict[str, str]]]:
    environ = {**live, "JOBAGENT_ALLOW_PRIVATE_URLS": "true"}
    web = WebStack(environ, tmp_path)
    try:
        web.start_shim(1)
        yield web, environ
    finally:
        web.stop()


def _cli_json(environ: dict[str, str], *args: str) -> Any:
    out = run_cli(*args, "--json", environ=environ)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return json.loads(out.stdout)


def _profile_through(client: httpx.Client, cv_url: str, name: str) -> str:
    resp = client.post("/workflow/profiling", json={"name": name, "email": f"{name.split()[0].lower()}@example.org",
                                                    "cv_urls": [cv_url], "location": "Berlin, Germany"})
    assert resp.status_code == 202, resp.text
    return str(resp.json()["run_id"])


def _finished(client: httpx.Client, run_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        body = client.get(f"/workflow/status/{run_id}").json()
        return body if body["status"] in ("completed", "failed") else None

    body = wait_until(done, timeout=120)
    assert isinstance(body, dict) and body["status"] == "completed", body
    return body


def _legacy_profile() -> str:
    """A profile from before migration 0016 (owner NULL): the operator's, seen by no user's token."""
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    with session_scope() as s:
        profile = UserProfile(name="Old Timer", email="old@example.org", location="Berlin",
                              suggested_titles=["Engineer"])
        s.add(profile)
        s.flush()
        return profile.id


def test_tokens_are_scoped_to_their_owner_over_http(stack: tuple[WebStack, dict[str, str]], tmp_path: Path) -> None:
    web, environ = stack
    made = {name: _cli_json(environ, "tokens", "create", name, *flags)
            for name, flags in (("alice", ()), ("bob", ()), ("ops", ("--admin",)))}
    assert all(set(m) == {"name", "token"} and m["name"] == n for n, m in made.items())
    secrets = {m["token"] for m in made.values()}
    assert len(secrets) == 3 and all(len(t) >= 40 for t in secrets)
    listed = run_cli("tokens", "list", "--json", environ=environ)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["admin"], r["revoked"]) for r in rows] == [("alice", False, False), ("bob", False, False),
                                                                     ("ops", True, False)]
    assert all(r["created_at"] for r in rows)
    table = run_cli("tokens", "list", environ=environ).stdout
    from jobagent.api.tokens import token_hash

    for secret in secrets:  # neither the secret nor its stored hash is ever printed again
        assert secret not in listed.stdout + table and token_hash(secret) not in listed.stdout + table

    alice, bob = web.client(web.shim_url, made["alice"]["token"]), web.client(web.shim_url, made["bob"]["token"])
    ops, operator = web.client(web.shim_url, made["ops"]["token"]), web.client(web.shim_url, TOKEN)
    (tmp_path / "cvs").mkdir()
    (tmp_path / "cvs" / "cv.md").write_text(CV_MARKDOWN)
    workers = Workers(environ, tmp_path)
    try:
        with FileServer(tmp_path / "cvs") as cvs:
            alice_run = _profile_through(alice, cvs.url("cv.md"), "Alice Doe")
            bob_run = _profile_through(bob, cvs.url("cv.md"), "Bob Doe")
            workers.start("--burst")
            alice_profile = _finished(alice, alice_run)["result"]["profile_id"]
            bob_profile = _finished(bob, bob_run)["result"]["profile_id"]
    finally:
        workers.stop_all()
    legacy = _legacy_profile()
    assert alice.get(f"/profiles/{alice_profile}").json()["owner"] == "alice"
    assert ops.get(f"/profiles/{bob_profile}").json()["owner"] == "bob"

    # Alice cannot read, change or delete Bob's (or the operator's) profile, board or runs: 404 like no id.
    def refused(resp: httpx.Response, what: str) -> None:
        assert resp.status_code == 404, (what, resp.status_code, resp.text)
        assert resp.json()["error"] == "not_found", resp.text

    for pid in (bob_profile, legacy, ABSENT):
        for prefix in ("", "/api"):
            refused(alice.get(f"{prefix}/profiles/{pid}"), "get")
            refused(alice.patch(f"{prefix}/profiles/{pid}", json={"years_experience": 1}), "patch")
            refused(alice.delete(f"{prefix}/profiles/{pid}"), "delete")
            refused(alice.get(f"{prefix}/profiles/{pid}/board"), "board")
            refused(alice.post(f"{prefix}/profiles/{pid}/postings/abcdef12/state", json={"state": "saved"}), "mark")
        refused(alice.post("/workflow/job-search", json={"query": "python", "profile_id": pid}), "search")
        refused(alice.post("/workflow/job-search/from-profile", json={"profile_id": pid}), "from-profile")
    assert alice.get(f"/profiles/{bob_profile}").json()["detail"] == f"profile {bob_profile} not found"
    for run_id in (bob_run, ABSENT):
        refused(alice.get(f"/workflow/status/{run_id}"), "status")
        refused(alice.get(f"/api/workflow/status/{run_id}"), "status")

    # Listings show only one's own rows; admin tokens (the operator's and a created one) see them all.
    assert [p["profile_id"] for p in alice.get("/profiles").json()] == [alice_profile]
    assert [p["profile_id"] for p in bob.get("/api/profiles").json()] == [bob_profile]
    assert {r["run_id"] for r in alice.get("/workflow/runs").json()} == {alice_run}
    assert {r["run_id"] for r in bob.get("/api/workflow/runs?status=completed").json()} == {bob_run}
    for admin in (ops, operator):
        assert {p["profile_id"] for p in admin.get("/profiles").json()} == {alice_profile, bob_profile, legacy}
        assert {r["run_id"] for r in admin.get("/workflow/runs").json()} == {alice_run, bob_run}
        assert admin.get(f"/profiles/{bob_profile}").status_code == 200
        assert admin.get(f"/profiles/{legacy}/board").status_code == 200
        assert admin.get(f"/workflow/status/{bob_run}").json()["status"] == "completed"
    renamed = ops.patch(f"/profiles/{bob_profile}", json={"years_experience": 9})
    assert renamed.status_code == 200 and renamed.json()["years_experience"] == 9
    assert bob.get(f"/profiles/{bob_profile}").json()["years_experience"] == 9  # Alice's attempts changed nothing

    # A search Alice submits is hers; Bob does not see it.
    search = alice.post("/workflow/job-search", json={"query": "python", "profile_id": alice_profile})
    assert search.status_code == 202, search.text
    refused(bob.get(f"/workflow/status/{search.json()['run_id']}"), "status")
    assert alice.get(f"/workflow/status/{search.json()['run_id']}").status_code == 200

    # The dashboard shows every owner's tasks: admin tokens only.
    assert alice.get("/rq/").status_code == 401
    assert httpx.get(f"{web.shim_url}/rq/", auth=("x", made["alice"]["token"]), timeout=30).status_code == 401
    assert ops.get("/rq/").status_code == 200

    # Own rows stay reachable, and Alice may delete her own profile.
    assert alice.get(f"/profiles/{alice_profile}/board").status_code == 200

    # Revoke takes effect on the next request, without restarting the shim; a new secret gets the rows back.
    revoked = _cli_json(environ, "tokens", "revoke", "alice")
    assert revoked["name"] == "alice" and revoked["revoked"] is True
    for _ in range(3):  # every gunicorn thread, not just one that happened to look it up
        gone = alice.get(f"/profiles/{alice_profile}")
        assert gone.status_code == 401 and gone.json()["error"] == "unauthorized"
    assert alice.post("/workflow/job-search", json={"query": "python", "location": "Berlin"}).status_code == 401
    assert bob.get(f"/profiles/{bob_profile}").status_code == 200  # only Alice's token went
    again = _cli_json(environ, "tokens", "create", "alice")
    assert again["token"] != made["alice"]["token"]
    assert alice.get("/profiles").status_code == 401  # the old secret stays dead
    renewed = web.client(web.shim_url, again["token"])
    assert [p["profile_id"] for p in renewed.get("/profiles").json()] == [alice_profile]
    deleted = renewed.delete(f"/profiles/{alice_profile}")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert ops.get(f"/profiles/{alice_profile}").status_code == 404


def test_token_commands_refuse_bad_input(live: dict[str, str]) -> None:
    """One line, exit 3, nothing stored: a bad name, a live duplicate, an unknown name to revoke."""
    made = _cli_json(live, "tokens", "create", "carol")
    for args, message in ((("create", "carol"), "token carol exists"), (("create", "no spaces"), "token name"),
                          (("revoke", "dave"), "token dave not found")):
        out = run_cli("tokens", *args, environ=live)
        assert out.returncode == 3 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out
    assert [r["name"] for r in _cli_json(live, "tokens", "list")] == ["carol"]
    from jobagent.api.tokens import authenticate
    from jobagent.config import get_settings

    found = authenticate(made["token"], settings=get_settings())
    assert found is not None and (found.name, found.admin) == ("carol", False)
    assert authenticate(made["token"] + "x", settings=get_settings()) is None
