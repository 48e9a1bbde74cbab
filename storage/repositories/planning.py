"""Which secretariats need their reminders planned, claimed by one process at a time.

A secretariat needs planning when it is `dirty` (something its reminders are made of changed),
when its `plan_at` has come (a reminder enters the planning horizon, a digest falls due), or
when the reminder rules or their texts changed, or a pass plans at an earlier clock than one before
(`cocrea reminders tick --now` tried a later date): then `rules` makes every secretariat dirty again.

Why triggers mark, not the repositories: the mark must be written in the same transaction as the
change, by every path that writes (the bot, the terminal, Rasa actions, the command line, an
erasure, an operator's SQL, and paths not written yet). A database trigger (migration 0010) cannot
be forgotten by a new repository method or a bulk UPDATE, and costs one indexed UPDATE of one row
per change; marks in the repositories would need every writer to remember them. The price: the
list of what feeds a reminder lives in the migration, and a SQLite migration that copies a table
(batch mode) must create its triggers again (tests/storage/test_planning_marks.py checks they exist).

Claiming: a claim is committed with a lease (`lease_until`); a process that dies mid-plan leaves
its claim to expire, and its plan, each secretariat in one transaction, is wholly there or not at
all. The version read at the claim is compared when the plan is done: a change committed while it
was being planned leaves the secretariat dirty, so it is planned again. PostgreSQL takes claims
with FOR UPDATE SKIP LOCKED, so processes take disjoint secretariats without waiting.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import translate_errors
from storage.models import PlanningRules, SecretariatPlanning
from storage.repositories._sql import dialect_name, insert_or_ignore

Claimed = tuple[int, int]  # (secretariat id, its version when claimed)
CLOCK_SLACK = timedelta(minutes=5)  # processes' clocks differ a little: that is not a clock gone back
CLOCK_STEP = timedelta(minutes=10)  # the recorded clock is moved on at most this often


class Planning:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _write(self, statement: Any) -> int:
        """An UPDATE; how many rows it changed."""
        with translate_errors():
            result = await self._session.execute(statement.execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    async def rules(self, content_key: str, *, now: datetime) -> bool:
        """Record the rules planning uses now, and its clock; True (and every secretariat dirty) when
        the rules changed or the clock went back (what was planned for a later moment is planned again)."""
        with translate_errors():
            known = (await self._session.execute(select(PlanningRules.content_key, PlanningRules.clock)
                                                 .where(PlanningRules.id == 1))).first()
            if known is not None and known.content_key == content_key and known.clock is not None \
                    and known.clock - CLOCK_SLACK <= now <= known.clock + CLOCK_STEP:
                return False
            if known is None:  # the first pass ever: two processes may both get here
                await insert_or_ignore(self._session, PlanningRules, {"id": 1, "content_key": ""})
            # Locked and asked again: of two processes with the same new rules, one marks everything.
            row = await self._session.get(PlanningRules, 1, with_for_update=True, populate_existing=True)
            assert row is not None
            went_back = row.clock is not None and now < row.clock - CLOCK_SLACK
            changed = row.content_key != content_key or went_back
            row.content_key = content_key
            row.clock = now if row.clock is None or went_back else max(row.clock, now)
            if changed:
                await self._session.execute(update(SecretariatPlanning).values(dirty=True)
                                            .execution_options(synchronize_session=False))
            await self._session.flush()
        return changed

    async def claim(self, worker: str, *, now: datetime, lease: timedelta, limit: int,
                    skip: Collection[int] = ()) -> list[Claimed]:
        """Up to `limit` secretariats due for planning, no one else's (or whose lease ran out), leased to
        `worker`; `skip`: ones this pass already planned (or tried to): the next pass takes them again."""
        free = or_(SecretariatPlanning.lease_until.is_(None), SecretariatPlanning.lease_until < now)
        columns = select(SecretariatPlanning.secretariat_id, SecretariatPlanning.version).where(free)
        if skip:
            columns = columns.where(SecretariatPlanning.secretariat_id.not_in(sorted(skip)))
        # Two statements, each on its own index, so that what is read is what is due, however many
        # secretariats there are: the dirty ones (a partial index), then those whose time came.
        dirty = columns.where(SecretariatPlanning.dirty).order_by(SecretariatPlanning.secretariat_id)
        timed = columns.where(SecretariatPlanning.plan_at <= now).order_by(SecretariatPlanning.plan_at)
        if await dialect_name(self._session) == "postgresql":
            dirty, timed = dirty.with_for_update(skip_locked=True), timed.with_for_update(skip_locked=True)
        with translate_errors():
            found = [(int(sid), int(v)) for sid, v in (await self._session.execute(dirty.limit(limit))).all()]
            if len(found) < limit:
                taken = {sid for sid, _ in found}
                more = await self._session.execute(timed.limit(limit - len(found) + len(taken)))
                found += [(int(sid), int(v)) for sid, v in more.all() if sid not in taken][:limit - len(found)]
            if found:
                await self._session.execute(update(SecretariatPlanning).where(
                    SecretariatPlanning.secretariat_id.in_([sid for sid, _ in found]),
                ).values(claimed_by=worker, lease_until=now + lease).execution_options(synchronize_session=False))
        return found

    async def done(self, secretariat_id: int, worker: str, *, version: int, plan_at: datetime | None) -> bool:
        """Planned as of `version`: clean unless it changed since, next due at `plan_at`; the claim ends.
        False when the claim was no longer ours (our lease ran out and someone else took it)."""
        return bool(await self._write(update(SecretariatPlanning).where(
            SecretariatPlanning.secretariat_id == secretariat_id, SecretariatPlanning.claimed_by == worker,
        ).values(dirty=SecretariatPlanning.version != version, plan_at=plan_at, claimed_by=None, lease_until=None)))

    async def release(self, secretariat_id: int, worker: str) -> None:
        """Planning it failed: the claim ends, it stays due (the next pass tries again)."""
        with translate_errors():
            await self._session.execute(update(SecretariatPlanning).where(
                SecretariatPlanning.secretariat_id == secretariat_id, SecretariatPlanning.claimed_by == worker,
            ).values(claimed_by=None, lease_until=None).execution_options(synchronize_session=False))

    async def claimers(self, *, now: datetime) -> set[str]:
        """The workers holding a live claim."""
        with translate_errors():
            found = await self._session.scalars(select(SecretariatPlanning.claimed_by).distinct().where(
                SecretariatPlanning.lease_until >= now))
        return {name for name in found if name}

    async def release_worker(self, worker: str) -> int:
        """Every claim of `worker` (known dead) ends: what it held is due for anyone now."""
        return await self._write(update(SecretariatPlanning).where(
            SecretariatPlanning.claimed_by == worker).values(claimed_by=None, lease_until=None))

    async def pending(self, *, now: datetime) -> int:
        """How many secretariats are due for planning (for tests and the bench)."""
        due = or_(SecretariatPlanning.dirty.is_(True), SecretariatPlanning.plan_at <= now)
        return int(await self._session.scalar(select(func.count()).select_from(SecretariatPlanning).where(due)) or 0)
