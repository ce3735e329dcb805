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


def test_marked_postings_are_rebuilt_once_by_the_upgrade(tmp_path: Path) -> None:
    """What 0013/0021 ask for (``search_title`` NULL) is done by ``upgrade`` with live code, once: a second
    upgrade finds nothing marked, and a harvested posting (never NULL) is left alone."""
    import sqlalchemy as sa

    from jobagent.store.migrate import rebuild_marked_postings, upgrade
    from tests.migration_stores import insert

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "postings", id="de-1", fingerprint="stale", source="feed:x", external_id="de-1",
               title="Mathematiklehrer (m/w/d)", company="Gymnasium Nord", language="de", search_title=None)
        insert(conn, "postings", id="en-1", fingerprint="kept", source="feed:x", external_id="en-1",
               title="Nurse", company="Clinic", language="en", search_title="as harvested")
    upgrade(url)  # already at head: only the rebuild has work
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, search_title FROM postings")).all())
        prints = dict(conn.execute(sa.text("SELECT id, fingerprint FROM postings")).all())
    engine.dispose()
    assert {"mathematik", "lehrer"} <= set(rows["de-1"].split())  # compound parts: the live indexer ran
    assert rows["en-1"] == "as harvested" and prints["en-1"] == "kept"
    assert prints["de-1"] != "stale"  # the key recomputed with the live normaliser
    assert rebuild_marked_postings(url) == 0
