"""/reportar: report an indicator's value for its period due (content/flows/reportar.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import MEMBER, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("reportar", role=MEMBER, menu=MEMBER_MENU, menu_order=8)
async def reportar(ctx: Context, inp: Command) -> None:
    await ctx.resume_or_start("reportar")  # an unfinished report goes on where it was
