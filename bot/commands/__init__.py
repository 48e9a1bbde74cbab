"""Registered commands (see registry.py). Importing this package registers every command module."""

from bot.commands.registry import (
    ADMIN,
    ANYONE,
    COMMAND_BUTTON,
    COMMANDS,
    COORDINATOR,
    COORDINATOR_MENU,
    MEMBER,
    MEMBER_MENU,
    CommandSpec,
    command,
    menu_names,
)

__all__ = ["ADMIN", "ANYONE", "COMMAND_BUTTON", "COMMANDS", "COORDINATOR", "COORDINATOR_MENU", "MEMBER",
           "MEMBER_MENU", "CommandSpec", "command", "menu_names"]


def _register_all() -> None:
    """Import every module of this package, so adding a command is adding a file."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "registry":
            importlib.import_module(f"{__name__}.{module.name}")


_register_all()
