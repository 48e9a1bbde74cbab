"""The one lookup of content/ui.yaml texts: a section's key, rendered with its parameters.

A missing key shows as the key itself (a visible gap, never a crash). Every channel and command
asks here, so a reload changes every word at once and the rule lives in one place.
"""

from __future__ import annotations

from typing import Any

from flows import templating
from flows.model import Content


def ui_text(content: Content, key: str, *, section: str = "bot", **params: Any) -> str:
    source = (content.ui.get(section) or {}).get(key, key)
    return templating.render(str(source), params)
