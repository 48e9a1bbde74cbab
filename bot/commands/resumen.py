"""/resumen: the coordinators' digest of their secretariat, now, on demand (COORDINATOR).

The same text and chart as the weekly digest (bot/scheduler/planner.py), computed at this moment;
nothing is written to the outbox, so the scheduled digest still goes out as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command
from bot.scheduler.planner import build_digest
from bot.scheduler.tick import sector_labels
from flows.events import Attachment, MessageOut
from flows.reminders.config import load_reminders

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("resumen", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=2)
async def resumen(ctx: Context, inp: Command) -> None:
    config, _ = load_reminders(Path(ctx.content.directory))
    secretariat = await ctx.secretariat()
    if config is None or secretariat is None:
        ctx.say("digest_unavailable")
        return
    text, chart = await build_digest(ctx.repos, secretariat, config, now=ctx.now,
                                     sector_labels=sector_labels(ctx.content))
    ctx.send(MessageOut(text))
    if chart is not None:
        ctx.send(MessageOut("", attachment=Attachment("resumen.png", chart, "photo",
                                                                        ctx.text("digest_chart_caption"))))
