"""`cocrea db copy`: move an installation from one database to another (SQLite to PostgreSQL).

The target is migrated to the same revision and must be empty; rows are copied table by table
in foreign-key order inside one transaction, so a failed copy leaves the target as it was.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base

BATCH = 1000
MARKED_LAST = ("secretariat_planning",)


class CopyRefused(ValueError):
    """The copy cannot start; the message (Spanish) says why and what to do."""


def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every row from `source_url` into `target_url`; returns the rows copied per table."""
    from storage.migrate import run_blocking

    if source_url == target_url:
        raise CopyRefused("El origen y el destino son la misma base de datos.")
    if current_revision(source_url) != head_revision():
        raise CopyRefused("La base de origen no está al día: ejecuta primero `cocrea db upgrade`.")
    upgrade(target_url)
    return run_blocking(lambda: _copy(source_url, target_url))


async def _copy(source_url: str, target_url: str) -> dict[str, int]:
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        async with source.connect() as reading, target.begin() as writing:
            await _refuse_unless_empty(writing)
            copied = {}
            # The planning marks last, as they were: the triggers (migration 0010) wrote marks of their
            # own while the secretariats and their plans were copied.
            tables = sorted(Base.metadata.sorted_tables, key=lambda t: t.name in MARKED_LAST)
            for table in tables:
                if table.name in MARKED_LAST:
                    await writing.execute(table.delete())
                copied[table.name] = 0
                rows = await reading.stream(select(table))
                async for chunk in rows.partitions(BATCH):
                    await writing.execute(table.insert(), [dict(row._mapping) for row in chunk])
                    copied[table.name] += len(chunk)
            if writing.dialect.name == "postgresql":
                await _advance_sequences(writing)
            return copied
    finally:
        await source.dispose()
        await target.dispose()


async def _refuse_unless_empty(connection: AsyncConnection) -> None:
    for table in Base.metadata.sorted_tables:
        if await connection.scalar(select(func.count()).select_from(table)):
            raise CopyRefused(
                f"La base de destino ya tiene datos (tabla {table.name}); usa una base vacía."
            )


async def _advance_sequences(connection: AsyncConnection) -> None:
    """Copied ids were inserted explicitly: move each serial sequence past them."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        await connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ),
            {"table": table.name},
        )
