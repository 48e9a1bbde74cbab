"""/estado N <estado>: the coordinator moves a commitment along (implementation, concluded, cancelled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import example_number, find_commitment, parse_number, split_args, title_of
from bot.commands.registry import COORDINATOR, command
from flows.plan import LifecycleError, lifecycle

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command

# /estado moves to these; review and approval have their own commands (with their own checks).
ALLOWED = ("en_implementacion", "concluido", "cancelado", "borrador")
ELSEWHERE = {"en_revision": "revision", "aprobado": "aprobar"}


@command("estado", role=COORDINATOR)
async def estado(turn: HostTurn, inp: Command) -> None:
    word, rest = split_args(inp.args)
    if parse_number(word) is None or not rest.strip():
        if parse_number(word) is not None and await find_commitment(turn, word, "estado") is None:
            return  # a number that is not theirs: say so before explaining the command
        turn.say("status_usage", example=await example_number(turn))
        return
    commitment = await find_commitment(turn, word, "estado")
    if commitment is None:
        return
    wanted = lifecycle.parse_status(rest)
    if wanted in ELSEWHERE:
        turn.say("status_elsewhere", command=ELSEWHERE[wanted], number=commitment.id)
        return
    if wanted not in ALLOWED:
        turn.say("status_unknown", word=rest.strip())
        return
    before = commitment.status
    try:
        await turn.uow.plan.move(commitment, wanted, turn.person)
    except LifecycleError as exc:
        turn.say("plan_move_refused", reason=str(exc))
        return
    turn.say("status_changed", title=title_of(turn, commitment),
             before=lifecycle.label(before), after=lifecycle.label(wanted))
