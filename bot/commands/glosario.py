"""/glosario [término]: a term explained, or the terms there are; works before the privacy notice too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("glosario", role=ANYONE, menu=MEMBER_MENU, menu_order=9, before_consent=True)
async def glosario(ctx: Context, inp: Command) -> None:
    ctx.glossary("glosario " + inp.args, always=True)
