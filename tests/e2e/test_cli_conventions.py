"""The CLI conventions users expect, checked on the real ``jobagent`` command in subprocesses (embedded
mode): --version, completion, output shapes (--json / --nl / --csv), JSON errors, exit codes (2 usage,
3 not found or invalid input, 1 infrastructure), messages naming PostgreSQL and Redis, 80-column tables.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from jobagent import __version__
from tests.conftest import ROOT, _reset_caches, run_cli, run_demo_in_process
from tests.servers import free_port

Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The embedded default (no DATABASE_URL / REDIS_URL) on a data directory of this module's own."""
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        for key in ("DATABASE_URL", "REDIS_URL", "JOBAGENT_WORKFLOW_MODULES"):
            mp.delenv(key, raising=False)
        mp.setenv("JOBAGENT_DATA_DIR", str(data))
        mp.setenv("COLUMNS", "80")
        _reset_caches()
        yield data
    _reset_caches()


@pytest.fixture
def cli(cli_env: Path, cli_main: Invoke) -> Invoke:
    """The in-process CLI (tests/conftest.py) on this module's embedded store."""
    return cli_main


@pytest.fixture(scope="module")
def demo(cli_env: Path) -> None:
    """One embedded store with a profile, its profiling run, and a job search with matches."""
    run_demo_in_process()


def _json(cli: Invoke, *args: str) -> Any:
    code, out, err = cli(*args)
    assert code == 0, (args, err)
    return json.loads(out)


def _runs(cli: Invoke) -> list[dict[str, Any]]:
    data = _json(cli, "runs", "--json")
    assert isinstance(data, list)
    return data


def _search_run(cli: Invoke) -> dict[str, Any]:
    return next(r for r in _runs(cli) if r["workflow_type"] == "job_search")


