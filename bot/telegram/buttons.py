"""Button values in callback_data and back.

Telegram allows 64 bytes of callback_data. A button carries `<step_id>|<value>`, so a tap
becomes `Tap(value, step_id)` and the engine itself refuses a button of an earlier step. A pair
too long for 64 bytes travels as `#<hash>`, resolved through a bounded in-memory table filled
when the button is drawn: after a restart such an old button is politely refused, and the
person types the answer or uses the buttons the bot sends again.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict

from flows.inputs import Tap

MAX_BYTES = 64
SEPARATOR, HASHED = "|", "#"


class ButtonCodes:
    def __init__(self, remember: int = 10_000) -> None:
        self._long: OrderedDict[str, tuple[str | None, str]] = OrderedDict()
        self._remember = remember

    def encode(self, step_id: str | None, value: str) -> str:
        data = f"{step_id or ''}{SEPARATOR}{value}"
        if len(data.encode("utf-8")) <= MAX_BYTES and not data.startswith(HASHED):
            return data
        digest = hashlib.blake2b(data.encode("utf-8"), digest_size=15).digest()
        code = HASHED + base64.urlsafe_b64encode(digest).decode("ascii")
        self._long[code] = (step_id, value)
        self._long.move_to_end(code)
        while len(self._long) > self._remember:
            self._long.popitem(last=False)
        return code

    def decode(self, data: str | None) -> Tap | None:
        """The tap this callback_data stands for; None when it is not one of ours."""
        if not data:
            return None
        if data.startswith(HASHED):
            known = self._long.get(data)
            return Tap(known[1], known[0]) if known else None
        step_id, separator, value = data.partition(SEPARATOR)
        if not separator or not value or not step_id.isprintable():
            return None
        return Tap(value, step_id or None)
