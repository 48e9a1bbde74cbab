"""Alembic environment: migrates over the same async engine (and SQLite pragmas) the bot uses.

Started by storage.migrate, which puts the URL in `config.attributes['url']`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import async_url, connect, make_engine
from storage.migrate import run_blocking
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No database URL: call storage.migrate.upgrade(url).")
    return str(url)


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        # Our SQLite connections BEGIN explicitly (storage.db), so its DDL is transactional too.
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    url = _url()
    engine = make_engine(url)
    try:
        connection = await connect(engine)
        try:
            await connection.run_sync(do_run_migrations)
        finally:
            await connection.close()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    context.configure(
        url=async_url(_url()),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_blocking(run_async_migrations)
