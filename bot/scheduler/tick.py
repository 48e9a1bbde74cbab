"""One pass of the scheduler: plan (reminders and due digests), then send what is due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Address, Channels
from bot.scheduler.dispatcher import CATCH_UP, Clock, Dispatcher, DispatchStats
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.planner import PlanStats, plan_all
from flows.model import Content
from flows.reminders.config import RemindersConfig


@dataclass
class TickStats:
    plan: PlanStats
    sent: DispatchStats

    def summary(self) -> str:
        p, d = self.plan, self.sent
        return (f"recordatorios: {p.inserted} nuevos, {p.moved} movidos, {p.cancelled} cancelados; "
                f"{p.digests} resúmenes; enviados {d.sent}, reintentos {d.retried}, fallidos {d.failed + d.blocked}, "
                f"sin enviar por atraso {d.folded}, en espera del horario permitido {d.held}")


def sector_labels(content: Content | None) -> dict[str, str]:
    if content is None:
        return {}
    return {str(o.value): str(o.label) for o in content.catalogs.get("sectors", ())}


async def tick(
    sessions: async_sessionmaker[AsyncSession],
    config: RemindersConfig | None,
    channels: Channels,
    *,
    now: datetime,
    clock: Clock | None = None,
    limiter: RateLimiter | None = None,
    admins: frozenset[int] = frozenset(),
    labels: Mapping[str, str] | None = None,
    worker: str | None = None,
    only: Address | None = None,
    dispatch: bool = True,
) -> TickStats:
    """Plan as of `now`, then send what is due on `channels` (by `clock`, `now` when not given);
    with `only`, just what is due to that address. Without `dispatch` it only plans (a process that
    is not the reminders leader: planning is shared, sending is the leader's).

    Without reminder rules (`config` None) nothing is planned, but what is due (broadcasts) is sent."""
    plan = (await plan_all(sessions, config, now=now, sector_labels=labels, worker=worker)
            if config is not None else PlanStats())
    if not dispatch:
        return TickStats(plan, DispatchStats())
    dispatcher = Dispatcher(sessions, channels, clock=clock or (lambda: now), limiter=limiter, worker=worker,
                            catch_up=config.catch_up if config is not None else CATCH_UP, admins=admins,
                            only=only)
    return TickStats(plan, await dispatcher.run())
