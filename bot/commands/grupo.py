"""/grupo: sent in the secretariat's Telegram group by a coordinator, makes it where digests go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("grupo", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=4, in_group=True)
async def grupo(ctx: Context, inp: Command) -> None:
    if ctx.group_chat is None:  # a private chat: how to do it
        ctx.say("group_private_howto")
        return
    secretariat = await ctx.secretariat()
    previous = secretariat.group_chat_id
    if previous == ctx.group_chat:
        ctx.say("group_already", secretariat=secretariat.name)
        return
    secretariat.group_chat_id = ctx.group_chat
    ctx.repos.audit.add("group_linked", secretariat_id=secretariat.id, person_id=ctx.person.id,
                        detail={"replaced": previous is not None})
    ctx.say("group_moved" if previous is not None else "group_linked", secretariat=secretariat.name)
