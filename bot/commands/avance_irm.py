"""/avance_irm N <nivel>: the coordinator records the IRM completion level of an approved commitment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import commitment_and_word, title_of
from bot.commands.registry import COORDINATOR, command
from flows.plan import lifecycle

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

# Completion is about carrying out what was approved: drafts and commitments in review have none.
MEASURED = ("aprobado", "en_implementacion", "concluido")


@command("avance_irm", role=COORDINATOR)
async def avance_irm(ctx: Context, inp: Command) -> None:
    found = await commitment_and_word(ctx, inp.args, "avance_irm", "completion_usage")
    if found is None:
        return
    commitment, rest = found
    level = lifecycle.parse_completion(rest)
    if level is None:
        ctx.say("completion_unknown", word=rest.strip())
        return
    if commitment.status not in MEASURED:
        ctx.say("completion_not_yet", title=title_of(ctx, commitment),
                 status=lifecycle.label(commitment.status))
        return
    await ctx.repos.plan.set_completion(commitment, level, ctx.person)
    ctx.say("completion_changed", title=title_of(ctx, commitment), level=lifecycle.IRM_LABELS[level])
