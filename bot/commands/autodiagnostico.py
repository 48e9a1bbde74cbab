"""/autodiagnostico: the self-diagnosis, resumed where it was left or started."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from bot.flow_ids import SELF_DIAGNOSIS_FLOW

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("autodiagnostico", role=ANYONE, menu=MEMBER_MENU, menu_order=4)
async def autodiagnostico(ctx: Context, inp: Command) -> None:
    await ctx.resume_or_start(SELF_DIAGNOSIS_FLOW)
