"""/continuar: back to the kit they were on («/continuar 5»: that kit), or else their latest run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("continuar", role=ANYONE, menu=MEMBER_MENU, menu_order=2)
async def continuar(ctx: Context, inp: Command) -> None:
    kit = ctx.kit_named(inp.args)
    if kit is not None:
        await ctx.resume_or_start(kit)
        return
    latest = await ctx.latest_kit_run() or await ctx.repos.runs.latest_unfinished(ctx.person)
    if latest is None:
        ctx.say("no_run")
    else:
        await ctx.resume(latest)
