"""Short and long free texts, with length limits.

Both are read as plain text first (no NUL, control or bidi characters, see plain.py); an answer
with nothing visible left is refused. A short text is one line: it lands in one-line places (a
name in the acta's list of signers, a title in a heading or a table cell), so a line break there
is refused, not stored.
"""

from __future__ import annotations

from typing import Any

from flows.answers.plain import one_line, plain, visible
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected


class _Text(AnswerType):
    default_max = 200
    single_line = False

    def parse(self, text: str, spec: Spec) -> Any:
        value = plain(text).strip()
        if not value:
            raise Rejected("empty_text" if not text.strip() else "invisible_text")
        if not visible(value):
            raise Rejected("invisible_text")
        if self.single_line:
            if not one_line(value):
                raise Rejected("one_line")
            value = value.replace("\t", " ")
        low = int(spec.data.get("min_length", 1))
        high = int(spec.data.get("max_length", self.default_max))
        if len(value) < low:
            raise Rejected("too_short", min=low, length=len(value))
        if len(value) > high:
            raise Rejected("too_long", max=high, length=len(value), words=_words_over(len(value) - high))
        return value

    def config_problems(self, spec: Spec) -> list[tuple[str, str]]:
        problems = []
        for key in ("min_length", "max_length"):
            if key in spec.data and not isinstance(spec.data[key], int):
                problems.append((key, f"`{key}` debe ser un número entero"))
        return problems


def _words_over(characters: int) -> int:
    """About how many words make up `characters` too many (a Spanish word and its space: ~6)."""
    return max(1, -(-characters // 6))


@register
class ShortText(_Text):
    name = "short_text"
    placeholder = "placeholder_text"
    single_line = True


@register
class LongText(_Text):
    name = "long_text"
    default_max = 2000
    placeholder = "placeholder_long_text"
