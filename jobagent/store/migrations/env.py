"""Alembic environment: the URL comes from our settings (or the caller's config), never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jobagent.store.models import Base
from jobagent.store.session import get_engine

config = context.config
target_metadata = Base.metadata


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the full-text index (generated tsvector, FTS5 tables) to ``store/fulltext.py``: Alembic cannot
    describe them, and ``alembic check`` must stay clean."""
    from jobagent.store.fulltext import is_fulltext_object

    return not is_fulltext_object(name, type_)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        with get_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
            _run(conn)
