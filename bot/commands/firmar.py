"""/firmar: a member's decision, for their sector, on a commitment in review (content/flows/firmar.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import MEMBER, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("firmar", role=MEMBER)
async def firmar(ctx: Context, inp: Command) -> None:
    await ctx.resume_or_start("firmar")
