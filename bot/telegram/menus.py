"""The command menus (setMyCommands), in Spanish: members see theirs, coordinators theirs too.

The default scope lists the member commands; each coordinator gets a chat scope with the member
commands and the coordinator ones, at start-up and as soon as an invite makes them coordinator.
A command whose module is not there, or whose `command_<name>` text is missing from ui.yaml, is
left out of the menu rather than shown broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.commands import COMMANDS
from bot.telegram.sending import Pause, with_retries
from bot.turn import HOST_COMMANDS

log = logging.getLogger(__name__)

MEMBER_COMMANDS = ("kits", "continuar", "progreso", "autodiagnostico", "compromisos", "indicadores", "grafica",
                   "reportar", "glosario", "ayuda", "mis_datos", "borrar_mis_datos")
COORDINATOR_COMMANDS = ("invitar", "resumen", "exportar", "grupo")


def menu(names: Sequence[str], texts: Callable[[str], str]) -> list[BotCommand]:
    commands = []
    for name in names:
        key = f"command_{name}"
        description = texts(key)
        if (name in HOST_COMMANDS or name in COMMANDS) and description and description != key:
            commands.append(BotCommand(name, description))
    return commands


async def set_member_menu(bot: Bot, texts: Callable[[str], str], pause: Pause) -> None:
    commands = menu(MEMBER_COMMANDS, texts)
    try:
        await with_retries(lambda: bot.set_my_commands(commands, scope=BotCommandScopeDefault()), pause)
    except TelegramError:  # the menu is a convenience: the bot works without it
        log.warning("could not register the commands with setMyCommands", exc_info=True)


async def set_coordinator_menu(bot: Bot, texts: Callable[[str], str], chat_id: int, pause: Pause) -> None:
    commands = menu(MEMBER_COMMANDS + COORDINATOR_COMMANDS, texts)
    try:
        await with_retries(lambda: bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id)), pause)
    except TelegramError:  # e.g. they never opened a chat with the bot: the commands still work
        log.info("could not set the coordinator menu for chat %s", chat_id, exc_info=True)
