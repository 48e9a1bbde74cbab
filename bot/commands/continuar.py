"""/continuar: back to the kit they were on («/continuar 5»: that kit), or else their latest run.

A kit run belongs to the secretariat it was started in: /continuar resumes those of the secretariat
the person acts in. When the only one is in another of their secretariats, they are told where it
is and how to switch (/secretariado), and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command
    from storage.models import FlowRun


@command("continuar", role=ANYONE, menu=MEMBER_MENU, menu_order=2)
async def continuar(ctx: Context, inp: Command) -> None:
    kit = ctx.kit_named(inp.args)
    here = await ctx.latest_kit_run(flow_id=kit)
    if here is None:
        elsewhere = await ctx.latest_kit_run(flow_id=kit, anywhere=True)
        if elsewhere is not None:
            await _elsewhere(ctx, elsewhere)
            return
    if kit is not None:
        await ctx.resume_or_start(kit)
        return
    latest = here or await ctx.repos.runs.latest_unfinished(ctx.person)
    if latest is None:
        ctx.say("no_run")
    else:
        await ctx.resume(latest)


async def _elsewhere(ctx: Context, run: FlowRun) -> None:
    acting = await ctx.secretariat()
    other = await ctx.repos.secretariats.get(run.secretariat_id) if run.secretariat_id else None
    ctx.say("kit_in_other_secretariat", title=ctx.content.flows[run.flow_id].title,
            other=other.name if other else "otro secretariado", secretariat=acting.name)
