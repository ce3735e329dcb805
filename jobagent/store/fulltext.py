"""Full-text index DDL that Alembic cannot describe: a generated ``tsvector`` on PostgreSQL, FTS5 on SQLite.

Kept apart from the migration so a later migration that rebuilds ``postings`` on SQLite (``batch_alter_table``
copies the table, which drops its triggers) can call ``install_sqlite`` again, and so the autogenerate hook
in ``migrations/env.py`` knows which objects to leave alone.
"""

from __future__ import annotations

from typing import Any

PG_COLUMN = "search_vector"
PG_INDEX = "ix_postings_search_vector"
# The title alone, small enough to rank thousands of rows in a few milliseconds (search.py's first pass).
PG_TITLE_COLUMN = "title_vector"
PG_TITLE_INDEX = "ix_postings_title_vector"
SQLITE_TABLE = "postings_fts"
# FTS5 shadow tables that appear in the schema next to the virtual table.
SQLITE_TABLES = frozenset({SQLITE_TABLE, *(f"{SQLITE_TABLE}_{s}" for s in ("data", "idx", "docsize", "config",
                                                                           "content"))})

PG_UP = [
    f"ALTER TABLE postings ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED",
    f"CREATE INDEX {PG_INDEX} ON postings USING GIN ({PG_COLUMN})",
    f"ALTER TABLE postings ADD COLUMN {PG_TITLE_COLUMN} tsvector GENERATED ALWAYS AS ("
    "to_tsvector('english', coalesce(title, ''))) STORED",
    f"CREATE INDEX {PG_TITLE_INDEX} ON postings USING GIN ({PG_TITLE_COLUMN})",
]
PG_DOWN = [f"DROP INDEX IF EXISTS {PG_TITLE_INDEX}",
           f"ALTER TABLE postings DROP COLUMN IF EXISTS {PG_TITLE_COLUMN}",
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


def statements(dialect: str, *, up: bool = True) -> list[str]:
    if dialect == "postgresql":
        return PG_UP if up else PG_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    return []


def install_sqlite(conn: Any) -> None:
    """(Re)create the FTS5 table and triggers and rebuild the index: safe to run any number of times."""
    from sqlalchemy import text

    for sql in SQLITE_UP:
        conn.execute(text(sql))


def is_fulltext_object(name: str | None, type_: str, table_name: str | None = None) -> bool:
    """For Alembic's ``include_object``: the objects above are managed here, not by autogenerate."""
    if type_ == "table":
        return name in SQLITE_TABLES
    if type_ == "column":
        return name in (PG_COLUMN, PG_TITLE_COLUMN)
    if type_ == "index":
        return name in (PG_INDEX, PG_TITLE_INDEX)
    return False
