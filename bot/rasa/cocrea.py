"""What every Rasa action shares: one conversation loop over one content and one database.

Its own module, so the actions (actions.py) and the report form (report.py) both use it and neither
imports the other's module back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bot.conversation import Conversation
from bot.local_time import today_for
from bot.texts import ui_text
from flows.model import Content


@dataclass
class Cocrea:
    """What every action shares: one conversation loop over one content and one database."""

    conversation: Conversation
    sessions: Any  # async_sessionmaker
    content: Callable[[], Content]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # the conversation's clock too

    def today(self, secretariat: Any) -> date:
        """Today where `secretariat` is (bot/local_time.py), by this server's clock."""
        return today_for(secretariat, self.clock())

    def text(self, key: str, **params: Any) -> str:
        return ui_text(self.content(), key, **params)

    def rejected(self, key: str, **params: Any) -> str:
        """An answer's rejection in the kits' own words (ui.yaml `rejected`)."""
        return ui_text(self.content(), key, section="rejected", **params)
