"""One registry for every command: a newcomer writes one module (and its ui.yaml text) and the
command answers, and shows in the right Telegram menu; today's menus stay as they were."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.commands import COMMANDS, COORDINATOR, COORDINATOR_MENU, MEMBER_MENU, command
from bot.context import Context
from bot.conversation import Conversation
from bot.telegram import menus
from flows.events import MessageOut
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork

CONTENT = load_checked()
BUILT_IN = ("start", "kits", "continuar", "progreso", "ayuda", "help", "glosario", "autodiagnostico")


def texts(extra: dict[str, str] | None = None) -> Any:
    found = {**(CONTENT.ui.get("bot") or {}), **(extra or {})}
    return lambda key: str(found.get(key, key))


def test_the_menus_are_todays_in_todays_order() -> None:
    member = [c.command for c in menus.member_menu(texts())]
    coordinator = [c.command for c in menus.coordinator_menu(texts())]
    assert member == ["kits", "continuar", "progreso", "autodiagnostico", "compromisos", "indicadores", "grafica",
                      "reportar", "glosario", "secretariado", "avisos", "ayuda", "mis_datos", "borrar_mis_datos"]
    assert coordinator == [*member, "invitar", "resumen", "exportar", "grupo"]


def test_built_in_commands_are_registered_like_the_others() -> None:
    assert set(BUILT_IN) <= set(COMMANDS)
    assert COMMANDS["help"] is COMMANDS["ayuda"]
    assert {n for n, s in COMMANDS.items() if s.before_consent} == {"start", "ayuda", "help", "glosario"}
    assert {n for n, s in COMMANDS.items() if s.in_group} == {"grupo"}


def test_a_command_registered_twice_is_refused(restored_registry: None) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        command("socorro", aliases=("ayuda",))(COMMANDS["ayuda"].handler)
    assert "socorro" not in COMMANDS  # nothing of it was registered


async def test_a_new_command_module_answers_and_shows_in_the_coordinator_menu(
        sessions: Any, restored_registry: None) -> None:
    # what a newcomer writes: one module with this, and `command_sondeo` in content/ui.yaml
    @command("sondeo", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=5)
    async def sondeo(ctx: Context, inp: Command) -> None:
        ctx.send(MessageOut(f"Sondeo: {inp.args}"))

    with_text = texts({"command_sondeo": "Un sondeo rápido"})
    assert "sondeo" not in [c.command for c in menus.member_menu(with_text)]
    assert [c.command for c in menus.coordinator_menu(with_text)][-1] == "sondeo"
    assert "sondeo" not in [c.command for c in menus.coordinator_menu(texts())]  # no text yet: not shown

    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.add("STL Xalapa")
        for key, role in (("cli:coordina", "coordinator"), ("cli:integra", "member")):
            person = await uow.people.get_or_create(key, name="Alguien")
            person.consent_at = datetime.now(UTC)
            await uow.memberships.add(person, secretariat, role)
    conversation = Conversation(lambda: CONTENT, sessions)
    reply = await conversation.handle("cli:coordina", Command("sondeo", "agua"))
    assert [m.text for m in reply.messages] == ["Sondeo: agua"]
    refused = await conversation.handle("cli:integra", Command("sondeo", "agua"))
    assert "solo para la coordinación" in refused.messages[0].text


def test_a_member_menu_command_shows_for_everyone(restored_registry: None) -> None:
    @command("encuesta", menu=MEMBER_MENU, menu_order=99)
    async def encuesta(ctx: Context, inp: Command) -> None: ...

    with_text = texts({"command_encuesta": "Responder la encuesta"})
    member = [c.command for c in menus.member_menu(with_text)]
    assert member[-1] == "encuesta"
    assert [c.command for c in menus.coordinator_menu(with_text)][len(member) - 1] == "encuesta"


def test_no_handler_reaches_a_database_session() -> None:
    """Handlers get a Context (repositories, never a session): queries are repository methods."""
    import inspect
    from pathlib import Path

    import bot.commands
    import bot.invites

    folder = Path(inspect.getfile(bot.commands)).parent
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.py")}
    assert [name for name, text in sources.items() if ".session" in text or "uow" in text] == []
    assert ".session" not in Path(inspect.getfile(bot.invites)).read_text(encoding="utf-8")  # its CLI opens units
