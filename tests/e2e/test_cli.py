"""The real ``jobagent`` command in subprocesses: the embedded default and every bad-input path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.documents import make_pdf


def test_demo_on_embedded_default_in_empty_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    out = run_cli("demo", home=home)
    assert out.returncode == 0, out.stderr
    assert "embedded mode" in out.stderr and out.stderr.count("embedded mode") == 1
    assert "Backend Engineer" in out.stdout
    db = home / ".local" / "share" / "jobagent" / "jobagent.sqlite3"
    assert db.is_file()
    data = json.loads(run_cli("demo", "--json", home=home).stdout)
    assert data["profile"]["location"] == "Berlin, Germany"
    assert data["search"]["status"] == "completed" and data["search"]["progress_percent"] == 100
    assert len(data["matches"]) >= 3
    assert data["matches"][0]["score"] >= data["matches"][-1]["score"]
    assert Path(data["search"]["result"]["report_path"]).is_file()
    runs = json.loads(run_cli("runs", "--json", home=home).stdout)
    assert len(runs) == 4 and {r["status"] for r in runs} == {"completed"}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def _runs(home: Path) -> list[dict]:
    out = run_cli("runs", "--json", home=home)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, ["--email", "a@example.org", "--cv", "/nonexistent/cv.pdf"], "CV file not found"),
        ("corrupt.pdf", ["--email", "a@example.org"], "not a readable PDF"),
        ("empty.txt", ["--email", "a@example.org"], "CV is empty"),
        ("list.txt", ["--email", "a@example.org"], "does not look like a CV"),
        ("cv.pdf", ["--email", "not-an-email"], "invalid email address"),
        (None, ["--email", "a@example.org", "--cv", "http://127.0.0.1:9/cv.pdf"], "refused URL"),
        (None, ["--email", "a@example.org", "--cv", "http://169.254.169.254/latest/meta-data"], "refused URL"),
    ],
    ids=["missing", "corrupt-pdf", "empty", "not-a-cv", "bad-email", "loopback-url", "metadata-url"],
)
def test_profile_create_bad_input(home: Path, tmp_path: Path, make: str | None, args: list[str],
                                  message: str) -> None:
    cv_args: list[str] = []
    if make:
        path = tmp_path / make
        if make == "corrupt.pdf":
            path.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n%%EOF")
        elif make == "empty.txt":
            path.write_text("   \n")
        elif make == "list.txt":
            path.write_text("milk\neggs\nbread\n")
        else:
            make_pdf(path)
        cv_args = ["--cv", str(path)]
    out = run_cli("profile", "create", "--name", "A Person", *args, *cv_args, home=home)
    assert out.returncode == 3
    lines = [ln for ln in out.stderr.splitlines() if not ln.startswith("jobagent: embedded")]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], out.stderr
    assert "Traceback" not in out.stderr
    assert _runs(home) == []  # nothing half-written


@pytest.mark.parametrize("cmd", [["status", "nope"], ["matches", "nope"], ["profile", "show", "nope"],
                                 ["search", "--from-profile", "nope"]])
def test_unknown_ids(home: Path, cmd: list[str]) -> None:
    out = run_cli(*cmd, home=home)
    assert out.returncode == 3 and "not found" in out.stderr and "Traceback" not in out.stderr


def test_search_bad_options(home: Path) -> None:
    out = run_cli("search", "python developer", home=home)
    assert out.returncode == 3 and "location is required" in out.stderr
    out = run_cli("search", "python developer", "--location", "Berlin", "--priority", "urgent", home=home)
    assert out.returncode == 2 and "'urgent' is not one of" in out.stderr  # a choice: usage
    out = run_cli("runs", "--status", "weird", home=home)
    assert out.returncode == 2 and "'weird' is not one of" in out.stderr  # a choice: usage
    assert _runs(home) == []


def test_search_wait_json_embedded(home: Path) -> None:
    out = run_cli("search", "backend engineer", "--location", "Berlin", "--wait", "--json", home=home)
    assert out.returncode == 0, out.stderr
    st = json.loads(out.stdout)
    assert st["status"] == "completed" and st["workflow_type"] == "job_search"
    assert st["result"]["postings_found"] >= 1
    matches = json.loads(run_cli("matches", st["run_id"], "--json", home=home).stdout)
    assert matches and all(m["has_cover_letter"] is False for m in matches)  # no profile, no letter


def test_cli_against_live_servers(live: dict[str, str], tmp_path: Path) -> None:
    """With REDIS_URL and DATABASE_URL set, the same command enqueues for a worker instead."""
    cv = make_pdf(tmp_path / "cv.pdf")
    out = run_cli("profile", "create", "--name", "Alex Morgan", "--email", "alex@example.org", "--cv", str(cv),
                  "--json", environ=live)
    assert out.returncode == 0, out.stderr
    sub = json.loads(out.stdout)
    assert sub["status"] == "pending" and sub["status_command"] == f"jobagent status {sub['run_id']}"
    assert "embedded" not in out.stderr
    q = json.loads(run_cli("queues", "--json", environ=live).stdout)
    assert {x["queue"]: x["queued"] for x in q["queues"]} == {"high": 0, "default": 1}
    worker = run_cli("worker", "--burst", environ=live)
    assert worker.returncode == 0, worker.stderr
    st = json.loads(run_cli("status", sub["run_id"], "--json", environ=live).stdout)
    assert st["status"] == "completed" and st["task_status"] == "finished"
    shown = json.loads(run_cli("profile", "show", st["result"]["profile_id"], "--json", environ=live).stdout)
    assert shown["email"] == "alex@example.org"


def test_status_watch_and_queues_embedded(home: Path) -> None:
    out = run_cli("search", "data engineer", "--location", "Munich", "--json", home=home)
    run_id = json.loads(out.stdout)["run_id"]
    watched = run_cli("status", run_id, "--watch", home=home)
    assert watched.returncode == 0, watched.stderr
    assert "completed" in watched.stdout and "100%" in watched.stdout
    q = json.loads(run_cli("queues", "--json", home=home).stdout)
    assert q["embedded"] is True and [x["queue"] for x in q["queues"]] == ["high", "default"]
