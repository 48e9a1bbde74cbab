"""What one update produced: the reply to the person who wrote, and typed effects for after the commit.

Messages for other people (a /difundir) are not here: they are outbox rows written in the
update's own transaction, sent by the dispatcher (bot/scheduler). An effect is something the
channel does once the transaction is committed (and only then): refresh a person's menu, say
nothing to an update already answered.
"""

from __future__ import annotations

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


Effect = RefreshMenu | Duplicate


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
