"""The typed core API (issue 15) in the embedded default: views, field-named messages, one lookup by id.

Embedded mode (SQLite in a temporary directory, workflows run in-process) keeps these in-process and fast;
the same functions against PostgreSQL and a real worker are covered by the integration and e2e layers.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from jobagent.errors import InvalidInput, NotFound

# What clients of the original HTTP API expect of a status (GUIDE §1), plus attempts and queue.
STATUS_FIELDS = {"run_id", "execution_id", "workflow_type", "status", "current_node", "progress_percent",
                 "started_at", "completed_at", "has_errors", "error_message", "result", "task_status",
                 "attempts", "queue"}


@pytest.fixture
def embedded(env: Callable[..., dict[str, str]]) -> None:
    env()


@pytest.mark.parametrize(("args", "message"), [
    (("", "Berlin", 10, 5), "query is required"),
    (("python", "Berlin", 0, 1), "num_results must be between 1 and 1000"),
    (("python", "Berlin", 3, 5), "max_screening must be between 1 and num_results"),
    (("python", None, 10, 5), "location is required"),
])
def test_search_messages_name_fields_not_flags(args: tuple[str, str | None, int, int], message: str) -> None:
    from jobagent.search_specs import search_spec

    query, location, num_results, max_screening = args
    with pytest.raises(InvalidInput) as caught:
        search_spec(query, location, None, num_results, max_screening, None, None)
    assert message in str(caught.value) and "--" not in str(caught.value)


def test_http_error_names_the_field_and_writes_nothing(embedded: None) -> None:
    """The review's example: max_screening > num_results used to answer '--max-screening ... --num-results'."""
    from jobagent.api import runs
    from jobagent.config import get_settings
    from jobagent.web import create_app

    client = create_app(get_settings().model_copy(update={"api_tokens": "t" * 32})).test_client()
    resp = client.post("/workflow/job-search", headers={"Authorization": f"Bearer {'t' * 32}"},
                       json={"query": "data engineer", "location": "Berlin", "num_results": 3, "max_screening": 5})
    assert resp.status_code == 400 and resp.json is not None
    assert resp.json["detail"] == "max_screening must be between 1 and num_results"
    assert runs.list_runs() == []


def test_views_and_one_lookup_by_run_or_execution_id(embedded: None) -> None:
    from jobagent.api import ops, postings, runs

    first = runs.submit_diagnostic(echo="one")
    second = runs.submit_diagnostic(echo="two", priority="high")
    by_run = runs.get_status(second.run_id)
    by_execution = runs.get_status(second.execution_id)
    assert isinstance(by_run, runs.RunStatus) and by_run == by_execution
    assert by_run.status == "completed" and by_run.progress_percent == 100 and by_run.queue == "high"
    assert STATUS_FIELDS <= set(by_run.model_dump(mode="json"))
    listed = runs.list_runs(limit=5)
    assert [r.run_id for r in listed] == [second.run_id, first.run_id]  # newest first
    assert all(isinstance(r, runs.RunSummary) and r.status == "completed" for r in listed)
    assert [r.run_id for r in runs.list_runs(status="completed", limit=1)] == [second.run_id]
    assert postings.list_matches(first.run_id) == []  # a diagnostic matches nothing; the id still resolves
    for call in (runs.get_status, postings.list_matches, ops.retry):
        with pytest.raises(NotFound, match="run or execution no-such-id not found"):
            call("no-such-id")
    with pytest.raises(InvalidInput, match="limit must be at least 1"):
        runs.list_runs(limit=0)
    with pytest.raises(InvalidInput, match="is completed; only failed executions can be retried"):
        ops.retry(first.run_id)  # retry finds the execution by its run id, as status does


def test_cli_renders_the_views_as_json(embedded: None) -> None:
    from jobagent.api import runs
    from jobagent.cli import app

    sub = runs.submit_diagnostic(echo="cli")
    runner = CliRunner()
    status = runner.invoke(app, ["status", sub.run_id, "--json"])
    assert status.exit_code == 0, status.output
    shown = json.loads(status.stdout[status.stdout.index("{"):])
    assert shown == runs.get_status(sub.run_id).model_dump(mode="json")
    listed = runner.invoke(app, ["runs", "--json"])
    rows = json.loads(listed.stdout[listed.stdout.index("["):])
    assert [r["run_id"] for r in rows] == [sub.run_id] and set(rows[0]) == set(runs.RunSummary.model_fields)
