"""What a person typed, cleaned where it enters Cocrea (every channel, before it becomes an input).

Control characters are not text: a NUL byte is refused by PostgreSQL, the others (bell, escape,
backspace, the C1 block) show as nothing or garble a terminal. They are dropped; a carriage return
becomes a line break. A lone surrogate (an undecodable byte read with `surrogateescape`, or a broken
`\\ud83d` in a JSON body) cannot be stored as UTF-8: it becomes U+FFFD «�». Everything else stays
exactly as typed: letters, emoji, line breaks and tabs.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line feed; DEL; C1
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean(text: str) -> str:
    """`text` without control characters, with U+FFFD for what could not be decoded."""
    if text.isprintable():  # the usual case, with nothing to clean: no copy
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _SURROGATES.sub(REPLACEMENT, text))
