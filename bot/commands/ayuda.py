"""/ayuda (or /help): what the bot can do; works before the privacy notice too. For people in
several secretariats it names the one they work in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("ayuda", role=ANYONE, menu=MEMBER_MENU, menu_order=10, aliases=("help",), before_consent=True)
async def ayuda(ctx: Context, inp: Command) -> None:
    ctx.say("help")
    mine = await ctx.repos.secretariats.of_person(ctx.person)
    if len(mine) > 1:  # only then: for everyone else /ayuda stays short
        acting = await ctx.secretariat()
        ctx.say("help_acting", secretariat=acting.name, count=len(mine))
