"""The error tree pinned, like httpx's tests/test_exported_members.py (issue 28 §4): every exception of
jobagent lives in ``jobagent.errors``, with exactly these names and bases, so nothing joins or leaves the tree
by accident and a face can map every one of them by type."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import jobagent.errors as errors

PACKAGE = Path(errors.__file__).resolve().parent

TREE = {
    "JobagentError": ("Exception",),
    "InputError": ("JobagentError",),
    "NotFound": ("InputError",),
    "BoardNotFound": ("NotFound",),
    "AmbiguousId": ("InputError",),
    "FetchRefused": ("FetchError", "InputError"),
    "IllegalTransition": ("InputError",),
    "SourcesRefused": ("InputError",),
    "AggregatorsMissing": ("InputError",),
    "PermanentFailure": ("JobagentError",),
    "StoreRefused": ("PermanentFailure",),
    "SoftTimeLimitExceeded": ("PermanentFailure",),
    "FetchError": ("JobagentError",),
    "FetchStatus": ("FetchError",),
    "FetchTimeout": ("FetchError",),
    "FetchDeadline": ("FetchTimeout",),
    "FetchUnavailable": ("FetchError",),
    "SourcesUnavailable": ("FetchUnavailable",),
    "CheckUnavailable": ("FetchUnavailable",),
    "AggregatorUnavailable": ("FetchUnavailable",),
    "SourceError": ("JobagentError",),
    "SourceStatus": ("SourceError",),
    "PageMissing": ("SourceStatus",),
    "AggregatorRefused": ("SourceError",),
    "DeliveryError": ("JobagentError",),
    "BackupError": ("JobagentError",),
    "LeaseLost": ("JobagentError",),
    "ServiceUnavailable": ("JobagentError",),
    "DatabaseUnavailable": ("ServiceUnavailable",),
    "QueueUnavailable": ("ServiceUnavailable",),
    "EnqueueFailed": ("QueueUnavailable",),
}


def test_the_tree_has_exactly_these_exceptions_with_these_bases() -> None:
    found = {name: tuple(base.__name__ for base in cls.__bases__)
             for name, cls in vars(errors).items()
             if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == errors.__name__
             and name == cls.__name__}
    assert found == TREE


def test_the_historical_alias_is_the_same_class() -> None:
    assert errors.InvalidInput is errors.InputError


def test_no_module_outside_errors_defines_a_jobagent_error() -> None:
    """Walk every module's source: a class whose base is any class of the tree (or a local subclass of one,
    followed to its end) must not exist outside jobagent/errors.py. ``NotModified`` and other plain
    ``Exception`` subclasses are control flow, not errors shown to a user, and may stay where they are used."""
    tree_names = set(TREE) | {"InvalidInput"}
    offenders: list[str] = []
    modules = [p for p in sorted(PACKAGE.rglob("*.py")) if p != PACKAGE / "errors.py"]
    assert len(modules) > 100  # the walk sees the package, not an empty directory
    for path in modules:
        classes = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ClassDef)]
        local: set[str] = set()
        grew = True
        while grew:  # a subclass of a subclass defined in the same module
            grew = False
            for cls in classes:
                bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in cls.bases}
                if cls.name not in local and bases & (tree_names | local):
                    local.add(cls.name)
                    grew = True
        offenders += [f"{path.relative_to(PACKAGE.parent)}: {name}" for name in sorted(local)]
    assert offenders == []


def test_the_walk_would_catch_one() -> None:
    """The check above is not vacuous: the same walk flags a subclass written in another module."""
    source = "from jobagent.errors import SourceStatus\nclass Gone(SourceStatus): ...\nclass Later(Gone): ...\n"
    classes = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)]
    assert {ast.unparse(b) for c in classes for b in c.bases} == {"SourceStatus", "Gone"}


@pytest.mark.parametrize(("exc", "named", "line"), [
    (ValueError("first\nsecond"), False, "first"),
    (ValueError("  padded  \n tail"), False, "padded"),
    (ValueError(""), False, "ValueError"),
    (ValueError("   \n  "), True, "ValueError"),
    (KeyError("k"), True, "KeyError: 'k'"),
    (errors.FetchTimeout("could not fetch x: timed out\ndetail", url="x"), False, "could not fetch x: timed out"),
])
def test_first_line_is_the_one_way_to_shorten_an_exception(exc: BaseException, named: bool, line: str) -> None:
    assert errors.first_line(exc, named=named) == line


# Lines that still cut an exception by hand, each with its reason; strict: an entry no longer needed fails.
PENDING_FIRST_LINES: set[str] = set()


def test_no_module_cuts_an_exception_to_its_first_line_by_hand() -> None:
    cut = re.compile(r"splitlines\(\)\[0\]")
    helper = {"_one_line", "_first_line", "_line", "one_line"}
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "errors.py":
            continue
        name = str(path.relative_to(PACKAGE.parent))
        source = path.read_text()
        lines = [n for n, line in enumerate(source.splitlines(), 1) if cut.search(line)]
        lines += [n.lineno for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)
                  and n.name in helper and name != "jobagent/postings/reports.py"]  # reports': text, not exc
        if lines:
            found[name] = lines
    assert set(found) == PENDING_FIRST_LINES, found
