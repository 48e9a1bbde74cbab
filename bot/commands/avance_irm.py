"""/avance_irm N <nivel>: the coordinator records the IRM completion level of an approved commitment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import commitment_and_word, title_of
from bot.commands.registry import COORDINATOR, command
from flows.plan import lifecycle

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command

# Completion is about carrying out what was approved: drafts and commitments in review have none.
MEASURED = ("aprobado", "en_implementacion", "concluido")


@command("avance_irm", role=COORDINATOR)
async def avance_irm(turn: Turn, inp: Command) -> None:
    found = await commitment_and_word(turn, inp.args, "avance_irm", "completion_usage")
    if found is None:
        return
    commitment, rest = found
    level = lifecycle.parse_completion(rest)
    if level is None:
        turn.say("completion_unknown", word=rest.strip())
        return
    if commitment.status not in MEASURED:
        turn.say("completion_not_yet", title=title_of(turn, commitment),
                 status=lifecycle.label(commitment.status))
        return
    await turn.uow.plan.set_completion(commitment, level, turn.person)
    turn.say("completion_changed", title=title_of(turn, commitment), level=lifecycle.IRM_LABELS[level])
