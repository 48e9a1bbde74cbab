"""/continuar: back to the kit they were on («/continuar 5»: that kit), or else their latest run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("continuar", role=ANYONE, menu=MEMBER_MENU, menu_order=2)
async def continuar(turn: Turn, inp: Command) -> None:
    kit = turn.kit_named(inp.args)
    if kit is not None:
        await turn.resume_or_start(kit)
        return
    latest = await turn.latest_kit_run() or await turn.uow.runs.latest_unfinished(turn.person)
    if latest is None:
        turn.say("no_run")
    else:
        await turn.resume(latest)
