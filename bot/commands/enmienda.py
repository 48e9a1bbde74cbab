"""/enmienda N motivo: coordination opens an amendment of an approved commitment; its signed text can then
be edited, sent to review (/revision N), signed (/firmar) and approved (/aprobar N) like the original."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import find_commitment, split_args, title_of
from bot.commands.registry import COORDINATOR, command
from flows.answers.plain import flat
from storage.errors import PlanError

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("enmienda", role=COORDINATOR)
async def enmienda(ctx: Context, inp: Command) -> None:
    word, reason = split_args(inp.args)
    commitment = await find_commitment(ctx, word, "enmienda")
    if commitment is None:
        return
    try:
        amendment = await ctx.repos.plan.open_amendment(commitment, reason, ctx.person)
    except PlanError as refused:
        ctx.say(refused.key, **refused.params)
        return
    approved = await ctx.repos.plan.versions.approved(commitment.id)
    ctx.say("amendment_opened", title=title_of(ctx, commitment), number=commitment.id, amendment=amendment.number,
            reason=flat(amendment.reason), version=approved.number if approved is not None else "—")
