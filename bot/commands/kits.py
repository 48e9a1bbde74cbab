"""/kits: the menu of kits, reusing an open menu rather than piling menus up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from bot.flow_ids import MENU_FLOW
from flows.inputs import Begin

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("kits", role=ANYONE, menu=MEMBER_MENU, menu_order=1)
async def kits(ctx: Context, inp: Command) -> None:
    menu = await ctx.repos.runs.unfinished(ctx.person, MENU_FLOW)
    if menu is None:
        await ctx.start_flow(MENU_FLOW)
    else:
        await ctx.repos.runs.pause_others(ctx.person, menu)
        await ctx.step(menu, Begin(), fresh=True)
