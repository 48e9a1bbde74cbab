"""One asyncio lock per chat: updates of different chats run concurrently, one chat's in order.

asyncio.Lock wakes its waiters first come, first served, and a handler takes the lock before
its first await, so updates of one chat are handled in the order the Application received them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ChatLocks:
    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # handlers holding or waiting, to forget idle chats

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._holders[chat_id] = self._holders.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[chat_id] -= 1
            if not self._holders[chat_id]:  # nobody waits: drop it, or the dict grows forever
                del self._holders[chat_id], self._locks[chat_id]

    def __len__(self) -> int:
        return len(self._locks)
