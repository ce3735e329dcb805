"""The skip policy, run as a contributor and as CI run it: pytest in a subprocess on a tiny test file that
needs a program this machine lacks. Outside CI it is a skip naming the package; with CI=true the run fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

TINY = '''
import pytest

from tests.servers import require_tool


def test_needs_a_missing_tool():
    require_tool("jobagent-no-such-tool", "jobagent-no-such-package")
    assert False, "require_tool returned for a tool that is not installed"


@pytest.mark.xfail(reason="an expected failure is not a skip", strict=True)
def test_expected_failure():
    assert False


def test_plain():
    assert True
'''


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_tiny.py").write_text(TINY)
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update(env, PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.skip_policy", "-rs", "-q", "-p",
                           "no:cacheprovider", str(tmp_path / "test_tiny.py")], cwd=tmp_path, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_outside_ci_a_missing_tool_is_a_skip_naming_the_package(tmp_path: Path) -> None:
    out = _pytest(tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SKIPPED" in out.stdout and "jobagent-no-such-tool not found: install jobagent-no-such-package" \
        in out.stdout, out.stdout
    assert "1 passed, 1 skipped, 1 xfailed" in out.stdout, out.stdout


def test_in_ci_a_skip_is_a_failure(tmp_path: Path) -> None:
    out = _pytest(tmp_path, CI="true")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "skipped in CI, where a skip is a failure" in out.stdout and "jobagent-no-such-package" in out.stdout
    assert "1 failed, 1 passed, 1 xfailed" in out.stdout, out.stdout  # an xfail stays an xfail


def test_ci_false_is_not_ci(tmp_path: Path) -> None:
    assert _pytest(tmp_path, CI="false").returncode == 0
