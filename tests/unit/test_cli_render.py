"""render.py in process: the output shapes of --json / --nl / --csv, 80-column tables, and the exit-code
mapping of the error tree."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from pydantic import BaseModel
from rich.cells import cell_len

from jobagent.cli import EXIT_FAILURE, EXIT_INPUT, error_report
from jobagent.cli.render import Output, print_table
from jobagent.errors import DatabaseUnavailable, EnqueueFailed, InputError, NotFound, PermanentFailure


class View(BaseModel):
    run_id: str
    tags: list[str]
    done: bool
    note: str | None = None


RECORDS = [View(run_id=f"r{i}", tags=["a", "b,c"], done=i % 2 == 0) for i in range(3)]


def _printed(capsys: pytest.CaptureFixture[str], fn: object) -> str:
    capsys.readouterr()
    fn()  # type: ignore[operator]
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "nl", "csv"])
def test_listing_and_item_shapes(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = Output(fmt)
    many = _printed(capsys, lambda: out.items(RECORDS))
    one = _printed(capsys, lambda: out.item(RECORDS[0]))
    none = _printed(capsys, lambda: out.items([]))
    dumped = [r.model_dump(mode="json") for r in RECORDS]
    if fmt == "json":
        assert json.loads(many) == dumped and json.loads(one) == dumped[0] and json.loads(none) == []
        assert json.loads(_printed(capsys, lambda: out.items(RECORDS[:1]))) == dumped[:1]  # one row: an array
    elif fmt == "nl":
        assert [json.loads(line) for line in many.splitlines()] == dumped
        assert one.count("\n") == 1 and json.loads(one) == dumped[0] and none == ""
    else:
        rows = list(csv.DictReader(io.StringIO(many)))
        assert [r["run_id"] for r in rows] == ["r0", "r1", "r2"]
        assert rows[0] == {"run_id": "r0", "tags": '["a", "b,c"]', "done": "true", "note": ""}
        assert list(csv.DictReader(io.StringIO(one))) == rows[:1] and none == ""
        header = _printed(capsys, lambda: out.items([], ["run_id", "done"]))
        assert header == "run_id,done\n"  # an empty listing with known fields still has its header


def test_tables_fit_80_columns_and_never_break_ids_or_statuses(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    statuses = ["completed", "processing", "pending", "failed"]
    rows = [[str(uuid.uuid4()), statuses[i % 4], f"{i * 7 % 101}%", "11-30 14:05",
             "senior staff principal distributed systems engineer payments " * (i % 3 + 1)] for i in range(40)]
    text = _printed(capsys, lambda: print_table("Runs", ["run_id", "status", "done", "created", "query"], rows,
                                                flex=["query"]))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    for row in rows:  # one line per row: the whole id and the whole status on it
        line = next(ln for ln in lines if row[0] in ln)
        assert f" {row[1]} " in line and "…" in line
    wrapped = _printed(capsys, lambda: print_table("Run", ["field", "value"], [["error_message", rows[0][4]]],
                                                   flex=["value"], wrap=True))
    assert max(cell_len(line) for line in wrapped.splitlines()) <= 80
    assert " ".join(wrapped.split()).count("payments") == 1 and "…" not in wrapped  # wrapped whole, not cut


def test_flexible_columns_share_what_is_left(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    source = "feed:/srv/jobagent/feeds/a-long-directory-name/postings.json"  # 62 cells
    text = _printed(capsys, lambda: print_table("Harvest", ["source", "outcome", "error"],
                                                [[source, "ok", ""]], flex=["source", "error"]))
    line = next(ln for ln in text.splitlines() if ln.startswith("feed:"))
    assert source in line  # the empty error column did not take half of the room


@pytest.mark.parametrize(("exc", "code", "kind"), [
    (NotFound("run x not found"), EXIT_INPUT, "not_found"),
    (InputError("invalid email address"), EXIT_INPUT, "invalid_input"),
    (DatabaseUnavailable("cannot reach PostgreSQL at h:1: refused"), EXIT_FAILURE, "database_unavailable"),
    (EnqueueFailed("cannot reach Redis at h:2: refused"), EXIT_FAILURE, "enqueue_failed"),
    (PermanentFailure("the feed is gone"), EXIT_FAILURE, "permanent_failure"),
])
def test_error_tree_to_exit_codes(exc: Exception, code: int, kind: str) -> None:
    assert error_report(exc) == (str(exc), kind, code)


def test_library_failures_name_the_service_not_the_library() -> None:
    from sqlalchemy.exc import ProgrammingError

    report = error_report(ProgrammingError("SELECT 1", {}, Exception("relation \"runs\" does not exist")))
    assert report is not None and report[2] == EXIT_FAILURE
    assert report[0].split(" failed: ")[0] in ("PostgreSQL", "SQLite") and "sqlalchemy" not in report[0].lower()
    assert error_report(ValueError("a bug")) is None  # a real bug keeps its traceback
