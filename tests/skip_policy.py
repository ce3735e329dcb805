"""In CI a skipped test is a failure: every system tool is installed there, so a skip means a test that
silently stopped testing. Outside CI a skip stays a skip, with the reason :func:`tests.servers.require_tool`
gives (the package to install). Loaded by tests/conftest.py; ``pytest -p tests.skip_policy`` loads it alone.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest


def in_ci() -> bool:
    """CI systems set ``CI`` (GitHub, GitLab, .ci/run); ``CI=false`` or empty means not in CI."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where a skip is a failure: {reason}"


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A whole module skipped at import (``pytest.importorskip``, a module-level skip) fails too."""
    if in_ci() and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI, where a skip is a failure: {report.longrepr}"
