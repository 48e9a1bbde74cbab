"""/revision N: the coordinator sends a ready commitment to review; what is missing is listed instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import find_commitment, sectors_text, split_args, title_of
from bot.commands.registry import COORDINATOR, command
from flows.events import MessageOut
from flows.plan import LifecycleError, lifecycle, readiness

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command


@command("revision", role=COORDINATOR)
async def revision(turn: HostTurn, inp: Command) -> None:
    word, _ = split_args(inp.args)
    commitment = await find_commitment(turn, word, "revision")
    if commitment is None:
        return
    title = title_of(turn, commitment)
    if commitment.status != "borrador":
        try:
            lifecycle.move(commitment.status, "en_revision")
        except LifecycleError as exc:
            turn.say("plan_move_refused", reason=str(exc))
            return
    view, milestones, indicators, _ = await turn.uow.plan.view(commitment)
    result = readiness.check(view, milestones, indicators)
    if result.missing:
        lines = [turn.text("review_missing", title=title)]
        lines += [turn.text("card_missing_line", item=item) for item in result.missing]
        lines.append(turn.text("review_missing_end", number=commitment.id))
        turn.reply.messages.append(MessageOut("\n".join(lines)))
        return
    await turn.uow.plan.move(commitment, "en_revision", turn.person)
    secretariat = await turn.secretariat()
    turn.say("review_sent", title=title, number=commitment.id,
             sectors=sectors_text(turn, lifecycle.required_sectors(secretariat.signoff_sectors)),
             completeness=result.completeness)
