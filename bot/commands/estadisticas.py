"""/estadisticas (admins): per secretariat, active members, kits started and finished, commitments by status."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.commands.registry import ADMIN, command
from flows.events import MessageOut
from storage.models import COMMITMENT_STATUSES

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

ACTIVE_DAYS = 30  # "active": moved in some flow within this many days
LABELS = {"en_revision": "en revisión", "en_implementacion": "en implementación"}


def statuses(ctx: Context, counts: Counter[str]) -> str:
    order = [s for s in COMMITMENT_STATUSES if counts[s]] + sorted(s for s in counts if s not in COMMITMENT_STATUSES)
    parts = [f"{counts[s]} {LABELS.get(s, s.replace('_', ' '))}" for s in order if counts[s]]
    return ", ".join(parts) or ctx.text("stats_none")


@command("estadisticas", role=ADMIN)
async def estadisticas(ctx: Context, inp: Command) -> None:
    kit_ids = [f.id for f in ctx.content.kits()]
    rows, total = await ctx.repos.stats.figures(kit_ids, ctx.now - timedelta(days=ACTIVE_DAYS))
    if not rows:
        ctx.say("stats_empty")
        return
    lines = [ctx.text("stats_header", days=ACTIVE_DAYS)]
    for row in rows:
        lines.append(ctx.text("stats_line", id=row.secretariat_id, name=row.name, members=row.members,
                               active=row.active, started=row.kits_started, finished=row.kits_finished,
                               commitments=statuses(ctx, row.commitments)))
    lines.append(ctx.text("stats_total", members=total.members, active=total.active, started=total.kits_started,
                           finished=total.kits_finished, commitments=statuses(ctx, total.commitments)))
    ctx.send(MessageOut("\n".join(lines)))
