"""The shipped systemd units: they load cleanly and stay hardened.

``systemd-analyze verify`` only warns (exit 0) on unknown keys and bad values, so any stderr output fails here.
A missing ``ExecStart`` binary is fatal, so the units are checked inside a ``--root`` tree that holds the stock
system units (for sysinit.target and friends) and a stub ``jobagent`` executable at the production path.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.servers import require_tool

ROOT = Path(__file__).resolve().parents[2]
UNIT_DIR = ROOT / "systemd"
STUB = "opt/jobagent/venv/bin/jobagent"
SYSTEM_UNITS = Path("/usr/lib/systemd/system")
THRESHOLD = 20  # systemd-analyze's 0-100 scale: exposure 2.0

UNITS = sorted(p.name for p in UNIT_DIR.glob("jobagent*") if p.is_file())
SERVICES = [u for u in UNITS if u.endswith(".service")]
HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes", "ProtectHome": "yes",
    "CapabilityBoundingSet": "", "SystemCallFilter": "@system-service", "User": "jobagent",
}


def _instance(unit: str) -> str:
    """Templates cannot be verified themselves; check an instance."""
    return unit.replace("@.", "@1.")


def _systemd_analyze() -> str:
    return require_tool("systemd-analyze", "systemd")


@pytest.fixture(scope="module")
def unit_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sdroot")
    assert SYSTEM_UNITS.is_dir(), f"{SYSTEM_UNITS} missing: apt-get install systemd"
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    stub = root / STUB
    stub.parent.mkdir(parents=True)
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    (root / "etc/jobagent").mkdir(parents=True)
    (root / "etc/jobagent/jobagent.env").write_text("DATABASE_URL=postgresql+psycopg://u@127.0.0.1/db\n")
    unit_dir = root / "etc/systemd/system"
    unit_dir.mkdir(parents=True)
    for unit in UNITS:
        shutil.copy2(UNIT_DIR / unit, unit_dir / unit)
    return root


def _verify(root: Path, unit: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_systemd_analyze(), "verify", f"--root={root}", _instance(unit)],
                          capture_output=True, text=True, timeout=60, cwd=root / "etc/systemd/system")


def _settings(unit: str) -> dict[str, list[str]]:
    """Every Key=value of the [Service] section, keeping repeated keys in order."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in (UNIT_DIR / unit).read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_expected_units_ship() -> None:
    expected = {"jobagent-worker@.service", "jobagent-workers.target", "jobagent-scheduler.service",
                "jobagent-web.service", "jobagent-monitor.service", "jobagent-monitor.timer",
                "jobagent-reconcile.service", "jobagent-reconcile.timer", "jobagent-backup.service",
                "jobagent-backup.timer"}
    assert expected <= set(UNITS)


@pytest.mark.parametrize("unit", UNITS)
def test_verify_is_silent(unit_root: Path, unit: str) -> None:
    res = _verify(unit_root, unit)
    assert res.returncode == 0 and not res.stderr.strip(), f"{unit}: rc={res.returncode}\n{res.stderr}"


def test_verify_catches_a_missing_binary(unit_root: Path) -> None:
    """The check above means something: without the stub the same unit fails."""
    stub = unit_root / STUB
    stub.chmod(0o644)
    try:
        res = _verify(unit_root, "jobagent-web.service")
    finally:
        stub.chmod(0o755)
    assert res.returncode != 0 and "jobagent" in res.stderr


@pytest.mark.parametrize("unit", SERVICES)
def test_security_exposure_is_low(unit_root: Path, unit: str) -> None:
    res = subprocess.run([_systemd_analyze(), "security", "--offline=yes", f"--root={unit_root}",
                          f"--threshold={THRESHOLD}", _instance(unit)],
                         capture_output=True, text=True, timeout=60, cwd=unit_root / "etc/systemd/system")
    match = re.search(r"Overall exposure level for \S+: ([\d.]+)", res.stdout)
    assert match, res.stdout + res.stderr
    assert res.returncode == 0 and float(match.group(1)) <= THRESHOLD / 10, f"{unit}: {match.group(0)}"


@pytest.mark.parametrize("unit", SERVICES)
def test_hardening_baseline(unit: str) -> None:
    settings = _settings(unit)
    for key, value in HARDENING.items():
        assert value in settings.get(key, []), f"{unit}: {key}={value} missing"
    assert settings["ReadWritePaths"], unit
    assert settings["EnvironmentFile"][0] == "/etc/jobagent/jobagent.env"
    assert settings["UMask"] == (["0077"] if "backup" in unit else ["0027"])


def test_worker_stops_warm_and_restarts() -> None:
    settings = _settings("jobagent-worker@.service")
    assert settings["KillMode"] == ["mixed"]  # SIGTERM to the main process only: the work-horse finishes
    assert int(settings["TimeoutStopSec"][0]) >= 1800  # JOBAGENT_TASK_TIME_LIMIT
    assert settings["Restart"] == ["always"]
    assert "ExecReload" not in settings  # rq has no SIGHUP handler
    exec_start = settings["ExecStart"][0]
    assert "--name %H-%i" in exec_start and "--max-jobs 50" in exec_start
    assert settings["EnvironmentFile"][-1] == "-/etc/jobagent/worker-%i.env"
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(UNIT_DIR / "jobagent-worker@.service")
    assert parser["Unit"]["PartOf"] == "jobagent-workers.target"
    assert parser["Install"]["WantedBy"] == "jobagent-workers.target"


def test_scheduler_runs_in_utc() -> None:
    assert "TZ=UTC" in _settings("jobagent-scheduler.service")["Environment"]


def test_web_binds_loopback() -> None:
    assert "--host 127.0.0.1" in _settings("jobagent-web.service")["ExecStart"][0]


@pytest.mark.parametrize(("timer", "expected"), [
    ("jobagent-monitor.timer", {"OnCalendar": "*:0/5"}),
    ("jobagent-reconcile.timer", {"OnCalendar": "*:0/10"}),
    ("jobagent-backup.timer", {"Persistent": "true", "RandomizedDelaySec": "30min"}),
])
def test_timers(timer: str, expected: dict[str, str]) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT_DIR / timer)
    for key, value in expected.items():
        assert parser["Timer"][key] == value
    assert (UNIT_DIR / timer.replace(".timer", ".service")).exists()
    assert "Type=oneshot" in (UNIT_DIR / timer.replace(".timer", ".service")).read_text()


def test_oncalendar_expressions_parse() -> None:
    for timer in (u for u in UNITS if u.endswith(".timer")):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(UNIT_DIR / timer)
        res = subprocess.run([_systemd_analyze(), "calendar", parser["Timer"]["OnCalendar"]],
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 0, f"{timer}: {res.stderr}"


def test_journald_dropin_bounds_the_journal() -> None:
    text = (UNIT_DIR / "journald.conf.d/jobagent.conf").read_text()
    assert re.search(r"^SystemMaxUse=\S+", text, re.M) and re.search(r"^MaxRetentionSec=\S+", text, re.M)
