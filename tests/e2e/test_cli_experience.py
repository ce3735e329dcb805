"""Issue 29 "the experience", on the real ``jobagent`` command (embedded mode, one store for the module): the
letter in your hands, ids as prefixes everywhere, quiet output, the --help panels, the demo leaving no
scheduled source, and the usage errors of --limit / --offset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.conftest import _reset_caches, run_cli, run_demo_in_process

Invoke = Callable[..., tuple[int, str, str]]
PANELS = ("Job search and board", "Profiles", "Sources", "Operations")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The embedded default on a data directory of this module's own, at 80 columns."""
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        for key in ("DATABASE_URL", "REDIS_URL", "JOBAGENT_WORKFLOW_MODULES", "JOBAGENT_SOURCES",
                    "JOBAGENT_POSTINGS_FEED"):
            mp.delenv(key, raising=False)
        mp.setenv("JOBAGENT_DATA_DIR", str(data))
        mp.setenv("COLUMNS", "80")
        _reset_caches()
        yield data
    _reset_caches()


@pytest.fixture(scope="module")
def demo(cli_env: Path) -> None:
    """``jobagent demo`` once: a profile, its profiling run and a job search with letters."""
    run_demo_in_process()


@pytest.fixture
def cli(cli_env: Path, cli_main: Invoke) -> Invoke:
    return cli_main


def _json(cli: Invoke, *args: str) -> Any:
    code, out, err = cli(*args)
    assert code == 0, (args, err)
    return json.loads(out)


def _ids(cli: Invoke) -> tuple[str, str]:
    """(profile id, the demo's search run id)."""
    profile_id = _json(cli, "profile", "list", "--json")[0]["profile_id"]
    searches = [r["run_id"] for r in _json(cli, "runs", "--json") if r["workflow_type"] == "job_search"]
    return profile_id, searches[-1]  # the oldest: the demo's (later tests run searches of their own)


def _error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if not ln.startswith("jobagent: embedded")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_help_groups_the_commands_by_task(cli: Invoke) -> None:
    code, out, _ = cli("--help")
    assert code == 0
    lines = out.splitlines()
    at = {panel: next(i for i, ln in enumerate(lines) if re.match(rf"^\W*{re.escape(panel)} \W*$", ln))
          for panel in PANELS}
    assert list(at.values()) == sorted(at.values()), at  # in this order, each once

    def panel_of(command: str) -> str:
        row = next(i for i, ln in enumerate(lines) if re.match(rf"^\W+{command}\s", ln))
        return max((p for p in PANELS if at[p] < row), key=at.__getitem__)

    for command in ("search", "status", "runs", "matches", "letter", "board", "mark", "review", "demo"):
        assert panel_of(command) == "Job search and board", command
    assert panel_of("profile") == "Profiles"
    assert panel_of("sources") == panel_of("harvest") == "Sources"
    for command in ("worker", "scheduler", "serve", "monitor", "reconcile", "retry", "backup", "db", "dev"):
        assert panel_of(command) == "Operations", command
    first = next(ln for ln in lines[at["Job search and board"] + 1:] if ln.strip("│ "))
    assert first.strip("│ ").startswith("search ")  # the command people come for comes first


def test_the_demo_leaves_no_scheduled_source(cli: Invoke, demo: None) -> None:
    listed = _json(cli, "sources", "list", "--json")
    assert listed["sources"], "the demo harvested its sample feed"
    assert [s for s in listed["sources"] if s["configured"] or s["next_harvest_at"] is not None] == []
    assert listed["default_sources"] == []
    assert _json(cli, "harvest", "--json") == []  # no specs: the scheduled ones, and there are none
    code, out, _ = cli("harvest")
    assert code == 0 and "nothing to harvest" in out


def test_matches_json_carries_the_letter_and_the_tailored_cv(cli: Invoke, demo: None) -> None:
    _, run_id = _ids(cli)
    matches = _json(cli, "matches", run_id, "--json")
    assert matches and all(m["has_cover_letter"] for m in matches)
    for m in matches:
        assert m["cover_letter"].startswith("Dear ") and m["letter_missing"] is None
        assert Path(m["tailored_cv_markdown"]).is_file() and Path(m["tailored_cv_docx"]).is_file()
        assert Path(m["tailored_cv_docx"]).name.startswith(f"{m['rank']:02d}-")


