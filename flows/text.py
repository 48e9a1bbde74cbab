"""Small text helpers shared by answers, navigation and the glossary."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: how people type on a phone."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())
