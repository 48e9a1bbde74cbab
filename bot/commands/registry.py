"""Commands beyond the conversation's own: one module each, registered by name with the role they need.

The conversation checks the role before calling a handler, so a handler never sees someone who
may not use it; the refusal is one polite line and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command

ANYONE, MEMBER, COORDINATOR, ADMIN = "anyone", "member", "coordinator", "admin"
Handler = Callable[["Turn", "Command"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    # ANYONE: any person who accepted the privacy notice; MEMBER: belongs to a secretariat;
    # COORDINATOR: coordinates the secretariat they are working in; ADMIN: their Telegram id is
    # in COCREA_ADMINS (people of other channels never are).
    role: str


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, *, role: str = MEMBER) -> Callable[[Handler], Handler]:
    """Register `handler` as /name; its menu description is the UI text `command_<name>`."""
    if role not in (ANYONE, MEMBER, COORDINATOR, ADMIN):
        raise ValueError(f"unknown role {role!r}")

    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"command /{name} is registered twice")
        COMMANDS[name] = CommandSpec(name, handler, role)
        return handler

    return register
