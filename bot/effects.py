"""What one update produced: the reply to the person who wrote, and typed effects for after the commit.

Messages for other people (a /difundir) are not here: they are outbox rows written in the
update's own transaction, sent by the dispatcher (bot/scheduler). An effect is something done once
the transaction is committed (and only then): slow drawing (a chart, an export) by the loop, in a
worker thread, so nobody else's turn waits for it; a person's menu refreshed, or nothing said to an
update already answered, by the channel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from flows.events import MessageOut


@dataclass(frozen=True)
class RefreshMenu:
    """The person's role changed (an invite made them coordinator): their channel shows them the
    commands they may use now (Telegram: their chat's command menu)."""

    person_key: str


@dataclass(frozen=True)
class Duplicate:
    """The update was handled before (the channel delivered it twice): nothing is sent again."""


@dataclass(frozen=True)
class Rendered:
    messages: list[MessageOut]
    content_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Render:
    """Slow drawing from plain values the turn loaded: run after the commit, outside the unit of
    work and off the event loop; its messages join the reply at `at` (where the turn left them)."""

    work: Callable[[], Rendered]
    at: int


Effect = RefreshMenu | Duplicate | Render


@dataclass
class Reply:
    """The messages to send to the person who wrote, after commit; the effects; content problems to log."""

    messages: list[MessageOut] = field(default_factory=list)
    content_errors: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)

    @property
    def duplicate(self) -> bool:
        return Duplicate() in self.effects

    def menus_to_refresh(self) -> list[str]:
        """The keys of the people whose menu changed."""
        return [e.person_key for e in self.effects if isinstance(e, RefreshMenu)]


async def render(reply: Reply) -> None:
    """Do the reply's Render effects, each in a worker thread; their messages join the reply."""
    renders = [e for e in reply.effects if isinstance(e, Render)]
    reply.effects = [e for e in reply.effects if not isinstance(e, Render)]
    for effect in sorted(renders, key=lambda e: e.at, reverse=True):  # later first: `at` stays right
        rendered = await asyncio.to_thread(effect.work)
        reply.messages[effect.at:effect.at] = rendered.messages
        reply.content_errors.extend(rendered.content_errors)
