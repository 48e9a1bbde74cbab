"""/estado N <estado>: the coordinator moves a commitment along (implementation, concluded, cancelled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import commitment_and_word, title_of
from bot.commands.registry import COORDINATOR, command
from flows.plan import LifecycleError, lifecycle

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

# /estado moves to these; review and approval have their own commands (with their own checks).
ALLOWED = ("en_implementacion", "concluido", "cancelado", "borrador")
ELSEWHERE = {"en_revision": "revision", "aprobado": "aprobar"}


@command("estado", role=COORDINATOR)
async def estado(ctx: Context, inp: Command) -> None:
    found = await commitment_and_word(ctx, inp.args, "estado", "status_usage")
    if found is None:
        return
    commitment, rest = found
    wanted = lifecycle.parse_status(rest)
    if wanted in ELSEWHERE:
        ctx.say("status_elsewhere", command=ELSEWHERE[wanted], number=commitment.id)
        return
    if wanted not in ALLOWED:
        ctx.say("status_unknown", word=rest.strip())
        return
    # With an amendment open, returning to draft is the amendment's (Plan.move).
    before = await ctx.repos.plan.stage(commitment) if wanted == "borrador" else commitment.status
    try:
        await ctx.repos.plan.move(commitment, wanted, ctx.person)
    except LifecycleError as exc:
        ctx.say("plan_move_refused", reason=str(exc))
        return
    ctx.say("status_changed", title=title_of(ctx, commitment),
             before=lifecycle.label(before), after=lifecycle.label(wanted))