def test_version_and_completion(tmp_path: Path) -> None:
    out = run_cli("--version", home=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == f"jobagent {__version__}", out
    assert "embedded" not in out.stderr  # --version touches no store
    out = run_cli("--show-completion", "bash", home=tmp_path)
    assert out.returncode == 0 and "complete" in out.stdout and "_completion" in out.stdout, out


def test_listing_is_always_an_array_and_one_item_always_an_object(cli: Invoke, demo: None) -> None:
    one = _json(cli, "runs", "--json", "--limit", "1")
    assert isinstance(one, list) and len(one) == 1  # one row of a listing: still an array
    assert _json(cli, "runs", "--json", "--status", "pending") == []  # no rows: still an array
    runs = _runs(cli)
    assert len(runs) >= 2 and {"profiling", "job_search"} <= {r["workflow_type"] for r in runs}
    status = _json(cli, "status", runs[0]["run_id"], "--json")
    assert isinstance(status, dict) and status["run_id"] == runs[0]["run_id"]
    profiles = _json(cli, "profile", "list", "--json")
    assert isinstance(profiles, list) and len(profiles) == 1
    profile = _json(cli, "profile", "show", profiles[0]["profile_id"], "--json")
    assert isinstance(profile, dict) and profile["profile_id"] == profiles[0]["profile_id"]
    matches = _json(cli, "matches", _search_run(cli)["run_id"], "--json")
    assert isinstance(matches, list) and len(matches) >= 3


def test_search_shape_follows_the_command_not_the_count(cli: Invoke, demo: None) -> None:
    """QUERY gives one object; --from-profile an array, even for a profile with a single title."""
    profile_id = _json(cli, "profile", "list", "--json")[0]["profile_id"]
    titles = _json(cli, "profile", "show", profile_id, "--json")["suggested_titles"]
    assert len(titles) > 1
    edited = _json(cli, "profile", "edit", profile_id, *[a for t in titles[1:] for a in ("--remove-title", t)],
                   "--json")
    assert isinstance(edited, dict) and len(edited["suggested_titles"]) == 1
    fanned = _json(cli, "search", "--from-profile", profile_id, "--json")
    assert isinstance(fanned, list) and len(fanned) == 1 and fanned[0]["run_id"]
    single = _json(cli, "search", "platform engineer", "--location", "Berlin", "--json")
    assert isinstance(single, dict) and single["run_id"]
    waited = _json(cli, "search", "--from-profile", profile_id, "--wait", "--json")
    assert isinstance(waited, list) and len(waited) == 1 and waited[0]["status"] == "completed"


def test_nl_and_csv_carry_the_same_records_as_json(cli: Invoke, demo: None) -> None:
    records = _runs(cli)
    code, out, err = cli("runs", "--nl")
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == records
    code, out, err = cli("runs", "--csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["run_id"] for r in rows] == [r["run_id"] for r in records]
    assert list(rows[0]) == list(records[0])
    assert {r["has_errors"] for r in rows} <= {"true", "false"} and all(r["progress_percent"] for r in rows)
    code, out, err = cli("status", records[0]["run_id"], "--nl")
    assert code == 0 and len(out.splitlines()) == 1, (out, err)
    assert json.loads(out)["run_id"] == records[0]["run_id"]
    code, out, err = cli("status", records[0]["run_id"], "--csv")
    status_rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(status_rows) == 1 and status_rows[0]["run_id"] == records[0]["run_id"]


def _error(err: str) -> dict[str, Any]:
    lines = [ln for ln in err.splitlines() if not ln.startswith("jobagent: embedded")]
    assert len(lines) == 1, err
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("args", "code", "kind", "message"), [
    (["status", "no-such-run", "--json"], 3, "not_found", "run or execution no-such-run not found"),
    (["matches", "no-such-run", "--nl"], 3, "not_found", "not found"),
    (["profile", "show", "nope", "--json"], 3, "not_found", "not found"),
    (["search", "python developer", "--json"], 3, "invalid_input", "location is required"),
    (["retry", "--json"], 3, "invalid_input", "give either an EXECUTION_ID or --failed"),
    (["runs", "--status", "weird", "--json"], 2, "usage", "'weird' is not one of"),
    (["runs", "--no-such-flag", "--json"], 2, "usage", "No such option: --no-such-flag"),
    (["runs", "--json", "--csv"], 2, "usage", "use one of --json, --csv and --nl"),
    (["search", "x", "--location", "B", "--priority", "urgent", "--json"], 2, "usage", "'urgent' is not one of"),
    (["board", "nope", "--status", "maybe", "--nl"], 2, "usage", "'maybe' is not one of"),
], ids=["unknown-run", "unknown-run-nl", "unknown-profile", "missing-location", "retry-nothing", "bad-choice",
        "bad-flag", "two-formats", "bad-priority", "bad-board-state"])
def test_errors_are_json_on_stderr_with_their_exit_code(cli: Invoke, args: list[str], code: int, kind: str,
                                                        message: str) -> None:
    got, out, err = cli(*args)
    assert got == code, (got, err)
    assert out == ""
    report = _error(err)
    assert report == {"error": report["error"], "kind": kind, "exit_code": code}, report
    assert message in report["error"], report


def test_the_console_entry_point_keeps_the_codes(tmp_path: Path) -> None:
    out = run_cli("status", "no-such-run", home=tmp_path)
    lines = [ln for ln in out.stderr.splitlines() if not ln.startswith("jobagent: embedded")]
    assert out.returncode == 3 and lines == ["error: run or execution no-such-run not found"], out.stderr
    out = run_cli("runs", "--status", "weird", home=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "weird" in out.stderr
    out = run_cli("profile", "show", "nope", "--json", home=tmp_path)
    assert out.returncode == 3 and _error(out.stderr)["kind"] == "not_found", out.stderr


def test_infrastructure_down_is_exit_1_naming_postgresql_and_redis(tmp_path: Path) -> None:
    pg_port, redis_port = free_port(), free_port()
    environ = {"DATABASE_URL": f"postgresql+psycopg://jobagent:s3cret@127.0.0.1:{pg_port}/jobagent",
               "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    out = run_cli("runs", "--json", environ=environ, home=tmp_path)
    assert out.returncode == 1, out.stderr
    err = _error(out.stderr)
    assert err["kind"] == "database_unavailable" and err["exit_code"] == 1
    assert err["error"].startswith(f"cannot reach PostgreSQL at 127.0.0.1:{pg_port}: "), err
    out = run_cli("queues", environ=environ, home=tmp_path)
    assert out.returncode == 1, out.stderr
    assert out.stderr.startswith(f"error: cannot reach Redis at 127.0.0.1:{redis_port}: "), out.stderr
    assert out.stderr.count("\n") == 1
    for text in (out.stderr, json.dumps(err)):
        assert "s3cret" not in text and "sqlalchemy" not in text.lower() and "psycopg" not in text.lower()


def _table_lines(cli: Invoke, *args: str) -> list[str]:
    code, out, err = cli(*args)
    assert code == 0, (args, err)
    lines = out.splitlines()
    too_wide = [ln for ln in lines if cell_len(ln) > 80 and not ln.strip().split()[-1].startswith("http")]
    assert too_wide == [], (args, too_wide)
    return lines


def test_tables_fit_80_columns_without_breaking_ids_or_statuses(cli: Invoke, demo: None) -> None:
    runs = _runs(cli)
    lines = _table_lines(cli, "runs")
    for run in runs:  # each run on one line, its whole id and its whole status on it
        line = next(ln for ln in lines if run["run_id"] in ln)
        assert f" {run['status']} " in line, line
    search = _search_run(cli)
    status_lines = _table_lines(cli, "status", search["run_id"])
    assert any(ln.split()[:2] == ["status", "completed"] for ln in status_lines), status_lines
    profile_id = _json(cli, "profile", "list", "--json")[0]["profile_id"]
    assert any(ln.startswith(profile_id[:8] + " ") for ln in _table_lines(cli, "profile", "list"))
    _table_lines(cli, "profile", "show", profile_id)
    matches = _json(cli, "matches", search["run_id"], "--json")
    lines = _table_lines(cli, "matches", search["run_id"])
    for match in matches:  # every reason is there in full, wrapped at word boundaries
        reasons = " ".join(" ".join(lines).split())
        assert all(" ".join(r.split()) in reasons for r in match["reasons"]), match["reasons"]


def test_cli_import_is_lean() -> None:
    """Importing the CLI (what --help and --version pay) loads no store, queue, HTTP or Alembic code."""
    heavy = ("sqlalchemy", "alembic", "redis", "rq", "httpx", "psycopg", "jinja2", "pypdf", "docx")
    code = ("import sys, jobagent.cli; "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
