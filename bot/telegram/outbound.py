"""The Telegram channel's side of the contract (bot/channel.py): messages to an address, unprompted.

Rendering and splitting are the replies' own (render.py: HTML, UTF-16 units, photos and documents),
and the Bot API calls are `Sender`'s: one way out for everything the bot says on Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.channel import CAN_SEND
from bot.telegram.buttons import ButtonCodes
from bot.telegram.render import render
from bot.telegram.sending import Sender
from flows.events import MessageOut

NAME = "telegram"


class TelegramOut:
    name = NAME
    unprompted = CAN_SEND[NAME]

    def __init__(self, sender: Sender, codes: ButtonCodes | None = None) -> None:
        self.sender, self.codes = sender, codes or ButtonCodes()

    async def send(self, address: str, messages: Sequence[MessageOut]) -> None:
        """`address` is a chat id: a person's (their user id) or a group's (negative)."""
        outgoing = [part for message in messages for part in render(message, self.codes)]
        await self.sender.deliver(int(address), outgoing)
