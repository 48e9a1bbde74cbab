"""Telegram's limits for bots, kept by the sender: N messages a second overall, 1 a second per
chat, 20 a minute per group. The clock and the sleep are injectable, so tests never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

GROUP_WINDOW = 60.0


class RateLimiter:
    def __init__(
        self,
        per_second: float = 30.0,
        *,
        per_chat: float = 1.0,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.spacing, self.chat_spacing, self.group_per_minute = 1 / per_second, 1 / per_chat, group_per_minute
        self.clock, self.sleep = clock, sleep
        self._next_any = float("-inf")
        self._next_chat: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}

    def _ready_at(self, chat_id: int, now: float) -> float:
        ready = max(self._next_any, self._next_chat.get(chat_id, now))
        if chat_id < 0:  # groups and channels have negative ids
            recent = self._groups.setdefault(chat_id, deque())
            while recent and recent[0] <= now - GROUP_WINDOW:
                recent.popleft()
            if len(recent) >= self.group_per_minute:
                ready = max(ready, recent[0] + GROUP_WINDOW)
        return ready

    async def wait(self, chat_id: int) -> None:
        """Return when one more message to `chat_id` keeps every limit; counts it as sent."""
        while True:
            now = self.clock()
            ready = self._ready_at(chat_id, now)
            if ready <= now:
                break
            await self.sleep(ready - now)
        self._next_any = now + self.spacing
        self._next_chat[chat_id] = now + self.chat_spacing
        if chat_id < 0:
            self._groups[chat_id].append(now)
        if len(self._next_chat) > 10_000:  # forget chats whose pause is long over
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
