"""Every command, built-in ones included: one module each, registered by name with what it needs.

The turn checks the role before calling a handler, so a handler never sees someone who may not
use it; the refusal is one polite line and changes nothing. Telegram's menus are derived from
here (bot/telegram/menus.py): a command shows in the menu it names, in `menu_order`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

ANYONE, MEMBER, COORDINATOR, ADMIN = "anyone", "member", "coordinator", "admin"
MEMBER_MENU, COORDINATOR_MENU = "member", "coordinator"  # coordinators see both
# A command's own buttons carry `/<name>` where a flow's carry a step id: a tap on one is the
# command again, with the button's value as its words (bot/turn.py).
COMMAND_BUTTON = "/"
Handler = Callable[["Context", "Command"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    # ANYONE: any person who accepted the privacy notice; MEMBER: belongs to a secretariat;
    # COORDINATOR: coordinates the secretariat they are working in; ADMIN: their Telegram id is
    # in COCREA_ADMINS (people of other channels never are).
    role: str
    menu: str | None = None  # MEMBER_MENU, COORDINATOR_MENU, or None: not in any menu
    menu_order: int = 0  # the place in its menu
    aliases: tuple[str, ...] = ()
    before_consent: bool = False  # works before the privacy notice is accepted (else: the notice first)
    in_group: bool = False  # acts in a group chat (every other command is silent there)


COMMANDS: dict[str, CommandSpec] = {}  # by name and by alias


def command(
    name: str,
    *,
    role: str = MEMBER,
    menu: str | None = None,
    menu_order: int = 0,
    aliases: tuple[str, ...] = (),
    before_consent: bool = False,
    in_group: bool = False,
) -> Callable[[Handler], Handler]:
    """Register `handler` as /name; its menu description is the UI text `command_<name>`."""
    if role not in (ANYONE, MEMBER, COORDINATOR, ADMIN):
        raise ValueError(f"unknown role {role!r}")
    if menu not in (None, MEMBER_MENU, COORDINATOR_MENU):
        raise ValueError(f"unknown menu {menu!r}")

    def register(handler: Handler) -> Handler:
        spec = CommandSpec(name, handler, role, menu, menu_order, aliases, before_consent, in_group)
        taken = [word for word in (name, *aliases) if word in COMMANDS]
        if taken:
            raise ValueError(f"command /{taken[0]} is registered twice")
        COMMANDS.update(dict.fromkeys((name, *aliases), spec))
        return handler

    return register


def menu_names(*menus: str) -> list[str]:
    """The commands shown in `menus`, menu by menu in the order given, each in its `menu_order`."""
    specs = {spec.name: spec for spec in COMMANDS.values()}.values()
    return [spec.name for menu in menus
            for spec in sorted((s for s in specs if s.menu == menu), key=lambda s: (s.menu_order, s.name))]
