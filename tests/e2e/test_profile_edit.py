"""Correcting and deleting profiles through the real CLI (embedded default) and the HTTP shim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests import cv_corpus as corpus
from tests.conftest import run_cli
from tests.web_stack import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ACCOUNTANT = next(c for c in corpus.CASES if c.key == "accounting")


def _cli(home: Path, *args: str, code: int = 0) -> Any:
    out = run_cli(*args, home=home)
    assert out.returncode == code, (out.stdout, out.stderr)
    return json.loads(out.stdout) if code == 0 and "--json" in args else out


def test_profile_edit_refresh_and_delete_through_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    cv = corpus.write(ACCOUNTANT, "docx_tables", tmp_path)
    created = _cli(home, "profile", "create", "--name", ACCOUNTANT.name, "--email", "sinead@example.org",
                   "--cv", str(cv), "--wait", "--json")
    pid = created["result"]["profile_id"]
    shown = _cli(home, "profile", "show", pid, "--json")
    assert shown["level"] == "junior" and shown["experience"][0]["employer"] == "Grant Thornton"

    edited = _cli(home, "profile", "edit", pid, "--add-title", "Payroll Specialist", "--remove-title", "Accountant",
                  "--add-skill", "Power BI", "--years", "3", "--location", "Galway, Ireland", "--level", "mid",
                  "--premium", "--json")
    assert "Payroll Specialist" in edited["suggested_titles"] and "Accountant" not in edited["suggested_titles"]
    assert "Power BI" in edited["skills"] and edited["years_experience"] == 3
    assert (edited["location"], edited["level"], edited["premium"]) == ("Galway, Ireland", "mid", True)

    # Bad input: one line, exit 3, nothing changes.
    for args, message in ((["--add-title", " "], "title must not be empty"),
                          (["--years", "-1"], "years_experience must be between 0 and 60")):
        out = _cli(home, "profile", "edit", pid, *args, "--location", "Cork, Ireland", code=3)
        assert message in out.stderr and len(out.stderr.strip().splitlines()) <= 2, out.stderr
    out = _cli(home, "profile", "edit", "no-such-id", "--years", "2", code=3)
    assert "profile no-such-id not found" in out.stderr
    assert _cli(home, "profile", "show", pid, "--json")["location"] == "Galway, Ireland"

    # A refresh from a new CV keeps the edits; --reset drops them.
    newer = corpus.write(ACCOUNTANT, "pdf", tmp_path)
    _cli(home, "profile", "refresh", pid, "--cv", str(newer), "--wait", "--json")
    kept = _cli(home, "profile", "show", pid, "--json")
    assert "Payroll Specialist" in kept["suggested_titles"] and "Accountant" not in kept["suggested_titles"]
    assert kept["years_experience"] == 3 and kept["location"] == "Galway, Ireland"
    assert kept["cv_sources"] == [str(newer)]
    _cli(home, "profile", "refresh", pid, "--cv", str(newer), "--reset", "--wait", "--json")
    reset = _cli(home, "profile", "show", pid, "--json")
    assert reset["user_edits"] == {} and reset["years_experience"] == 2 and "Accountant" in reset["suggested_titles"]

    gone = _cli(home, "profile", "delete", pid, "--json")
    assert gone["deleted"] and gone["runs_detached"] == 3
    assert "not found" in _cli(home, "profile", "show", pid, code=3).stderr
    runs = _cli(home, "runs", "--json")
    assert len(runs) == 3 and all(r.get("profile_id") is None for r in runs)


@pytest.fixture
def client(live: dict[str, str]) -> FlaskClient:
    from jobagent.config import get_settings
    from jobagent.web import create_app

    return create_app(get_settings().model_copy(update={"api_tokens": TOKEN})).test_client()


def _stored_profile() -> str:
    from jobagent.store.models import Run, UserProfile
    from jobagent.store.session import session_scope

    with session_scope() as s:
        p = UserProfile(name="Jane Doe", email="jane@example.com", location="Berlin", skills=["Python"],
                        titles_held=["Backend Engineer"], level="mid", field="software",
                        suggested_titles=["Backend Engineer", "Software Engineer"], years_experience=5)
        s.add(p)
        s.flush()
        s.add(Run(workflow_type="job_search", profile_id=p.id, query="backend engineer"))
        return p.id


@pytest.mark.parametrize("prefix", ["", "/api"])
def test_profile_patch_and_delete_over_http(client: FlaskClient, prefix: str) -> None:
    pid = _stored_profile()
    url = f"{prefix}/profiles/{pid}"
    assert client.patch(url, json={"years_experience": 6}).status_code == 401
    resp = client.patch(url, json={"add_titles": ["Platform Engineer"], "remove_skills": ["Python"],
                                   "years_experience": 6, "premium": True}, headers=AUTH)
    assert resp.status_code == 200, resp.json
    assert resp.json["suggested_titles"] == ["Backend Engineer", "Software Engineer", "Platform Engineer"]
    assert resp.json["skills"] == [] and resp.json["premium"] is True and resp.json["years_experience"] == 6

    for body, status, code in (({"years_experience": -3}, 400, "invalid_input"),
                               ({"add_titles": [""]}, 400, "invalid_input"),
                               ({"level": "guru"}, 400, "invalid_input"),
                               ({"remove_titles": ["Astronaut"]}, 400, "invalid_input"),
                               ({}, 400, "invalid_input"),
                               ({"years": 3}, 422, "invalid_request"),
                               ({"years_experience": "6"}, 422, "invalid_request")):
        bad = client.patch(url, json=body, headers=AUTH)
        assert (bad.status_code, bad.json["error"]) == (status, code), bad.json
    assert client.get(f"/profiles/{pid}", headers=AUTH).json["years_experience"] == 6  # nothing changed
    assert client.patch(f"{prefix}/profiles/nope", json={"years_experience": 1}, headers=AUTH).status_code == 404

    # A level set by the user re-derives the titles at that level; earlier title edits still hold.
    senior = client.patch(url, json={"level": "senior"}, headers=AUTH).json
    assert senior["level"] == "senior" and "Platform Engineer" in senior["suggested_titles"]
    assert [t for t in senior["suggested_titles"] if t != "Platform Engineer"] and \
        all(t.startswith("Senior ") for t in senior["suggested_titles"] if t != "Platform Engineer")

    deleted = client.delete(url, headers=AUTH)
    assert deleted.status_code == 200 and deleted.json["runs_detached"] == 1
    assert client.delete(url, headers=AUTH).status_code == 404
    assert client.get(f"/profiles/{pid}", headers=AUTH).status_code == 404


def test_refresh_stores_the_cv_bytes_so_the_worker_never_reads_the_path(workers, tmp_path: Path) -> None:
    """Like create, refresh reads a local CV once at submit: the file may be gone before the worker runs."""
    from jobagent.api import runs as runs_api
    from jobagent.api.profiles import refresh_profile

    pid = _stored_profile()
    cv = corpus.write(ACCOUNTANT, "pdf", tmp_path)
    sub = refresh_profile(pid, [str(cv)])
    cv.unlink()  # no worker has run yet: only the stored bytes can serve it now
    workers.start("--burst")
    st = runs_api.wait_for(sub.run_id, timeout=120).model_dump()
    assert st["status"] == "completed", (st, workers.logs())
