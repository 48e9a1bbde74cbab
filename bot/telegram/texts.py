"""The channel's own words: the `bot:` section of content/ui.yaml, rendered as plain text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.texts import ui_text
from flows.model import Content


class Texts:
    """Looks texts up in the current content each time, so a content reload changes them too."""

    def __init__(self, content: Callable[[], Content]) -> None:
        self.content = content

    def __call__(self, key: str, **params: Any) -> str:
        return ui_text(self.content(), key, **params)

    def rejected(self, key: str, **params: Any) -> str:
        """A text the engine says when it refuses an input (to recognise it in a reply)."""
        return ui_text(self.content(), key, section="rejected", **params)
