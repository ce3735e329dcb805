"""Migration 0021 on both backends: titles stored before compound splitting are re-indexed, so a posting
harvested before the upgrade is found by the parts of its compound ("Lehrer Mathematik")."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from jobagent.store.migrate import upgrade
from tests.migration_stores import insert, store_at


@pytest.fixture(params=["postgres", "sqlite"])
def store_at_0015(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = store_at(request, tmp_path, "0015", "mig0021")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # search titles as 0013-0015 wrote them: words and stems, no parts
        insert(conn, "postings", id="de-1", fingerprint="f1", source="feed:x", external_id="de-1",
               title="Mathematiklehrer (m/w/d)", company="Gymnasium Nord", language="de",
               search_title="mathematiklehrer mathematiklehr m w d", description="Unterricht in Mathematik.")
        insert(conn, "postings", id="de-2", fingerprint="f2", source="feed:x", external_id="de-2",
               title="Bäckermeister", company="Bäckerei Süd", language="de",
               search_title="backermeister backermeist", description="Backstube.")
    engine.dispose()
    return url


def test_0021_indexes_the_parts_of_stored_compounds(store_at_0015: str, env) -> None:
    from jobagent.postings.search import find_candidates
    from jobagent.store.session import session_scope

    env(database_url=store_at_0015)
    with session_scope() as s:
        assert find_candidates(s, "Lehrer Mathematik", None, limit=10).posting_ids == []
    upgrade(store_at_0015)
    with session_scope() as s:
        assert find_candidates(s, "Lehrer Mathematik", None, limit=10).posting_ids == ["de-1"]
        assert find_candidates(s, "Meister", None, limit=10).posting_ids == ["de-2"]
        assert find_candidates(s, "Backend", None, limit=10).posting_ids == []
