"""Deliveries to other chats (a /difundir), rate limited: at most one message per second to a
chat and PER_SECOND messages per second in all, well under Telegram's limits for bots."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from telegram.error import BadRequest

from bot.conversation import Delivery
from bot.telegram.buttons import ButtonCodes
from bot.telegram.render import render
from bot.telegram.sending import Pause, Sender

log = logging.getLogger(__name__)

PER_SECOND = 25.0
PER_CHAT_SECONDS = 1.0


class Throttle:
    """Waits before each send as long as the limits need; one per application, shared by all chats."""

    def __init__(self, pause: Pause, clock: Callable[[], float] = time.monotonic,
                 per_second: float = PER_SECOND, per_chat_seconds: float = PER_CHAT_SECONDS) -> None:
        self.pause, self.clock = pause, clock
        self.gap, self.chat_gap = 1.0 / per_second, per_chat_seconds
        self.last: float | None = None
        self.last_in: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        async with self._lock:
            now = self.clock()
            ready = max(self.last + self.gap if self.last is not None else now,
                        self.last_in[chat_id] + self.chat_gap if chat_id in self.last_in else now)
            if ready > now:
                await self.pause(ready - now)
                now = self.clock()
            self.last = self.last_in[chat_id] = max(now, ready)


async def deliver(sender: Sender, codes: ButtonCodes, throttle: Throttle, deliveries: Sequence[Delivery]) -> int:
    """Send each delivery; how many people got theirs."""
    sent = 0
    for delivery in deliveries:
        await throttle.wait(delivery.chat_id)
        try:
            if await sender.send(delivery.chat_id, render(delivery.message, codes)):
                sent += 1
        except BadRequest:  # e.g. a chat that never started the bot: the others still get theirs
            log.warning("could not deliver to chat %s", delivery.chat_id, exc_info=True)
    return sent
