"""A Telegram channel for scheduler tests: each outbox row handed to a plain `send(chat_id, text, image)`.

The fakes of these tests record (chat id, text, image) per row and raise python-telegram-bot's
errors; the channel contract (bot/channel.py) turns those into Unreachable and SlowDown exactly as
the real Telegram channel does (bot/telegram/sending.py `as_channel_faults`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.channel import Channels
from bot.telegram.sending import as_channel_faults
from flows.events import MessageOut

Send = Callable[[int, str, bytes | None], Awaitable[None]]


class FakeTelegram:
    name = "telegram"
    unprompted = True

    def __init__(self, send: Send) -> None:
        self._send = send

    async def send(self, address: str, messages: Sequence[MessageOut]) -> None:
        with as_channel_faults():
            for message in messages:
                image = message.attachment.data if message.attachment is not None else None
                await self._send(int(address), message.text, image)


def fake_telegram(send: Send) -> Channels:
    return Channels([FakeTelegram(send)])
