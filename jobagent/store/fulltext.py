"""Full-text index DDL that Alembic cannot describe: a generated ``tsvector`` on PostgreSQL, FTS5 on SQLite.

Kept apart from the migration so a later migration that rebuilds ``postings`` on SQLite (``batch_alter_table``
copies the table, which drops its triggers) can call ``install_sqlite`` again, and so the autogenerate hook
in ``migrations/env.py`` knows which objects to leave alone.
"""

from __future__ import annotations

PG_COLUMN = "search_vector"
PG_INDEX = "ix_postings_search_vector"
# The title alone, in a narrow side table kept in step by a trigger: ranking 9,000 title matches read one
# 8 KB heap page per posting when the vector sat in the wide postings row (146 ms at 100,000 postings).
PG_TITLES_TABLE = "posting_titles"
PG_TITLE_INDEX = "ix_posting_titles_vector"
SQLITE_TABLE = "postings_fts"
# FTS5 shadow tables that appear in the schema next to the virtual table.
SQLITE_TABLES = frozenset({SQLITE_TABLE, *(f"{SQLITE_TABLE}_{s}" for s in ("data", "idx", "docsize", "config",
                                                                           "content"))})

PG_UP = [
    f"ALTER TABLE postings ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED",
    f"CREATE INDEX {PG_INDEX} ON postings USING GIN ({PG_COLUMN})",
    f"CREATE TABLE {PG_TITLES_TABLE} (posting_id varchar(36) PRIMARY KEY REFERENCES postings (id) "
    "ON DELETE CASCADE, title_vector tsvector NOT NULL, open boolean NOT NULL DEFAULT true)",
    f"CREATE INDEX {PG_TITLE_INDEX} ON {PG_TITLES_TABLE} USING GIN (title_vector)",
    "CREATE OR REPLACE FUNCTION postings_titles_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {PG_TITLES_TABLE} (posting_id, title_vector, open) VALUES "
    "(NEW.id, to_tsvector('english', coalesce(NEW.title, '')), NEW.closed_at IS NULL) "
    "ON CONFLICT (posting_id) DO UPDATE SET title_vector = EXCLUDED.title_vector, open = EXCLUDED.open; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER postings_titles_sync AFTER INSERT ON postings "
    "FOR EACH ROW EXECUTE FUNCTION postings_titles_sync()",
    # Only a real change: a harvest re-marks every seen posting open, and each upsert left a dead row.
    "CREATE TRIGGER postings_titles_sync_update AFTER UPDATE OF title, closed_at ON postings FOR EACH ROW "
    "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.closed_at IS DISTINCT FROM NEW.closed_at) "
    "EXECUTE FUNCTION postings_titles_sync()",
    f"INSERT INTO {PG_TITLES_TABLE} SELECT id, to_tsvector('english', coalesce(title, '')), closed_at IS NULL "
    "FROM postings",
]
PG_DOWN = ["DROP TRIGGER IF EXISTS postings_titles_sync_update ON postings",
           "DROP TRIGGER IF EXISTS postings_titles_sync ON postings", "DROP FUNCTION IF EXISTS postings_titles_sync()",
           f"DROP TABLE IF EXISTS {PG_TITLES_TABLE}",
           f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE postings DROP COLUMN IF EXISTS {PG_COLUMN}"]

# External-content FTS5 over the postings table's implicit rowid: the text is stored once (in postings),
# the triggers keep the index in step, and the porter stemmer lets "engineers" find "engineer".
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(title, description, content='postings', "
    "content_rowid='rowid', tokenize='porter unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS postings_fts_ai AFTER INSERT ON postings BEGIN "
    f"INSERT INTO {SQLITE_TABLE}(rowid, title, description) VALUES (new.rowid, new.title, new.description); END",
    f"CREATE TRIGGER IF NOT EXISTS postings_fts_ad AFTER DELETE ON postings BEGIN "
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, title, description) "
    "VALUES ('delete', old.rowid, old.title, old.description); END",
    f"CREATE TRIGGER IF NOT EXISTS postings_fts_au AFTER UPDATE OF title, description ON postings BEGIN "
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, title, description) "
    "VALUES ('delete', old.rowid, old.title, old.description); "
    f"INSERT INTO {SQLITE_TABLE}(rowid, title, description) VALUES (new.rowid, new.title, new.description); END",
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS postings_fts_ai", "DROP TRIGGER IF EXISTS postings_fts_ad",
               "DROP TRIGGER IF EXISTS postings_fts_au", f"DROP TABLE IF EXISTS {SQLITE_TABLE}"]


