"""Issue 25 §6 end to end: a German CV and a German posting give a German letter and a German tailored CV.

The real ``jobagent`` command on the embedded SQLite store: a profile from a generated German PDF CV, a feed
harvested with a German posting (its language detected at harvest), a search through the real workflow.
Then ``--letter-language en`` forces English for the same posting, and ``--letter-language xx`` is a usage
error (exit 2, one line, no run). The HTTP shim takes ``letter_language`` in the same way.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import run_cli
from tests.cv_languages import CVS, render

GERMAN_POSTING = {
    "id": "de-1", "title": "Elektroniker für Betriebstechnik (m/w/d)", "company": "Siemens Mobility GmbH",
    "location": "München", "url": "https://jobs.siemens-mobility.example/de-1",
    "description": "Für unser Werk in München suchen wir einen Elektroniker für Betriebstechnik (m/w/d). "
                   "Ihre Aufgaben: Fehlersuche an SPS-gesteuerten Anlagen, Programmierung mit Siemens S7 und "
                   "Prüfungen nach DGUV V3. Sie haben eine abgeschlossene Ausbildung und arbeiten gerne im Team. "
                   "Wir bieten eine unbefristete Stelle, Schichtzulagen und betriebliche Altersvorsorge.",
    "posted_at": "2026-11-20",
}
ENGLISH_POSTING = {
    "id": "en-1", "title": "Backend Engineer", "company": "Parcelwise", "location": "Berlin",
    "description": "We build routing software in Python and PostgreSQL and are hiring backend engineers.",
}


def _letters(home: Path, run_id: str) -> list[str]:
    db = home / ".local" / "share" / "jobagent" / "jobagent.sqlite3"
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT cover_letter FROM matches WHERE run_id = ? ORDER BY rank", (run_id,)).fetchall()
    return [r[0] for r in rows if r[0]]


def _search(home: Path, profile_id: str, feed: Path, *extra: str) -> dict:
    out = run_cli("search", "Elektroniker für Betriebstechnik", "--profile", profile_id, "--feed", str(feed),
                  "--wait", "--json", *extra, home=home)
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["status"] == "completed", status
    return status


def test_a_german_posting_gets_a_german_letter_unless_forced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    cv = next(c for c in CVS if c.key == "de-electrician")
    made = run_cli("profile", "create", "--name", cv.name, "--email", "markus.huber@example.org",
                   "--cv", str(render(cv, "pdf", tmp_path)), "--wait", "--json", home=home)
    assert made.returncode == 0, made.stderr
    profile_id = json.loads(made.stdout)["result"]["profile_id"]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"postings": [GERMAN_POSTING, ENGLISH_POSTING]}), encoding="utf-8")

    status = _search(home, profile_id, feed)
    letters = _letters(home, status["run_id"])
    german = next(x for x in letters if "Siemens Mobility GmbH" in x)
    assert german.startswith("Sehr geehrte Damen und Herren,\n"), german
    assert "\nMit freundlichen Grüßen\nMarkus Huber\n" in german
    assert "bewerbe ich mich um die Stelle als Elektroniker für Betriebstechnik in München" in german
    bullets = [b.rstrip(".") for job in cv.jobs for b in job.bullets]
    assert any(f"„{b}“" in german for b in bullets), german  # a CV bullet, quoted as written
    assert "bei BMW AG" in german  # the employer it came from
    assert not [w for w in ("Dear", "Kind regards", "I am applying", "experience") if w in german], german
    tailored = next(t for t in status["result"]["tailored_cvs"] if t["company"] == "Siemens Mobility GmbH")
    md = Path(tailored["markdown"]).read_text(encoding="utf-8")
    assert "## Berufserfahrung" in md and "– heute" in md and "## Experience" not in md
    report = Path(status["result"]["report_path"]).read_text(encoding="utf-8")
    assert "> Sehr geehrte Damen und Herren," in report

    forced = _search(home, profile_id, feed, "--letter-language", "en")
    english = next(x for x in _letters(home, forced["run_id"]) if "Siemens Mobility GmbH" in x)
    assert english.startswith("Dear Siemens Mobility GmbH hiring team,\n"), english
    assert "Kind regards," in english and "Sehr geehrte" not in english

    runs_before = len(json.loads(run_cli("runs", "--json", home=home).stdout))
    refused = run_cli("search", "Elektroniker", "--profile", profile_id, "--letter-language", "xx", home=home)
    assert refused.returncode == 2, refused.stderr
    assert "'xx' is not one of" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert len(json.loads(run_cli("runs", "--json", home=home).stdout)) == runs_before  # no run written


def test_the_http_shim_takes_letter_language(live: dict[str, str]) -> None:
    from sqlalchemy import func, select

    from jobagent.config import get_settings
    from jobagent.store.models import WorkflowExecution
    from jobagent.store.session import session_scope
    from jobagent.web import create_app
    from tests.web_stack import TOKEN

    client = create_app(get_settings().model_copy(update={"api_tokens": TOKEN})).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"query": "Elektroniker", "location": "München"}
    resp = client.post("/workflow/job-search", json={**body, "letter_language": "xx"}, headers=auth)
    assert resp.status_code == 400 and resp.json["error"] == "invalid_input", resp.json
    assert "letter_language must be one of en, de, nl, fr, es, pt" in resp.json["detail"]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(WorkflowExecution)) == 0  # refused before any row
    resp = client.post("/workflow/job-search", json={**body, "letter_language": "de"}, headers=auth)
    assert resp.status_code == 202, resp.json
    with session_scope() as s:
        snapshots = [e.context_snapshot for e in s.scalars(select(WorkflowExecution))]
    assert [c.get("letter_language") for c in snapshots] == ["de"]
