"""/invitar [miembro|coordinacion] [usos] [días]: a coordinator invites people to their secretariat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command
from bot.invites import ROLE_NAMES, BadRequest, link, make_invite, parse_request

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("invitar", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=1)
async def invitar(ctx: Context, inp: Command) -> None:
    try:
        request = parse_request(inp.args)
    except BadRequest as exc:
        ctx.say(exc.key, word=exc.word)
        return
    secretariat = await ctx.secretariat()
    try:
        _, code = await make_invite(ctx.repos, secretariat, request, created_by=ctx.person.id, now=ctx.now)
    except ValueError as exc:  # too many uses or days: the repository says which, in Spanish
        ctx.say("invite_bad_numbers", problem=str(exc))
        return
    params = {"secretariat": secretariat.name, "role": ROLE_NAMES[request.role], "uses": request.uses,
              "days": request.days}
    username = ctx.bot_username
    if username:
        ctx.say("invite_created", link=link(username, code), **params)
    else:
        ctx.say("invite_created_code", code=code, **params)
