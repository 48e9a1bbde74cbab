"""/indicadores: every indicator of the secretariat, its next due date, late ones flagged ⚠."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import day, last_value, local_today
from bot.commands.registry import MEMBER, command
from flows.events import MessageOut
from flows.plan.progress import indicator_due, latest_progress, progress_bar
from flows.plan.schedule import next_due, overdue

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command


@command("indicadores", role=MEMBER)
async def indicadores(turn: HostTurn, inp: Command) -> None:
    secretariat = await turn.secretariat()
    plan = await turn.uow.plan.load(secretariat.id)
    indicators = plan.indicators if plan is not None else []
    if not indicators:
        turn.say("indicators_none")
        return
    today = await local_today(turn)
    lines = [turn.text("indicators_header", secretariat=secretariat.name)]
    for commitment, view in indicators:
        due = indicator_due(view)
        reported = [r.period_due for r in view.reports]
        late = overdue(due, reported, today)
        upcoming = next_due(due, reported, today)
        if late:
            when = turn.text("indicators_late", date=day(late[0]), count=len(late))
        elif upcoming is not None:
            when = turn.text("indicators_next", date=day(upcoming))
        elif due:
            when = turn.text("indicators_all_done")
        else:
            when = turn.text("indicators_no_dates")
        lines.append(turn.text(
            "indicators_line", flag="⚠ " if late else "", name=view.name, number=commitment.id,
            last=last_value(turn, view), bar=progress_bar(latest_progress(view)), when=when,
        ))
    lines.append(turn.text("indicators_footer"))
    turn.reply.messages.append(MessageOut("\n".join(lines)))
