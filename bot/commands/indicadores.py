"""/indicadores: every indicator of the secretariat, its next due date, late ones flagged ⚠."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import day, last_value
from bot.commands.registry import MEMBER, MEMBER_MENU, command
from flows.events import MessageOut
from flows.plan.progress import indicator_due, latest_progress, progress_bar
from flows.plan.schedule import next_due, overdue

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("indicadores", role=MEMBER, menu=MEMBER_MENU, menu_order=6)
async def indicadores(ctx: Context, inp: Command) -> None:
    secretariat = await ctx.secretariat()
    plan = await ctx.repos.plan.load(secretariat.id)
    indicators = plan.indicators if plan is not None else []
    if not indicators:
        ctx.say("indicators_none")
        return
    today = await ctx.today()
    lines = [ctx.text("indicators_header", secretariat=secretariat.name)]
    for commitment, view in indicators:
        due = indicator_due(view)
        reported = [r.period_due for r in view.reports]
        late = overdue(due, reported, today)
        upcoming = next_due(due, reported, today)
        if late:
            when = ctx.text("indicators_late", date=day(late[0]), count=len(late))
        elif upcoming is not None:
            when = ctx.text("indicators_next", date=day(upcoming))
        elif due:
            when = ctx.text("indicators_all_done")
        else:
            when = ctx.text("indicators_no_dates")
        lines.append(ctx.text(
            "indicators_line", flag="⚠ " if late else "", name=view.name, number=commitment.id,
            last=last_value(ctx, view), bar=progress_bar(latest_progress(view)), when=when,
        ))
    lines.append(ctx.text("indicators_footer"))
    ctx.send(MessageOut("\n".join(lines)))
