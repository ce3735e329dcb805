"""The core API's surface pinned (issue 28 §7), as httpx's tests/test_exported_members.py pins its own: a name
joins or leaves ``jobagent.api`` only by editing this list, and every public function says what each parameter
means and shows an example (arq's ``cron()`` style)."""

from __future__ import annotations

import importlib
import inspect
import re
from types import ModuleType

import pytest

import jobagent.api

SURFACE = {
    "board": ["BoardEventView", "BoardRow", "BoardView", "MIN_PREFIX", "MarkResult", "ReviewItem", "SHORT_ID",
              "board", "mark", "review_item"],
    "maintenance": ["BackupReport", "RestoreReport", "ScheduledTask", "list_scheduled", "run_backup", "run_now",
                    "verify_backup"],
    "ops": ["HealthReport", "MonitorReport", "QueueOverview", "ReconcileReport", "Requeued", "SchemaState",
            "current_revision", "ensure_schema", "health", "init_telemetry", "monitor", "parse_since", "ping_queue",
            "queue_overview", "reconcile", "retry", "retry_failed", "upgrade_schema"],
    "postings": ["LetterView", "MatchView", "letter", "letter_docx", "list_matches"],
    "profiles": ["MAX_YEARS", "ProfileDeleted", "ProfileEdit", "ProfileView", "delete_profile", "edit_profile",
                 "get_profile", "list_profiles", "refresh_profile", "set_profile_filters", "validate_edit"],
    "runs": ["RunStatus", "RunSummary", "STATUSES", "Submission", "get_status", "list_runs", "submit_diagnostic",
             "submit_job_search", "submit_profiling", "submit_searches_from_profile", "submit_workflow", "wait_for"],
    "sources": ["AddedSource", "DiscoveredSource", "DiscoveryView", "HarvestView", "SourceState", "SourcesView",
                "add_source", "discover_source", "harvest", "list_sources"],
    "telemetry": ["init_telemetry"],
    "tokens": ["Actor", "NewToken", "OPERATOR", "TokenView", "authenticate", "create_token", "list_tokens",
               "revoke_token", "token_hash"],
    "why_not": ["WhyNotView", "why_not"],
}
UNDOCUMENTED = {"settings", "actor"}  # taken by most functions; described once in jobagent/api/__init__.py


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"jobagent.api.{name}")


def test_the_package_lists_exactly_these_modules() -> None:
    assert sorted(jobagent.api.__all__) == sorted(SURFACE)


@pytest.mark.parametrize("name", sorted(SURFACE))
def test_each_module_exports_exactly_these_names(name: str) -> None:
    module = _module(name)
    assert sorted(module.__all__) == sorted(SURFACE[name])
    assert all(hasattr(module, member) for member in module.__all__)


def _functions() -> list[tuple[str, str]]:
    return [(m, n) for m in sorted(SURFACE) for n in SURFACE[m] if inspect.isfunction(getattr(_module(m), n))]


@pytest.mark.parametrize(("module", "name"), _functions())
def test_each_public_function_documents_its_parameters_and_shows_an_example(module: str, name: str) -> None:
    func = getattr(_module(module), name)
    doc = inspect.getdoc(func) or ""
    wanted = [p for p in inspect.signature(func).parameters if p not in UNDOCUMENTED]
    documented = re.findall(r"^:param (\w+):", doc, re.MULTILINE)
    assert documented == wanted, f"{module}.{name}: document {wanted} in order, found {documented}"
    example = doc.split("Example::", 1)
    assert len(example) == 2 and example[1].strip(), f"{module}.{name} shows no example"
    assert name in example[1], f"{module}.{name}: the example does not call it"


def test_the_check_covers_every_function() -> None:
    assert len(_functions()) >= 45  # the parametrised test above would pass vacuously on an empty list
