"""SQL that differs between SQLite and PostgreSQL, kept in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, bindparam, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from storage.errors import translate_errors


async def dialect_name(session: AsyncSession) -> str:
    return (await session.connection()).dialect.name


async def insert_or_ignore(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row.

    Two workers inserting the same key never fail: the second waits for the first to commit and
    then inserts nothing. Runs on the session's connection, not through the ORM (a third of the
    cost); pending ORM changes are flushed first, as the session would.
    """
    if session.new or session.dirty or session.deleted:
        await flush(session)
    connection = await session.connection()
    dialect = connection.dialect.name
    shape = (dialect, model, tuple(sorted(values)))
    statement = _INSERTS.get(shape)
    if statement is None:  # built once per shape: building costs more than running it on SQLite
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        key = inspect(model).primary_key[0]
        columns: dict[str, Any] = {name: bindparam(name) for name in shape[2]}
        statement = _INSERTS[shape] = insert(model).values(columns).on_conflict_do_nothing().returning(key)
    with translate_errors():
        result = await connection.execute(statement, values)
    return result.first() is not None


_INSERTS: dict[tuple[str, type[DeclarativeBase], tuple[str, ...]], Insert] = {}


async def flush(session: AsyncSession) -> None:
    """Flush now, so a conflict surfaces at the call that caused it."""
    with translate_errors():
        await session.flush()
