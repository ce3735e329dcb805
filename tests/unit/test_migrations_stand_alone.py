"""Migrations stand alone (issue 28 §6): none imports live jobagent code, so renaming a module or changing
the normaliser can neither break nor silently change what an old migration does.

The one allowance is ``jobagent.store.fulltext``: DDL strings kept per index version (``statements(version=N)``,
each migration naming its own), shared with alembic's env.py autogenerate filter, and importing nothing of
jobagent itself (checked below). Data a migration makes stale is rebuilt after Alembic by live code
(``jobagent.postings.reindex``, run by ``jobagent.store.migrate.upgrade``)."""

from __future__ import annotations

import ast
from pathlib import Path

VERSIONS = Path(__file__).resolve().parents[2] / "jobagent" / "store" / "migrations" / "versions"
FULLTEXT = VERSIONS.parents[1] / "fulltext.py"
ALLOWED = {"jobagent.store.fulltext"}


def _jobagent_imports(path: Path | str) -> set[str]:
    """Every jobagent module the file (or source text) imports, lazy imports inside functions included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text() if isinstance(path, Path) else path)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "jobagent"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "jobagent":
            found |= {f"{node.module}.{a.name}" if node.module == "jobagent.store" else node.module
                      for a in node.names}
    return found


def test_no_migration_imports_live_jobagent_code() -> None:
    migrations = sorted(VERSIONS.glob("*.py"))
    assert len(migrations) >= 17
    wrong = {p.name: sorted(_jobagent_imports(p) - ALLOWED) for p in migrations if _jobagent_imports(p) - ALLOWED}
    assert wrong == {}


def test_the_allowance_imports_nothing_of_jobagent() -> None:
    assert _jobagent_imports(FULLTEXT) == set()


def test_the_check_sees_lazy_and_aliased_imports() -> None:
    source = ("def f():\n    from jobagent.postings.board import repost_key\n"
              "import jobagent.text as t\nfrom jobagent.store import fulltext, models\nimport hashlib\n")
    assert _jobagent_imports(source) == {"jobagent.postings.board", "jobagent.text", "jobagent.store.fulltext",
                                         "jobagent.store.models"}
