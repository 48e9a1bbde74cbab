"""SQL that differs between SQLite and PostgreSQL, kept in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
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
    then inserts nothing.
    """
    insert = postgresql.insert if await dialect_name(session) == "postgresql" else sqlite.insert
    key = inspect(model).primary_key[0]
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(key)
    with translate_errors():
        result = await session.execute(statement)
    return result.first() is not None


async def flush(session: AsyncSession) -> None:
    """Flush now, so a conflict surfaces at the call that caused it."""
    with translate_errors():
        await session.flush()
