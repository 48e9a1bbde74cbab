"""/kits: the menu of kits, reusing an open menu rather than piling menus up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from bot.flow_ids import MENU_FLOW
from flows.inputs import Begin

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("kits", role=ANYONE, menu=MEMBER_MENU, menu_order=1)
async def kits(turn: Turn, inp: Command) -> None:
    menu = await turn.uow.runs.unfinished(turn.person, MENU_FLOW)
    if menu is None:
        await turn.start_flow(MENU_FLOW)
    else:
        await turn.uow.runs.pause_others(turn.person, menu)
        await turn.step(menu, Begin(), fresh=True)
