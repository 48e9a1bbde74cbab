"""One rate limiter for replies and the outbox dispatcher, plugged into python-telegram-bot.

Replies go at once and are counted; the dispatcher's next message to that chat waits its second;
a RetryAfter pauses every message; a call inside a dispatcher's turn is not counted twice.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.scheduler.limiter import RateLimiter
from bot.telegram.limiting import SharedRateLimiter

os.environ.setdefault("PTB_TIMEDELTA", "1")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter() -> tuple[SharedRateLimiter, Clock]:
    clock = Clock()
    return SharedRateLimiter(RateLimiter(30, clock=clock, sleep=clock.sleep)), clock


async def send(plugged: SharedRateLimiter, chat: int, endpoint: str = "sendMessage") -> Any:
    async def call() -> bool:
        return True

    return await plugged.process_request(call, (), {}, endpoint, {"chat_id": chat, "text": "hola"}, None)


async def test_a_replys_messages_go_at_once_and_the_dispatcher_makes_room_for_them() -> None:
    plugged, clock = limiter()
    for _ in range(3):  # a reply of three messages: no second between them
        assert await send(plugged, 42) is True
    assert clock.now == 0.0
    assert plugged.limiter.chat_ready_in(("telegram", "42")) == pytest.approx(1.0)  # a reminder waits its second
    async with plugged.limiter.turn(("telegram", "42")):
        assert await send(plugged, 42) is True  # the dispatcher's own call: its turn, not a second one
    assert clock.now == pytest.approx(1.0)


async def test_a_groups_replies_keep_its_twenty_a_minute() -> None:
    plugged, clock = limiter()
    for _ in range(20):
        await send(plugged, -100)
    assert clock.now == 0.0
    await send(plugged, -100)  # the 21st waits for the minute
    assert clock.now == pytest.approx(60.0)


async def test_flood_control_pauses_every_message_and_other_calls_are_not_limited() -> None:
    plugged, clock = limiter()

    async def flooded() -> bool:
        raise RetryAfter(5)

    with pytest.raises(RetryAfter):  # the caller (Sender) decides to try again
        await plugged.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, None)
    await send(plugged, 1, "answerCallbackQuery")  # not a message: not held
    assert clock.now == 0.0
    await send(plugged, 2)  # another chat's reply waits out the pause
    assert clock.now == pytest.approx(5.0)