def test_letter_by_rank_or_posting_prefix_as_text_json_and_docx(cli: Invoke, demo: None, tmp_path: Path) -> None:
    _, run_id = _ids(cli)
    matches = _json(cli, "matches", run_id, "--json")
    second = matches[1]
    code, out, err = cli("letter", run_id[:8], "2")
    assert code == 0, err
    assert out.rstrip("\n") == second["cover_letter"].rstrip("\n")
    code, by_id, _ = cli("letter", run_id, second["posting_id"][:7])
    assert code == 0 and by_id == out
    view = _json(cli, "letter", run_id, "2", "--json")
    assert (view["rank"], view["posting_id"], view["cover_letter"]) == (2, second["posting_id"],
                                                                        second["cover_letter"])
    target = tmp_path / "out" / "letter.docx"
    code, out, err = cli("letter", run_id, "1", "--docx", str(target))
    assert code == 0 and str(target) in out, err
    import docx

    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert " ".join(text.split()) == " ".join(matches[0]["cover_letter"].split())
    assert not list(target.parent.glob("*.partial"))
    for args, message in ((("99",), "has no match ranked 99"), (("ffffffffffff",), "is not among the matches")):
        code, _, err = cli("letter", run_id, *args)
        assert code == 3 and message in _error(err)
    code, _, err = cli("letter", "0000000000", "1")
    assert code == 3 and "not found" in _error(err)


def test_letter_copy_uses_a_clipboard_tool_or_says_there_is_none(cli: Invoke, demo: None, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _, run_id = _ids(cli)
    letter = _json(cli, "matches", run_id, "--json")[0]["cover_letter"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))  # no wl-copy, xclip, xsel, pbcopy or clip.exe
    code, out, err = cli("letter", run_id, "1", "--copy")
    assert code == 0 and out.rstrip("\n") == letter.rstrip("\n")
    assert "not copied: no clipboard tool found" in err
    clipboard = tmp_path / "clipboard.txt"
    tool = bin_dir / "xclip"
    tool.write_text(f'#!/bin/sh\n[ "$1 $2" = "-selection clipboard" ] || exit 9\nexec /bin/cat > "{clipboard}"\n')
    tool.chmod(0o755)
    code, out, err = cli("letter", run_id, "1", "--copy")
    assert code == 0 and "copied to the clipboard (xclip)" in err, err
    assert clipboard.read_text(encoding="utf-8") == letter


def test_a_match_without_a_letter_says_why(cli: Invoke, demo: None) -> None:
    code, out, err = cli("search", "backend engineer", "--location", "Berlin", "--wait", "--json")
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    matches = _json(cli, "matches", run_id, "--json")
    assert matches and all(m["cover_letter"] is None and m["letter_missing"].startswith("no profile")
                           for m in matches)
    code, _, err = cli("letter", run_id, "1")
    assert code == 3 and "no letter for match 1" in _error(err) and "no profile" in err
    code, out, _ = cli("letter", run_id, "1", "--json")  # a program gets the record, and the reason in it
    assert code == 0 and json.loads(out)["letter_missing"].startswith("no profile")


def test_a_letter_refused_by_grounding_says_so(tmp_path: Path) -> None:
    """A template that claims what the CV does not: every letter is refused, and ``letter`` says why."""
    home = tmp_path / "home"
    home.mkdir()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "cover_letter.md.j2").write_text("{{ name }}: 99 years of COBOL.\n")
    environ = {"JOBAGENT_TEMPLATES_DIR": str(templates), "COLUMNS": "80"}
    demo = run_cli("demo", "--json", home=home, environ=environ)
    assert demo.returncode == 0, demo.stderr
    run_id = json.loads(demo.stdout)["search"]["run_id"]
    out = run_cli("letter", run_id, "1", home=home, environ=environ)
    assert out.returncode == 3 and "refused by grounding" in out.stderr and "99" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_ids_work_as_prefixes_everywhere(cli: Invoke, demo: None) -> None:
    profile_id, run_id = _ids(cli)
    assert _json(cli, "profile", "show", profile_id[:6], "--json")["profile_id"] == profile_id
    assert _json(cli, "status", run_id[:6], "--json")["run_id"] == run_id
    assert [m["rank"] for m in _json(cli, "matches", run_id[:6], "--json")] == [1, 2, 3, 4, 5]
    assert _json(cli, "letter", run_id[:6], "1", "--json")["run_id"] == run_id
    board = _json(cli, "board", profile_id[:6], "--json")
    assert board and all(r["posting_id"].startswith(r["short_id"]) for r in board)
    marked = _json(cli, "mark", board[-1]["posting_id"][:6], "--profile", profile_id[:7], "--save", "--json")
    assert (marked["profile_id"], marked["posting_id"], marked["state"]) == (profile_id, board[-1]["posting_id"],
                                                                            "saved")
    edited = _json(cli, "profile", "edit", profile_id[:8], "--years", "7", "--json")
    assert edited["profile_id"] == profile_id
    why = _json(cli, "matches", run_id[:6], "--why-not", board[0]["posting_id"][:8], "--json")
    assert why["posting_id"] == board[0]["posting_id"]
    code, _, err = cli("profile", "show", profile_id[:5])
    assert code == 3 and "at least 6 characters" in _error(err)


