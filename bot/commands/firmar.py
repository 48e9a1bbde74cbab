"""/firmar: a member's decision, for their sector, on a commitment in review (content/flows/firmar.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import MEMBER, command

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("firmar", role=MEMBER)
async def firmar(turn: Turn, inp: Command) -> None:
    await turn.resume_or_start("firmar")
