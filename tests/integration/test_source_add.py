"""Adding a source checks it (issue 27 §6): ``sources add`` makes one request to a real board server on
127.0.0.1 and refuses a board that answers 404 (one line, exit 3) or cannot be asked now (exit 1, nothing
added; ``--no-check`` adds it); ``sources list`` shows kind, open and closed postings and the last outcome;
and a source named on one search is harvested for it but stays off the schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jobagent.postings.harvest import due_sources
from jobagent.store.models import SourceState
from jobagent.store.session import session_scope
from tests.board_server import BoardServer


def _posting(i: int, title: str = "Backend Engineer") -> dict[str, object]:
    return {"id": f"p{i}", "title": title, "company": "Acme", "location": "Berlin, Germany",
            "description": f"{title} building Python services in Berlin. Posting {i}."}


@pytest.fixture
def boards() -> Iterator[BoardServer]:
    with BoardServer() as srv:
        # Distinct titles: the store deduplicates one advert posted twice (same title, company and place).
        srv.boards["greenhouse:acme"] = [_posting(i, t) for i, t in enumerate(("Backend Engineer", "SRE", "QA Lead"))]
        srv.boards["lever:globex"] = [_posting(10 + i, t) for i, t in enumerate(("Data Engineer", "Data Analyst"))]
        yield srv


@pytest.fixture
def board_env(env, store_url: str, boards: BoardServer) -> BoardServer:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls()), JOBAGENT_SOURCES="")
    return boards


def _errors(err: str) -> list[str]:
    """The error lines (a note on the store's mode may precede them); no traceback ever."""
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error:")]


def _listed(cli_main) -> dict[str, dict[str, object]]:
    code, out, err = cli_main("sources", "list", "--json")
    assert code == 0, err
    return {r["source"]: r for r in json.loads(out)["sources"]}


def test_unknown_board_is_refused_with_exit_3_and_not_added(board_env: BoardServer, cli_main) -> None:
    code, out, err = cli_main("sources", "add", "greenhouse:acme-typo")
    assert code == 3 and out == "", (out, err)
    lines = _errors(err)
    assert len(lines) == 1 and "greenhouse:acme-typo: no such board" in lines[0] and "404" in lines[0]
    assert board_env.count() == 1  # one request, no retry of a 404
    assert "greenhouse:acme-typo" not in _listed(cli_main)
    code, _out, err = cli_main("sources", "add", "nosuchkind:acme")
    assert code == 3 and "unknown source kind" in err and board_env.count() == 1


def test_add_checks_once_then_the_schedule_harvests_it(board_env: BoardServer, cli_main) -> None:
    code, out, err = cli_main("sources", "add", "greenhouse:acme")
    assert code == 0 and "added to the scheduled harvest (3 postings on the first page)" in out, err
    assert board_env.count() == 1
    row = _listed(cli_main)["greenhouse:acme"]
    assert (row["configured"], row["kind"], row["next_harvest_at"], row["open"]) == (True, "greenhouse", "due now", 0)
    assert "greenhouse:acme" in due_sources()
    code, out, _ = cli_main("sources", "add", "greenhouse:acme", "--json")
    assert code == 0 and json.loads(out)["already"] is True

    code, out, err = cli_main("harvest", "--json")  # no specs: the scheduled sources, the added one among them
    assert code == 0, err
    assert [r["source"] for r in json.loads(out)] == ["greenhouse:acme"]
    row = _listed(cli_main)["greenhouse:acme"]
    assert (row["outcome"], row["open"], row["closed"]) == ("ok", 3, 0)
    assert row["next_harvest_at"] not in (None, "due now") and "greenhouse:acme" not in due_sources()


def test_a_board_that_cannot_be_asked_is_not_added_unless_no_check(board_env: BoardServer, cli_main) -> None:
    board_env.faults["lever:globex"] = "500"
    code, out, err = cli_main("sources", "add", "lever:globex")
    assert code == 1 and out == "" and len(_errors(err)) == 1, err
    assert "could not check the board now" in err and "500" in err
    assert "lever:globex" not in _listed(cli_main)
    code, out, err = cli_main("sources", "add", "lever:globex", "--no-check", "--json")
    assert code == 0 and json.loads(out)["checked"] is False and json.loads(out)["postings"] is None, err
    assert _listed(cli_main)["lever:globex"]["configured"] is True


def test_sources_list_shows_kind_counts_and_last_outcome(board_env: BoardServer, cli_main) -> None:
    assert cli_main("sources", "add", "greenhouse:acme")[0] == 0
    assert cli_main("harvest", "greenhouse:acme")[0] == 0
    board_env.boards["greenhouse:acme"].pop()
    for _ in range(2):  # two complete harvests without it close it
        assert cli_main("harvest", "greenhouse:acme")[0] == 0
    board_env.faults["greenhouse:acme"] = "500"
    assert cli_main("harvest", "greenhouse:acme")[0] == 1
    row = _listed(cli_main)["greenhouse:acme"]
    assert (row["kind"], row["open"], row["closed"], row["outcome"]) == ("greenhouse", 2, 1, "failed")
    assert "500" in str(row["error"])
    code, out, _ = cli_main("sources", "list")
    header = next(line for line in out.splitlines() if "source" in line and "outcome" in line)
    words = header.replace("┃", " ").replace("|", " ").split()
    assert words[:8] == ["source", "kind", "last", "outcome", "open", "closed", "next", "error"], header


def test_a_source_named_on_one_search_is_not_scheduled(board_env: BoardServer, cli_main) -> None:
    code, out, err = cli_main("search", "data engineer", "--location", "Berlin", "--source", "lever:globex",
                              "--json")
    assert code == 0, err
    with session_scope() as s:
        row = s.get(SourceState, "lever:globex")
        assert row is not None and row.outcome == "ok" and row.next_harvest_at is None and row.added_at is None
        assert s.scalars(select(SourceState.spec).where(SourceState.next_harvest_at.is_not(None))).all() == []
    assert "lever:globex" not in due_sources()
    listed = _listed(cli_main)["lever:globex"]
    assert (listed["configured"], listed["next_harvest_at"], listed["open"]) == (False, None, 2)
    code, out, _ = cli_main("sources", "list")
    assert "one-off" in out
    # Adding it afterwards puts it on the schedule, due at once.
    assert cli_main("sources", "add", "lever:globex")[0] == 0
    assert "lever:globex" in due_sources() and _listed(cli_main)["lever:globex"]["next_harvest_at"] == "due now"