def _twin_profiles(prefix: str) -> list[str]:
    """Two profiles whose ids share ``prefix`` (UUIDs rarely do; these are made so)."""
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    ids = [f"{prefix}{n}-0000-4000-8000-000000000000"[:36] for n in ("a1", "b2")]
    with session_scope() as s:
        for pid in ids:
            s.add(UserProfile(id=pid, name="Twin Person", email="twin@example.org", suggested_titles=["Baker"]))
    return ids


def test_an_ambiguous_prefix_lists_the_candidates(cli: Invoke, demo: None) -> None:
    twins = _twin_profiles("abcdef")
    for command in (("profile", "show"), ("board",), ("search", "--from-profile")):
        code, _, err = cli(*command, "abcdef")
        line = _error(err)
        assert code == 3 and "ambiguous" in line and all(t in line for t in twins), (command, err)
    code, _, err = cli("profile", "show", "abcdef", "--json")
    report = json.loads(err.strip().splitlines()[-1])
    assert (report["kind"], report["exit_code"]) == ("ambiguous_id", 3)
    assert _json(cli, "profile", "show", twins[1][:8], "--json")["profile_id"] == twins[1]  # one more: unique
    code, _, _ = cli("profile", "delete", twins[0][:7])
    assert code == 0
    assert _json(cli, "profile", "show", "abcdef", "--json")["profile_id"] == twins[1]  # unique once alone
    assert cli("profile", "delete", twins[1])[0] == 0


def test_search_from_profile_wait_prints_two_short_tables(cli: Invoke, demo: None) -> None:
    profile_id, _ = _ids(cli)
    titles = _json(cli, "profile", "show", profile_id, "--json")["suggested_titles"]
    for title in titles[3:]:  # three titles, as the issue counts them
        assert cli("profile", "edit", profile_id, "--remove-title", title)[0] == 0
    code, out, err = cli("search", "--from-profile", profile_id[:8], "--wait")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) <= 40, out
    assert all(cell_len(ln) <= 80 for ln in lines), out
    assert lines[0].startswith("Runs") and sum(ln.startswith("Best matches across 3 searches") for ln in lines) == 1
    runs = [r for r in _json(cli, "runs", "--json") if r["workflow_type"] == "job_search"][:3]
    assert {r["query"] for r in runs} == set(titles[:3])
    for run in runs:
        assert any(ln.startswith(run["run_id"][:8] + " ") and " completed " in ln for ln in lines), run
    best = lines.index(next(ln for ln in lines if ln.startswith("Best matches")))
    rows = [ln for ln in lines[best + 2:] if ln[:1].isdigit()]
    scores = [float(ln.split()[0]) for ln in rows]
    assert rows and scores == sorted(scores, reverse=True)
    assert "field" not in out and "current_node" not in out  # no per-run status tables


def test_profile_edit_prints_the_profile_not_a_dict(cli: Invoke, demo: None) -> None:
    profile_id, _ = _ids(cli)
    code, out, err = cli("profile", "edit", profile_id, "--level", "senior")
    assert code == 0, err
    assert "{'" not in out and "{}" not in out and "['" not in out, out
    assert any(ln.split()[:2] == ["level", "senior"] for ln in out.splitlines())
    edits = " ".join(out[out.index("user_edits"):out.index("cv_sources")].split())  # the value may wrap
    assert re.search(r"\blevel\W{1,2}senior\b", edits), out  # "level: senior" (or "level=senior"): no repr