# Version 2 (migration 0013, issue 25): titles are indexed through ``postings.search_title``, which Python
# fills with folded words and their stems in the posting's language and English (``postings.indexing``), so
# the title index is the ``simple`` config on PostgreSQL and FTS5 over search_title on SQLite: the same words
# on both backends, in any script. The description stays on PostgreSQL's english vector.
_PG_SYNC_V2 = (
    "CREATE OR REPLACE FUNCTION postings_titles_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {PG_TITLES_TABLE} (posting_id, title_vector, open) VALUES "
    "(NEW.id, to_tsvector('simple', coalesce(NEW.search_title, NEW.title, '')), NEW.closed_at IS NULL) "
    "ON CONFLICT (posting_id) DO UPDATE SET title_vector = EXCLUDED.title_vector, open = EXCLUDED.open; "
    "RETURN NULL; END $$")
PG_UP_V2 = [
    _PG_SYNC_V2,
    "DROP TRIGGER IF EXISTS postings_titles_sync_update ON postings",
    "CREATE TRIGGER postings_titles_sync_update AFTER UPDATE OF title, search_title, closed_at ON postings "
    "FOR EACH ROW WHEN (OLD.search_title IS DISTINCT FROM NEW.search_title OR OLD.title IS DISTINCT FROM "
    "NEW.title OR OLD.closed_at IS DISTINCT FROM NEW.closed_at) EXECUTE FUNCTION postings_titles_sync()",
    f"UPDATE {PG_TITLES_TABLE} t SET title_vector = to_tsvector('simple', coalesce(p.search_title, p.title, '')) "
    "FROM postings p WHERE p.id = t.posting_id",
]
PG_DOWN_V2 = [PG_UP[4], "DROP TRIGGER IF EXISTS postings_titles_sync_update ON postings", PG_UP[6],
              f"UPDATE {PG_TITLES_TABLE} t SET title_vector = to_tsvector('english', coalesce(p.title, '')) "
              "FROM postings p WHERE p.id = t.posting_id"]


def _sqlite_fts(title: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5({title}, description, content='postings', "
        "content_rowid='rowid', tokenize='porter unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS postings_fts_ai AFTER INSERT ON postings BEGIN "
        f"INSERT INTO {SQLITE_TABLE}(rowid, {title}, description) VALUES (new.rowid, new.{title}, "
        "new.description); END",
        f"CREATE TRIGGER IF NOT EXISTS postings_fts_ad AFTER DELETE ON postings BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {title}, description) "
        f"VALUES ('delete', old.rowid, old.{title}, old.description); END",
        f"CREATE TRIGGER IF NOT EXISTS postings_fts_au AFTER UPDATE OF {title}, description ON postings BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {title}, description) "
        f"VALUES ('delete', old.rowid, old.{title}, old.description); "
        f"INSERT INTO {SQLITE_TABLE}(rowid, {title}, description) VALUES (new.rowid, new.{title}, "
        "new.description); END",
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')",
    ]


SQLITE_UP_V2 = [*SQLITE_DOWN, *_sqlite_fts("search_title")]
SQLITE_DOWN_V2 = [*SQLITE_DOWN, *_sqlite_fts("title")]


def statements(dialect: str, *, up: bool = True, version: int = 1) -> list[str]:
    """The DDL of one index version; each migration names its version, so later ones never rewrite it."""
    pg = (PG_UP, PG_DOWN) if version == 1 else (PG_UP_V2, PG_DOWN_V2)
    lite = (SQLITE_UP, SQLITE_DOWN) if version == 1 else (SQLITE_UP_V2, SQLITE_DOWN_V2)
    if dialect == "postgresql":
        return pg[0] if up else pg[1]
    if dialect == "sqlite":
        return lite[0] if up else lite[1]
    return []


def is_fulltext_object(name: str | None, type_: str, table_name: str | None = None) -> bool:
    """For Alembic's ``include_object``: the objects above are managed here, not by autogenerate."""
    if type_ == "table":
        return name in SQLITE_TABLES or name == PG_TITLES_TABLE
    if type_ == "column":
        return name == PG_COLUMN
    if type_ == "index":
        return name in (PG_INDEX, PG_TITLE_INDEX)
    return False
