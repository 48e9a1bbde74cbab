"""/progreso: one line per kit, its newest run: where they are and how far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from flows.events import MessageOut
from flows.state import ACTIVE, DONE, PAUSED, RunState

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

STATUS_TEXTS = {ACTIVE: "status_active", PAUSED: "status_paused", DONE: "status_done"}


@command("progreso", role=ANYONE, menu=MEMBER_MENU, menu_order=3)
async def progreso(ctx: Context, inp: Command) -> None:
    flows = ctx.content.flows
    runs = [r for r in await ctx.newest_first() if r.flow_id in flows and flows[r.flow_id].kind == "kit"]
    if not runs:
        ctx.say("progress_none")
        return
    lines = [ctx.text("progress_header")]
    seen: set[str] = set()
    for run in runs:  # one line per kit, its newest run
        if run.flow_id in seen:
            continue
        seen.add(run.flow_id)
        flow = flows[run.flow_id]
        questions = flow.question_ids
        state = RunState.from_json(run.state)
        n = questions.index(state.step_id) + 1 if state.step_id in questions else 0
        lines.append(ctx.text("progress_line", title=flow.title, status=ctx.text(STATUS_TEXTS[state.status]),
                               n=n, total=len(questions) if n and state.status != DONE else 0))
    ctx.send(MessageOut("\n".join(lines)))
