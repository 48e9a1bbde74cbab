"""/vincular: a one-time code that links a Rasa conversation to the person's Telegram identity.

A Rasa sender id is whatever the Rasa channel says, so Cocrea never takes it for a Telegram person
(see bot/rasa/payloads.py). On Telegram, `/vincular` gives the person a short-lived, single-use code
(only its hash is kept, storage/repositories/rasa_links.py); writing `/vincular CODE` in the Rasa
assistant links that conversation to them (bot/rasa/linking.py). Elsewhere it explains where to ask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, command
from storage.repositories.people import telegram_id_of
from storage.repositories.rasa_links import CODE_MINUTES

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("vincular", role=ANYONE)
async def vincular(ctx: Context, inp: Command) -> None:
    if telegram_id_of(ctx.person.key) is None:  # the terminal: codes come only from Telegram
        ctx.say("link_only_on_telegram")
        return
    code = await ctx.repos.rasa_links.new_code(ctx.person, ctx.now)
    ctx.say("link_code", code=code, minutes=CODE_MINUTES)
