"""What one update produced: the reply to the person who wrote, and what happens after the commit.

Messages for other people (a /difundir) are not here: they are outbox rows written in the
update's own transaction, sent by the dispatcher (bot/scheduler).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.events import MessageOut


@dataclass
class Reply:
    """The messages to send after commit, and content problems to log."""

    messages: list[MessageOut] = field(default_factory=list)
    content_errors: list[str] = field(default_factory=list)
    duplicate: bool = False
    commands_changed: bool = False  # the person became a coordinator: the adapter updates their menu
