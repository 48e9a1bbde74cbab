"""Telegram's limits for bots, kept by the sender: N messages a second overall, 1 a second per
chat, 20 a minute per group. The clock and the sleep are injectable, so tests never wait.

Telegram counts messages as they reach it, and the network and a busy event loop move arrivals
by some milliseconds; so each limit is kept from what we know for sure, Telegram's answer:
- a chat's second, and a group's minute, run from the answer to its last message, not from its
  start: the next message to it arrives at least that long after the last one did;
- overall, a message starts only while fewer than N are in flight or were answered within the
  last second: then no second at the server sees more than N arrivals. Starts are also spaced
  1/N apart, so they come evenly rather than N at once.
On a slow network (round trip r) the most one can send is therefore N / (1 + r) a second.

At most `in_flight` messages are in flight at once, for everyone sharing the limiter (the workers
of one process share its HTTP connections too). 4 allow 4 / r messages a second, 30 up to a 130 ms
round trip; more cost CPU in httpx's connection pool (in `bench dispatch` 8 sent slower than 4 at
1,000/s).

Starts are reserved: a caller whose chat may send takes the next free start and sleeps until it,
so concurrent senders line up instead of all waking at once; a chat still in its pause reserves
nothing, and `chat_ready_in` lets a sender take another chat meanwhile.

Replies (`reply`) share the limiter in the bot process (bot/telegram/limiting.py) but are not
spaced: someone who just wrote gets their answer at once. They wait only for a pause Telegram
asked for (RetryAfter) and for a group's full minute, and they count like any message: the
dispatcher's next message to that chat, and overall, makes room for them.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Any

GROUP_WINDOW = 60.0
WINDOW = 1.0
IN_FLIGHT = 4
Chat = Hashable  # an address ('telegram', '-100…') or a Bot API chat id
# Set while a `turn` is held: the calls made inside it (a message's parts) are that one turn.
IN_TURN: contextvars.ContextVar[bool] = contextvars.ContextVar("in_turn", default=False)


def is_group(chat: Chat) -> bool:
    """Groups and channels have negative ids on Telegram; they get 20 messages a minute."""
    if isinstance(chat, tuple) and len(chat) == 2:
        channel, address = chat
        return channel == "telegram" and str(address).startswith("-")
    return isinstance(chat, int) and chat < 0


class RateLimiter:
    def __init__(
        self,
        per_second: float = 30.0,
        *,
        per_chat: float = 1.0,
        group_per_minute: int = 20,
        in_flight: int = IN_FLIGHT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second, self.spacing, self.chat_spacing = per_second, 1 / per_second, 1 / per_chat
        self.group_per_minute, self.in_flight = group_per_minute, max(1, in_flight)
        self.clock, self.sleep = clock, sleep
        self._next_start = self._paused_until = float("-inf")
        self._next_chat: dict[Chat, float] = {}
        self._groups: dict[Chat, deque[float]] = {}  # a group's answers within the last minute
        self._in_flight = 0  # started (or with a start reserved) and not answered yet
        self._answered: deque[float] = deque()  # answers within the last second
        self._answer = asyncio.Event()
        self._window = asyncio.Lock()  # one caller at a time waits for room

    @asynccontextmanager
    async def turn(self, chat_id: Chat) -> AsyncIterator[None]:
        """Send one message to `chat_id` inside: entered when it keeps every limit, left when
        Telegram answered (or the send failed)."""
        await self._start(chat_id)
        held = IN_TURN.set(True)
        try:
            yield
        finally:
            IN_TURN.reset(held)
            self._answered_now(chat_id)

    @asynccontextmanager
    async def reply(self, chat_id: Chat) -> AsyncIterator[None]:
        """Send one reply to `chat_id` inside: at once, unless Telegram asked for a pause or the
        group had its 20 messages this minute; counted like any message."""
        while True:
            now = self.clock()
            wait = self._paused_until - now
            if is_group(chat_id):
                recent = self._groups.setdefault(chat_id, deque())
                while recent and recent[0] + GROUP_WINDOW <= now:
                    recent.popleft()
                if len(recent) >= self.group_per_minute:
                    wait = max(wait, recent[0] + GROUP_WINDOW - now)
            if wait <= 0:
                break
            await self.sleep(wait)
        self._in_flight += 1
        try:
            yield
        finally:
            self._answered_now(chat_id)

    def chat_ready_in(self, chat_id: Chat) -> float:
        """Seconds until `chat_id` may get one more message (0: now), the overall limit aside."""
        now = self.clock()
        ready = self._next_chat.get(chat_id, now)
        if is_group(chat_id):
            recent = self._groups.setdefault(chat_id, deque())
            while recent and recent[0] + GROUP_WINDOW <= now:  # the same sum as below: no rounding gap
                recent.popleft()
            if len(recent) >= self.group_per_minute:
                ready = max(ready, recent[0] + GROUP_WINDOW)
        return max(0.0, ready - now)

    def pause(self, seconds: float) -> None:
        """Telegram asked the bot to wait (flood control): no message starts before `seconds` from now
        (those already in flight cannot be called back)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._next_start = max(self._next_start, self._paused_until)

    async def _start(self, chat_id: Chat) -> None:
        while True:
            while (pause := self.chat_ready_in(chat_id)) > 0:
                await self.sleep(pause)
            async with self._window:
                await self._room()
                if self.chat_ready_in(chat_id) > 0:
                    continue  # another caller took this chat's turn meanwhile
                now = self.clock()
                start = self._reserve(chat_id, now)
            if start > now:
                await self.sleep(start - now)
            if start >= self._paused_until:
                return
            # Telegram asked for a pause after this start was reserved: not now, after the pause.
            self._in_flight -= 1
            self._answer.set()

    async def _room(self) -> None:
        """Wait until one more message keeps both the in-flight bound and the one-second window."""
        while True:
            now = self.clock()
            while self._answered and self._answered[0] + WINDOW <= now:
                self._answered.popleft()
            if self._in_flight >= self.in_flight or (
                    not self._answered and self._in_flight >= self.per_second):
                self._answer.clear()  # wait for an answer
                await self._answer.wait()
            elif self._in_flight + len(self._answered) >= self.per_second:
                await self.sleep(self._answered[0] + WINDOW - now)
            else:
                return

    def _reserve(self, chat_id: Chat, now: float) -> float:
        """The next free start, counted as a message to `chat_id` in flight from then on."""
        start = max(now, self._next_start)
        self._next_start = start + self.spacing
        self._next_chat[chat_id] = start + self.chat_spacing  # until it is answered
        self._in_flight += 1
        if len(self._next_chat) > 10_000:  # forget chats whose pause is long over
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        return start

    def _answered_now(self, chat_id: Chat) -> None:
        now = self.clock()
        self._in_flight -= 1
        self._answered.append(now)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, now), now + self.chat_spacing)
        if is_group(chat_id):
            self._groups.setdefault(chat_id, deque()).append(now)
        self._answer.set()
