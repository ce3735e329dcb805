"""Migration 0013 on both backends: stored keys recomputed with the Unicode normaliser, languages detected,
titles indexed, and the postings the old keys had dropped stored by the next harvest."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa

from jobagent.postings.dedup import posting_fingerprint, repost_key
from jobagent.postings.schema import PostingData
from jobagent.store.migrate import upgrade
from tests.migration_stores import insert, store_at
from tests.multilingual_corpus import script_postings


def _old_normalize(text: str) -> str:
    """The normaliser before 0013, verbatim in effect: ASCII letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _old_fingerprint(company: str, title: str, location: str) -> str:
    return hashlib.sha1("|".join(map(_old_normalize, (company, title, location))).encode()).hexdigest()


@pytest.fixture(params=["postgres", "sqlite"])
def store_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = store_at(request, tmp_path, "0008", "mig0013")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "user_profiles", id="p1", name="Alex", email="a@example.org")
        # The old keys merged every Russian title of one employer: only the first was ever stored.
        first = script_postings()[0]
        insert(conn, "postings", id="ru-0", fingerprint=_old_fingerprint(first["company"], first["title"],
                                                                          first["location"]),
                source="feed:x", external_id=first["id"], title=first["title"], company=first["company"],
                location=first["location"], description=first["description"])
        insert(conn, "postings", id="de-0", fingerprint=_old_fingerprint("Bäckerei Müller", "Bäckermeister",
                                                                          "Köln"),
                source="feed:x", external_id="de-0", title="Bäckermeister", company="Bäckerei Müller",
                location="Köln", description="Wir suchen einen Bäckermeister für unsere Backstube in Köln.")
        insert(conn, "board_entries", profile_id="p1", posting_id="ru-0", repost_key="stale", state="new")
    engine.dispose()
    return url


def test_0013_recomputes_keys_and_indexes_titles(store_at_0008: str, env, tmp_path: Path) -> None:
    upgrade(store_at_0008)
    engine = sa.create_engine(store_at_0008)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, fingerprint, language, search_title, company, title, location FROM postings"))}
        board_key = conn.execute(sa.text("SELECT repost_key FROM board_entries")).scalar_one()
    engine.dispose()
    ru = rows["ru-0"]
    assert ru.fingerprint == posting_fingerprint(PostingData(source="x", external_id="x", title=ru.title,
                                                             company=ru.company, location=ru.location))
    assert ru.language == "ru" and "программист" in ru.search_title.split()
    assert rows["de-0"].language == "de" and "backermeist" in rows["de-0"].search_title.split()
    assert board_key == repost_key(ru.company, ru.title)

    # The next harvest stores the Russian postings the old key had merged into the first one.
    from jobagent.postings.harvest import harvest_source
    from jobagent.postings.search import find_candidates
    from jobagent.store.models import Posting
    from jobagent.store.session import session_scope

    env(database_url=store_at_0008)
    feed = tmp_path / "ru.json"
    feed.write_text(json.dumps([p for p in script_postings() if p["id"].startswith("script-ru")]), encoding="utf-8")
    harvest_source(f"feed:{feed}")
    with session_scope() as s:
        stored = set(s.scalars(sa.select(Posting.title).where(Posting.company == ru.company)))
        found = find_candidates(s, "Программист", None, limit=20).posting_ids
    assert len(stored) == 8
    assert "ru-0" in found and len(found) == 2  # the migrated row is indexed under its new search title
