"""Scoped command menus, invite links on Telegram, and group chats (only /grupo acts there)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.commands import COMMANDS, COORDINATOR, COORDINATOR_MENU, MEMBER, MEMBER_MENU, command
from storage import UnitOfWork
from tests.bot.telegram.conftest import CONTENT, Client, Harness

GROUP = {"id": -100777, "type": "supergroup", "title": "STL Xalapa"}


async def invite(harness: Harness, role: str) -> str:
    async with UnitOfWork(harness.sessions) as uow:
        secretariat = await uow.secretariats.named("STL Xalapa") or await uow.secretariats.add("STL Xalapa")
        _, code = await uow.invites.create(secretariat, role, now=datetime.now(UTC))
        return code


async def join(client: Client, code: str) -> str:
    said = await client.send(f"/start {code}")
    said += await client.tap("Sí")
    said += await client.send("Lupita")
    said += await client.tap("Sociedad civil")
    return said


def scopes(harness: Harness, mark: int = 0) -> dict[Any, list[str]]:
    """Each setMyCommands call since `mark`: its scope (a chat id, or 'default') and the commands."""
    found: dict[Any, list[str]] = {}
    for name, params in harness.api.calls[mark:]:
        if name == "setMyCommands":
            scope = params.get("scope") or {"type": "default"}
            found[scope.get("chat_id", scope["type"])] = [c["command"] for c in params["commands"]]
    return found


async def test_members_see_member_commands_and_coordinators_theirs_too(harness: Harness) -> None:
    lupita = harness.client(801)
    await join(lupita, await invite(harness, "coordinator"))
    assert harness.app.post_init is not None
    await harness.app.post_init(harness.app)  # a restart: the menus are set again

    menus_set = scopes(harness)
    member, coordinator = menus_set["default"], menus_set[801]
    assert member[:3] == ["kits", "continuar", "progreso"]
    assert {"mis_datos", "borrar_mis_datos"} <= set(member)
    assert not {"invitar", "grupo"} & set(member)
    assert coordinator[:len(member)] == member and {"invitar", "grupo"} <= set(coordinator)
    assert set(coordinator) <= set(COMMANDS)  # nothing in the menu that would not answer


async def test_a_command_without_its_text_is_left_out_of_the_menu(harness: Harness,
                                                                 restored_registry: None) -> None:
    @command("no_existe_todavia", role=MEMBER, menu=MEMBER_MENU, menu_order=1)
    async def nothing_yet(ctx: Any, inp: Any) -> None: ...

    assert harness.app.post_init is not None
    await harness.app.post_init(harness.app)
    assert "no_existe_todavia" not in scopes(harness)["default"]
    assert scopes(harness)["default"][:2] == ["kits", "continuar"]


async def test_a_coordinator_invite_updates_the_menu_at_once(harness: Harness) -> None:
    ana = harness.client(802)
    said = await join(ana, await invite(harness, "member"))
    assert "Ya formas parte de «STL Xalapa» como integrante" in said
    assert 802 not in scopes(harness)
    mark = len(harness.api.calls)
    said = await ana.send(f"/start {await invite(harness, 'coordinator')}")
    assert "Ahora participas en «STL Xalapa» como coordinación" in said
    assert "invitar" in scopes(harness, mark)[802]


async def test_invitar_on_telegram_gives_a_link_to_this_bot(harness: Harness) -> None:
    lupita = harness.client(803)
    await join(lupita, await invite(harness, "coordinator"))
    assert harness.app.post_init is not None
    await harness.app.post_init(harness.app)  # getMe told the bot its username
    said = await lupita.send("/invitar miembro 3")
    assert "https://t.me/cocrea_test_bot?start=" in said


def group_message(client: Client, text: str) -> Any:
    message: dict[str, Any] = {"message_id": 9_000 + len(text), "date": 1_760_000_000, "chat": GROUP,
                               "from": client.user, "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return client.update({"message": message})


def to_group(client: Client) -> list[dict[str, Any]]:
    """What the bot sent to the group since this person's last update."""
    return [p for name, p in client.calls if name == "sendMessage" and int(p["chat_id"]) == GROUP["id"]]


async def group_chat_id(harness: Harness) -> int | None:
    async with UnitOfWork(harness.sessions) as uow:
        secretariat = await uow.secretariats.named("STL Xalapa")
        assert secretariat is not None
        return secretariat.group_chat_id


async def test_grupo_in_the_group_links_it_and_in_private_explains_how(harness: Harness) -> None:
    lupita = harness.client(804)
    await join(lupita, await invite(harness, "coordinator"))
    said = await lupita.send("/grupo")
    assert "agrégame a ese grupo de Telegram y envía ahí /grupo" in said
    assert await group_chat_id(harness) is None

    await lupita.process(group_message(lupita, "/grupo@cocrea_test_bot"))
    (linked,) = to_group(lupita)
    assert "los resúmenes de «STL Xalapa» llegarán a este grupo" in linked["text"]
    assert await group_chat_id(harness) == GROUP["id"]


async def test_a_group_never_starts_or_answers_anyones_kit(harness: Harness) -> None:
    ana = harness.client(805)
    await join(ana, await invite(harness, "member"))
    for text in ("hola a todos", "/kits", "/start", "Sí"):
        await ana.process(group_message(ana, text))
        assert to_group(ana) == [], text
    await ana.process(group_message(ana, "/grupo"))  # a member: a polite refusal, nothing linked
    (refusal,) = to_group(ana)
    assert "solo para la coordinación" in refusal["text"]
    assert await group_chat_id(harness) is None

    stranger = harness.client(806)  # never accepted the notice: told to write in private first
    await stranger.process(group_message(stranger, "/grupo"))
    (told,) = to_group(stranger)
    assert "escríbeme en un chat privado" in told["text"]


async def test_a_new_command_module_shows_in_its_own_menu_scope(harness: Harness, restored_registry: None,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """What a newcomer writes: one module per command (here inline) and its `command_<name>` text."""
    @command("encuesta", role=MEMBER, menu=MEMBER_MENU, menu_order=99)
    async def encuesta(ctx: Any, inp: Any) -> None: ...

    @command("sondeo", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=99)
    async def sondeo(ctx: Any, inp: Any) -> None: ...

    monkeypatch.setitem(CONTENT.ui["bot"], "command_encuesta", "Responder la encuesta")
    monkeypatch.setitem(CONTENT.ui["bot"], "command_sondeo", "Un sondeo rápido")
    lupita = harness.client(807)
    await join(lupita, await invite(harness, "coordinator"))
    assert harness.app.post_init is not None
    await harness.app.post_init(harness.app)
    menus_set = scopes(harness)
    assert menus_set["default"][-1] == "encuesta" and "sondeo" not in menus_set["default"]
    assert menus_set[807][-1] == "sondeo" and "encuesta" in menus_set[807]
