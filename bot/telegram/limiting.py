"""The bot's one rate limiter, plugged into python-telegram-bot (`ApplicationBuilder.rate_limiter`).

python-telegram-bot hands every Bot API call to `process_request` (telegram.ext.BaseRateLimiter).
Messages (sendMessage, sendPhoto, sendDocument…) to a chat go through the shared RateLimiter
(bot/scheduler/limiter.py), which the outbox dispatcher of the same process uses too: replies go at
once but are counted, so reminders, digests and broadcasts make room for them; a RetryAfter pauses
everyone. A call made inside a dispatcher's turn is already counted (limiter.IN_TURN). Other calls
(answers to taps, edits, "escribiendo…", getMe) are not messages and are not limited.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.scheduler.limiter import IN_TURN, RateLimiter
from bot.telegram.sending import seconds_of

MESSAGES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "sendAudio", "sendVideo",
                      "sendVoice", "sendVideoNote", "sendSticker", "sendMediaGroup", "sendLocation", "sendContact",
                      "sendPoll", "sendDice", "copyMessage", "forwardMessage"})


class SharedRateLimiter(BaseRateLimiter[None]):
    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        if endpoint not in MESSAGES or chat is None or IN_TURN.get():
            return await callback(*args, **kwargs)
        async with self.limiter.reply(("telegram", str(chat))):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:  # everyone waits; the caller decides whether to try again
                self.limiter.pause(seconds_of(exc))
                raise
