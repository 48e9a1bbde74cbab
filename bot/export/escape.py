"""What people typed, escaped for the Markdown documents (the plan, the OGP template).

A person's text lands in Markdown as text: it opens no HTML tag, link, image, heading, list, quote,
table, code block or math, whatever it contains. `<` and `>` become entities (`&` too where it
would spell an entity), Markdown's inline marks get a backslash, and a line that would start a
block (`#`, `>`, `-`, `+`, `=`, `1.`) has its first mark escaped. `line` is for one-line places
(a heading, a table cell, a list item): every line break becomes a space there, so a text cannot
add a line of its own. `block` keeps the person's line breaks, each line escaped.

Only what people typed goes through here: admins' catalog labels and the templates themselves are
Markdown already and are left as they are.
"""

from __future__ import annotations

import re

from flows.answers.plain import plain

_INLINE = re.compile(r"([\\`*_\[\]|~$])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_BLOCK_START = re.compile(r"^(?:([#>+=-])|(\d+)([.)]))")
_BREAKS = re.compile("\r\n|[\n\r\u2028\u2029\x85\x0b\x0c]")


def _start(match: re.Match[str]) -> str:
    mark, number, dot = match.groups()
    return f"\\{mark}" if mark else f"{number}\\{dot}"


def _escape(text: str) -> str:
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _BLOCK_START.sub(_start, _INLINE.sub(r"\\\1", text))


def line(text: str) -> str:
    """One line of Markdown that shows `text` as typed, line breaks read as spaces."""
    return _escape(" ".join(plain(text).split()))


def block(text: str) -> str:
    """Paragraphs of Markdown that show `text` as typed, line by line; blank lines kept single."""
    lines = [_escape(" ".join(part.split())) for part in _BREAKS.split(plain(text))]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
