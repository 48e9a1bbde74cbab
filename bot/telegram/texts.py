"""The channel's own words: the `bot:` section of content/ui.yaml, rendered as plain text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flows import templating
from flows.model import Content


class Texts:
    """Looks texts up in the current content each time, so a content reload changes them too."""

    def __init__(self, content: Callable[[], Content]) -> None:
        self._content = content

    def __call__(self, key: str, **params: Any) -> str:
        return self._render("bot", key, params)

    def rejected(self, key: str, **params: Any) -> str:
        """A text the engine says when it refuses an input (to recognise it in a reply)."""
        return self._render("rejected", key, params)

    def _render(self, section: str, key: str, params: dict[str, Any]) -> str:
        source = (self._content().ui.get(section) or {}).get(key, key)
        return templating.render(str(source), params)
