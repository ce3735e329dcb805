"""What the profile is unsure of, as the person sees it (issue 26 §3): ``profile show`` through the real CLI
(embedded default) on CVs rendered from tests/cv_truth.py, and the HTTP shim's profile route.

A clear CV shows no marks; a CV that gives no city shows the location as missing and names ``--location``;
a bare title ("Accountant") with a level inferred from the years alone is marked with ``--level``; a
half-parsed CV still gives a profile, its gaps shown as missing, never "None" and never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests import cv_layouts
from tests.conftest import run_cli
from tests.cv_truth import Truth, corpus
from tests.web_stack import TOKEN

WIDE = {"COLUMNS": "200"}  # one table row per line, so a row's value and its mark can be read together
SURE = {"high", "given", "edited"}


def _person(prefix: str) -> Truth:
    return next(t for t in corpus() if t.key.startswith(prefix))


def _cli(home: Path, *args: str) -> Any:
    out = run_cli(*args, home=home, environ=WIDE)
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    return json.loads(out.stdout) if "--json" in args else out.stdout


def _create(home: Path, cv: Path, name: str) -> tuple[str, dict[str, Any]]:
    created = _cli(home, "profile", "create", "--name", name, "--email", "person@example.org", "--cv", str(cv),
                   "--wait", "--json")
    assert created["status"] == "completed", created
    return created["result"]["profile_id"], created["result"]


def _row(shown: str, field: str) -> str:
    rows = [line for line in shown.splitlines() if line.split(" ", 1)[0] == field]
    assert len(rows) == 1, shown
    return rows[0]


def _no_city(t: Truth, directory: Path) -> Path:
    """The accountant's CV as plain text without any place: no address line, no place on the entries."""
    bare = replace(t, entries=tuple(replace(e, place="") for e in t.entries))
    lines = [f"{bare.email} | {bare.phone}" if line == cv_layouts.contacts(bare) else line
             for line in cv_layouts.lines(bare)]
    path = directory / f"{t.key}-no-city.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _half_parsed(t: Truth, directory: Path) -> Path:
    """Dates gone from every job but the first, whose employer is gone too: no entries but one, a title
    with no employer, years only from that one range."""
    first = t.entries[0]
    out = []
    for line in cv_layouts.lines(t):
        if first.dates in line:
            out.append(f"{first.title}   {first.dates}")
        elif not any(e.dates in line for e in t.entries[1:]):
            out.append(line)
    path = directory / f"{t.key}-half.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def test_a_clear_cv_shows_no_marks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    nurse = _person("024-en-nurse")  # "Senior Staff Nurse": a title that states its level, a postcode + city
    pid, result = _create(home, cv_layouts.render(nurse, tmp_path), nurse.name)
    assert result["uncertain"] == []
    shown = _cli(home, "profile", "show", pid)
    assert "check" not in shown.splitlines()[1] and "?" not in shown and "to check" not in shown, shown
    assert "None" not in shown and nurse.city in _row(shown, "location")
    grades = _cli(home, "profile", "show", pid, "--json")["confidence"]
    assert grades["location"] == "high" and grades["level"] == "high", grades
    assert {g for k, g in grades.items() if k != "entries"} <= SURE, grades
    assert len(grades["entries"]) == len(nurse.entries)


def test_no_city_is_missing_and_an_inferred_level_is_marked_until_edited(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    accountant = _person("054-en-accountant")  # a bare "Accountant": the level comes from the years alone
    pid, result = _create(home, _no_city(accountant, tmp_path), accountant.name)
    assert {"location", "level"} <= set(result["uncertain"]), result

    shown = _cli(home, "profile", "show", pid)
    location = _row(shown, "location")
    assert "missing" in location and "--location" in location and "None" not in location, location
    level = _row(shown, "level")
    assert "medium" in level and "--level" in level, level
    assert "years_experience" not in [line.split(" ", 1)[0] for line in shown.splitlines() if "?" in line]
    assert f"jobagent profile edit {pid}" in shown
    view = _cli(home, "profile", "show", pid, "--json")
    assert view["location"] is None and view["confidence"]["location"] == "missing"
    assert view["confidence"]["level"] == "medium" and view["user_edits"] == {}

    # What the person fixes is theirs: no mark any more, graded "edited".
    _cli(home, "profile", "edit", pid, "--location", "Leeds, United Kingdom", "--level", "senior", "--json")
    shown = _cli(home, "profile", "show", pid)
    assert "?" not in _row(shown, "location") and "?" not in _row(shown, "level"), shown
    grades = _cli(home, "profile", "show", pid, "--json")["confidence"]
    assert (grades["location"], grades["level"]) == ("edited", "edited")


def test_a_half_parsed_cv_gives_a_profile_with_its_gaps_marked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    accountant = _person("054-en-accountant")
    pid, _ = _create(home, _half_parsed(accountant, tmp_path), accountant.name)
    shown = _cli(home, "profile", "show", pid)
    assert "None" not in shown, shown
    experience = _row(shown, "experience")
    assert "at employer missing" in experience and "?" in experience, experience
    view = _cli(home, "profile", "show", pid, "--json")
    assert view["experience"][0]["employer"] is None
    assert view["confidence"]["entries"][0]["employer"] == "missing"
    assert view["confidence"]["experience"] == "missing"


@pytest.fixture
def client(env: Any) -> FlaskClient:
    env()  # the embedded store
    from jobagent.config import get_settings
    from jobagent.web import create_app

    return create_app(get_settings().model_copy(update={"api_tokens": TOKEN})).test_client()


def test_the_http_profile_route_carries_the_confidences(client: FlaskClient, tmp_path: Path) -> None:
    from datetime import date

    from jobagent.cv.extraction import extract_profile
    from jobagent.cv.storage import store_extracted
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope
    from jobagent.submission import ensure_schema

    ensure_schema()
    accountant = _person("054-en-accountant")
    extracted = extract_profile(_no_city(accountant, tmp_path).read_text(encoding="utf-8"), today=date(2026, 12, 15))
    with session_scope() as s:
        profile = UserProfile(name=accountant.name, email="person@example.org")
        s.add(profile)
        store_extracted(profile, extracted, location=None, premium=False, cv_sources=["cv.txt"])
        s.flush()
        pid = profile.id
    for prefix in ("", "/api"):
        body = client.get(f"{prefix}/profiles/{pid}", headers={"Authorization": f"Bearer {TOKEN}"}).json
        assert body["confidence"]["location"] == "missing" and body["confidence"]["level"] == "medium", body
        assert body["user_edits"] == {}  # the grades live beside the edits, never shown as one
    patched = client.patch(f"/profiles/{pid}", json={"location": "Leeds"},
                           headers={"Authorization": f"Bearer {TOKEN}"}).json
    assert patched["confidence"]["location"] == "edited" and patched["user_edits"] == {"location": "Leeds"}
