"""What a person typed, made plain text before any answer type reads it.

Typed text can carry characters nobody sees: a NUL byte (PostgreSQL refuses it in text), other
control characters, bidi overrides that make a name display backwards («U+202E»), a byte-order
mark or zero-width spaces that make an answer look blank. `plain` drops what has no place in an
answer; `visible` tells whether anything readable is left; `one_line` whether it fits one line.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they reorder how
# the text around them is displayed, so a name can read as something else. Spanish text never needs
# them; the marks LRM/RLM (U+200E, U+200F) stay, they reorder nothing on their own.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters with no use inside an answer: zero-width space, word joiner, BOM,
# Mongolian vowel separator, invisible times/separator/plus. (ZWJ and ZWNJ stay: emoji and some
# scripts are built with them; alone they still make an answer count as blank.)
INVISIBLE = frozenset("\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
# Characters Unicode calls letters or symbols that draw nothing (Hangul fillers, braille blank,
# the combining grapheme joiner): an answer made only of them is blank.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
LINE_SEPARATORS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")
_KEPT_CONTROLS = frozenset("\n\t")
# Controls, formats, surrogates, unassigned code points, separators, lone combining marks.
_NOT_SHOWN = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def plain(text: str) -> str:
    """The text without NUL and other control characters, bidi controls and invisible spaces; every
    kind of line break written as «\\n». Lone surrogates (not text) are dropped too."""
    text = LINE_SEPARATORS.sub("\n", text)
    return "".join(
        ch for ch in text
        if (ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cs"))
        and ch not in BIDI_CONTROLS and ch not in INVISIBLE
    )


def visible(text: str) -> bool:
    """Whether the text shows anything: a character that is not a space, a format or control
    character, a combining mark (alone it marks nothing) or one of the letters that draw nothing."""
    return any(
        not ch.isspace() and ch not in BLANK_LOOKING
        and unicodedata.category(ch) not in _NOT_SHOWN
        for ch in text
    )


def one_line(text: str) -> bool:
    return "\n" not in LINE_SEPARATORS.sub("\n", text)


def flat(text: str) -> str:
    """The text as one line, for one-line places (a name in a list of signers, a title in a digest
    line): made plain, every line break and run of spaces one space, so it cannot add a line."""
    return " ".join(plain(text).split())
