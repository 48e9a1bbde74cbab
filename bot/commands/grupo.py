"""/grupo: sent in the secretariat's Telegram group by a coordinator, makes it where digests go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command
from storage.models import AuditEntry

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("grupo", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=4, in_group=True)
async def grupo(turn: Turn, inp: Command) -> None:
    if turn.group_chat is None:  # a private chat: how to do it
        turn.say("group_private_howto")
        return
    secretariat = await turn.secretariat()
    previous = secretariat.group_chat_id
    if previous == turn.group_chat:
        turn.say("group_already", secretariat=secretariat.name)
        return
    secretariat.group_chat_id = turn.group_chat
    turn.uow.session.add(AuditEntry(secretariat_id=secretariat.id, person_id=turn.person.id,
                                    action="group_linked", detail={"replaced": previous is not None}))
    turn.say("group_moved" if previous is not None else "group_linked", secretariat=secretariat.name)
