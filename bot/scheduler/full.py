"""The planner as it was before planning cost only what changed: every secretariat, every pass.

Kept as the oracle of the incremental planner (bot/scheduler/planner.py `plan_all`): for the same
data and clock both must leave the same outbox rows (tests/bot/scheduler/test_incremental.py), and
as the "before" of `python -m bench planning`. It reads no planning marks and writes none.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler.planner import (
    PlanStats,
    digest_chats,
    digest_timing,
    draft_digest,
    plan_secretariat,
    render_chart,
    write_digest,
)
from flows.reminders.config import RemindersConfig
from storage import UnitOfWork
from storage.models import Secretariat

log = logging.getLogger(__name__)


async def plan_every(sessions: async_sessionmaker[AsyncSession], config: RemindersConfig, *, now: datetime,
                     sector_labels: Mapping[str, str] | None = None) -> PlanStats:
    """One planning pass over every secretariat: its reminders, then its digest, each in its own
    transaction; the counts are of what was committed."""
    stats = PlanStats()
    async with UnitOfWork(sessions, read_only=True) as uow:
        secretariats = await uow.outbox.secretariats()
    for secretariat in secretariats:
        for what in ("reminders", "the digest"):
            saved = PlanStats()
            try:
                async with UnitOfWork(sessions) as uow:
                    if what == "reminders":
                        await plan_secretariat(uow, secretariat, config, now=now, stats=saved)
                    else:
                        await plan_digest(uow, secretariat, config, now=now, stats=saved,
                                          sector_labels=sector_labels or {})
            except Exception:  # one secretariat's bad data must not stop the others' reminders
                log.exception("planning %s for secretariat %s failed", what, secretariat.id)
                continue
            stats.add(saved)
    return stats


async def plan_digest(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                      stats: PlanStats, sector_labels: Mapping[str, str]) -> None:
    """This week's digest to each coordinator and the group, once it is due (within quiet hours)."""
    digest, _ = digest_timing(secretariat, config, now)
    if digest is None or await uow.outbox.digest_planned(secretariat.id, digest[0]):
        return
    chats = await digest_chats(uow, secretariat)
    if not chats:
        return
    draft = await draft_digest(uow, secretariat, config, now=now, sector_labels=sector_labels)
    image = await render_chart(draft, secretariat.id)
    await write_digest(uow, secretariat, chats, digest[0], digest[1], draft.text, image, now=now, stats=stats)
