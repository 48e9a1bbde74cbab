"""The command menus (setMyCommands), in Spanish: members see theirs, coordinators theirs too.

The menus are derived from the command registry (bot/commands/registry.py): the default scope
lists the member menu; each coordinator gets a chat scope with the member menu and the
coordinator one, at start-up and as soon as an invite makes them coordinator. A command whose
`command_<name>` text is missing from ui.yaml is left out of the menu rather than shown broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.commands import COORDINATOR_MENU, MEMBER_MENU, menu_names
from bot.telegram.sending import Pause, with_retries

log = logging.getLogger(__name__)


def menu(menus: Sequence[str], texts: Callable[[str], str]) -> list[BotCommand]:
    """The commands of `menus` (MEMBER_MENU, COORDINATOR_MENU), in order, with their descriptions."""
    commands = []
    for name in menu_names(*menus):
        key = f"command_{name}"
        description = texts(key)
        if description and description != key:
            commands.append(BotCommand(name, description))
    return commands


def member_menu(texts: Callable[[str], str]) -> list[BotCommand]:
    return menu([MEMBER_MENU], texts)


def coordinator_menu(texts: Callable[[str], str]) -> list[BotCommand]:
    return menu([MEMBER_MENU, COORDINATOR_MENU], texts)


async def set_member_menu(bot: Bot, texts: Callable[[str], str], pause: Pause) -> None:
    commands = member_menu(texts)
    try:
        await with_retries(lambda: bot.set_my_commands(commands, scope=BotCommandScopeDefault()), pause)
    except TelegramError:  # the menu is a convenience: the bot works without it
        log.warning("could not register the commands with setMyCommands", exc_info=True)


async def set_coordinator_menu(bot: Bot, texts: Callable[[str], str], chat_id: int, pause: Pause) -> None:
    commands = coordinator_menu(texts)
    try:
        await with_retries(lambda: bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id)), pause)
    except TelegramError:  # e.g. they never opened a chat with the bot: the commands still work
        log.info("could not set the coordinator menu for chat %s", chat_id, exc_info=True)
