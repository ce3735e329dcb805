"""What pyproject promises a new user and a deployment: compatible ranges, the extras, and constraints that
satisfy the ranges (a constraints file outside them would make the Ansible role's pip install fail)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(req: Requirement) -> str:
    return re.sub(r"[-_.]+", "-", req.name).lower()


def test_every_dependency_has_a_compatible_range_and_no_exact_pin() -> None:
    extras = PROJECT["optional-dependencies"]
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    reqs += [Requirement(r) for name, group in extras.items() if name != "dev" for r in group]
    for req in reqs:
        ops = {spec.operator for spec in req.specifier}
        assert ops == {">=", "<"}, f"{req}: wants >=tested,<next-major"
    assert "flask" in {_name(Requirement(r)) for r in PROJECT["dependencies"]}


def test_extras_split_by_work_and_dev_is_all_of_them() -> None:
    extras = PROJECT["optional-dependencies"]
    assert {"test", "lint", "deploy", "dev"} <= set(extras)
    assert {_name(Requirement(r)) for r in extras["lint"]} >= {"ruff", "mypy", "grimp"}
    assert {_name(Requirement(r)) for r in extras["deploy"]} == {"ansible", "ansible-lint"}
    (dev,) = extras["dev"]
    assert set(Requirement(dev).extras) >= {"test", "lint", "deploy"}
    runtime = {_name(Requirement(r)) for r in PROJECT["dependencies"]}
    assert not runtime & {"ansible", "ansible-lint", "selenium", "pytest", "ruff", "mypy"}  # demo needs none


def test_constraints_pin_every_runtime_dependency_inside_its_range() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name] = version
    for raw in PROJECT["dependencies"]:
        req = Requirement(raw)
        assert _name(req) in pins, f"{req.name} missing from constraints.txt (run .ci/freeze_constraints.py)"
        assert req.specifier.contains(pins[_name(req)]), f"constraints.txt pins {req.name}=={pins[_name(req)]}: {req}"


def test_redis_range_stops_before_the_first_untested_minor() -> None:
    """Issue 23: ``<9`` let a plain ``pip install`` pick redis 8.2.0 while only 8.1.0 (the pin) was tested.
    redis-py changes behaviour in minor releases (RESP3 defaults, retry policies), so the range ends at the
    minor after the tested one."""
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    (raw,) = [r for r in PROJECT["dependencies"] if _name(Requirement(r)) == "redis"]
    req = Requirement(raw)
    major, minor = (int(part) for part in pins["redis"].split(".")[:2])
    assert req.specifier.contains(pins["redis"])
    assert not req.specifier.contains(f"{major}.{minor + 1}.0"), f"{req} admits the untested redis {major}.{minor + 1}"
