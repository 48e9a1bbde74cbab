"""/invitar [miembro|coordinacion] [usos] [días]: a coordinator invites people to their secretariat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command
from bot.invites import ROLE_NAMES, BadRequest, link, make_invite, parse_request

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("invitar", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=1)
async def invitar(turn: Turn, inp: Command) -> None:
    try:
        request = parse_request(inp.args)
    except BadRequest as exc:
        turn.say(exc.key, word=exc.word)
        return
    secretariat = await turn.secretariat()
    try:
        _, code = await make_invite(turn.uow, secretariat, request, created_by=turn.person.id, now=turn.now)
    except ValueError as exc:  # too many uses or days: the repository says which, in Spanish
        turn.say("invite_bad_numbers", problem=str(exc))
        return
    params = {"secretariat": secretariat.name, "role": ROLE_NAMES[request.role], "uses": request.uses,
              "days": request.days}
    username = turn.host.bot_username
    if username:
        turn.say("invite_created", link=link(username, code), **params)
    else:
        turn.say("invite_created_code", code=code, **params)
