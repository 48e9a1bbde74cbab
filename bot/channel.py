"""Channels as a contract: what every channel (Telegram, the terminal, Rasa) offers the rest of the bot.

A channel has a `name` (the first half of a person's address: 'telegram', 'terminal', 'rasa'),
says whether it can write to someone who did not just write (`unprompted`), and `send`s rendered
messages (flows.events.MessageOut: text, buttons, a photo or a document) to an address. Turning
what arrived into an engine input stays in each adapter; what they share is here:

- `read_command`: '/cmd@bot args' as the engine's Command, the one parser every channel uses;
- `fault_reply`: the Spanish words for a storage fault, the one mapping every channel uses;
- `Channels`: the channels of this process by name, which the outbox dispatcher sends through.

Sending outside a reply can fail in two ways the dispatcher treats apart from any other error:
`Unreachable` (the address refuses messages for good: the person blocked the bot) and `SlowDown`
(the channel asks for a pause: Telegram's flood control).

Rasa cannot send unprompted (it only answers), so nothing is ever addressed to it: the planner
writes to a person's address on a channel that can send, the one they used last
(bot/scheduler/planner.py). A person known only through Rasa gets no reminders, and the
dispatcher of a process claims only rows of channels it has (`Channels.names`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from bot.texts import ui_text
from bot.typed import clean
from flows.events import MessageOut
from flows.inputs import Command
from flows.model import Content
from flows.text import normalize
from storage import DatabaseUnavailable, NoSecretariat
from storage.models import PersonAddress

log = logging.getLogger(__name__)

Address = tuple[str, str]  # (channel, address): ('telegram', '123'), ('terminal', 'ana'), ('rasa', 'sender')
# Which channels can write to someone who did not just write to them: the planner addresses outbox
# rows only on these (it plans in processes that may not have every channel), and each channel's
# `unprompted` is read from here.
CAN_SEND = {"telegram": True, "terminal": True, "rasa": False}


def sendable(addresses: Iterable[PersonAddress]) -> Address | None:
    """Where a message to a person goes: of their addresses (the one used last first), the first on
    a channel that can write unprompted; None when they can only be answered (Rasa)."""
    return next(((a.channel, a.address) for a in addresses if CAN_SEND.get(a.channel)), None)


class Unreachable(Exception):
    """The address refuses messages for good (a Telegram chat that blocked the bot)."""


class SlowDown(Exception):
    """The channel asks for a pause before the next message (Telegram's flood control)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds:g} s")
        self.seconds = seconds


class Channel(Protocol):
    name: str
    unprompted: bool  # whether it can write to someone who did not just write to it

    async def send(self, address: str, messages: Sequence[MessageOut]) -> None:
        """Send in order; raises Unreachable, SlowDown, or any other error of the transport."""
        ...


class Channels:
    """The channels this process can send on, by name."""

    def __init__(self, channels: Iterable[Channel] = ()) -> None:
        self._by_name: dict[str, Channel] = {}
        for channel in channels:
            self.add(channel)

    def add(self, channel: Channel, name: str | None = None) -> None:
        self._by_name[name or channel.name] = channel

    def get(self, name: str) -> Channel | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._by_name.values())


def read_command(text: str) -> Command:
    """'/start@CocreaBot abc' → Command('start', 'abc'): the bot's name after @ is dropped, a deep
    link's code rides in args, control characters are cleaned (bot/typed.py)."""
    name, _, args = clean(text).strip()[1:].partition(" ")
    return Command(normalize(name.split("@")[0]), args.strip())


def is_command(text: str) -> bool:
    stripped = clean(text).strip()
    return stripped.startswith("/") and len(stripped) > 1


def fault_reply(exc: BaseException, content: Content) -> MessageOut | None:
    """What a person is told when storage could not serve their message, the same in every channel:
    the database down is «db_unavailable»; a person's situation (no secretariat to act in) has its
    own words, which are for them. None for anything else (a bug: each channel apologises its way).
    """
    if isinstance(exc, DatabaseUnavailable):
        log.warning("database unavailable", exc_info=exc)
        return MessageOut(ui_text(content, "db_unavailable"))
    if isinstance(exc, NoSecretariat):
        return MessageOut(str(exc))
    return None