def test_profile_list_shows_level_entries_and_field(cli: Invoke, demo: None) -> None:
    profile_id, _ = _ids(cli)
    shown = _json(cli, "profile", "show", profile_id, "--json")
    code, out, _ = cli("profile", "list")
    header = next(ln for ln in out.splitlines() if ln.startswith("id "))
    assert header.split()[:6] == ["id", "name", "level", "entries", "field", "location"]
    row = next(ln for ln in out.splitlines() if ln.startswith(profile_id[:8]))
    assert f" {shown['level']} {len(shown['experience'])} " in row and shown["field"] in row


def test_board_gives_the_title_the_most_room_at_80_columns(cli: Invoke, demo: None) -> None:
    profile_id, _ = _ids(cli)
    code, out, _ = cli("board", profile_id)
    assert code == 0
    lines = out.splitlines()
    assert all(cell_len(ln) <= 80 for ln in lines), lines
    header = lines[0]
    names = header.split()
    starts = [header.index(f"{n} ") if n != names[-1] else header.rindex(n) for n in names]
    widths = {n: starts[i + 1] - starts[i] - 1 for i, n in enumerate(names[:-1])}
    assert widths["title"] >= 20 and widths["title"] == max(widths.values()), widths
    rows = _json(cli, "board", profile_id, "--json")
    for row in rows:  # every row keeps its whole short id and its state
        line = next(ln for ln in lines if ln.endswith(row["short_id"]))
        assert f" {row['state']} " in line


@pytest.mark.parametrize("args", [("board", "PROFILE", "--limit", "0"), ("board", "PROFILE", "--offset", "-1"),
                                  ("runs", "--limit", "0"), ("profile", "list", "--limit", "0")])
def test_limit_zero_and_negative_offset_are_usage_errors(cli: Invoke, demo: None, args: tuple[str, ...]) -> None:
    profile_id, _ = _ids(cli)
    code, out, err = cli(*[profile_id if a == "PROFILE" else a for a in args])
    assert code == 2 and out == "" and "Invalid value for '--" in _error(err)


def test_board_pages_with_limit_and_offset(cli: Invoke, demo: None) -> None:
    profile_id, _ = _ids(cli)
    rows = [r["posting_id"] for r in _json(cli, "board", profile_id, "--json")]
    assert len(rows) >= 4
    assert [r["posting_id"] for r in _json(cli, "board", profile_id, "--limit", "2", "--json")] == rows[:2]
    assert [r["posting_id"] for r in _json(cli, "board", profile_id, "--limit", "2", "--offset", "2",
                                           "--json")] == rows[2:4]
    assert [r["posting_id"] for r in _json(cli, "board", profile_id, "--offset", "1", "--json")] == rows[1:]


FILTER_FLAGS = ("--exclude-company", "--exclude-title", "--remote-only", "--max-age-days", "--min-salary")


def test_the_filter_flags_are_declared_once_and_offered_alike(cli: Invoke, demo: None) -> None:
    """Issue 28 §4: one option group (cli/_options.py) gives search and profile filters the same five flags."""
    helps = []
    for command in (("search",), ("profile", "filters")):
        code, out, _ = cli(*command, "--help")
        assert code == 0
        lines = out.splitlines()
        heading = next(i for i, ln in enumerate(lines) if re.match(r"^\W*Filters \W*$", ln))
        rows = {flag: next(ln for ln in lines[heading:] if re.match(rf"^\W+{flag}\s", ln)) for flag in FILTER_FLAGS}
        helps.append({flag: " ".join(row.split()[1:]) for flag, row in rows.items()})
    assert helps[0] == helps[1]
    source = "".join(p.read_text() for p in (Path(__file__).parents[2] / "jobagent" / "cli").glob("*.py"))
    assert {flag: source.count(f'"{flag}"') for flag in FILTER_FLAGS} == dict.fromkeys(FILTER_FLAGS, 1)
    profile_id, _ = _ids(cli)  # the group's values reach the core API under its field names
    view = _json(cli, "profile", "filters", profile_id, "--exclude-company", "Acme", "--remote-only",
                 "--max-age-days", "14", "--json")
    assert view["filters"]["company_blocklist"] == ["Acme"] and view["filters"]["remote_only"] is True
    assert view["filters"]["max_age_days"] == 14
    assert _json(cli, "profile", "filters", profile_id, "--json")["filters"].get("company_blocklist") in (None, [])
