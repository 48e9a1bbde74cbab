"""Issue 22, item 1: nobody acts as a Telegram person through the Rasa action server.

Driven against rasa-sdk's real server on 127.0.0.1: without the shared token nothing runs; a numeric
sender is never the Telegram person with that id; a person links a Rasa conversation to their
Telegram identity only with a one-time code they asked for on Telegram.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.conversation import Conversation
from flows.inputs import Command
from storage import UnitOfWork
from storage.models import Invite, Membership, Person, RasaLink
from storage.repositories.rasa_links import RasaLinks
from tests.bot.rasa.conftest import CONTENT, TOKEN, RasaClient, texts

SECRET_NAME = "Carla Coordinadora Zapotal"
SECRETARIAT = "STL Zapotal"


async def coordinator(sessions: Any, key: str = "tg:1001") -> int:
    """A Telegram coordinator of SECRETARIAT, with consent and a name; their person id."""
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get_or_create(key, name=SECRET_NAME)
        person.consent_at = datetime(2026, 1, 5, tzinfo=UTC)
        person.sector = "gobierno"
        stl = await uow.secretariats.add(SECRETARIAT)
        await uow.memberships.add(person, stl, "coordinator")
        return person.id


async def counts(sessions: Any) -> dict[str, int]:
    async with UnitOfWork(sessions) as uow:
        return {model.__tablename__: int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Person, Invite, Membership, RasaLink)}


def body(sender: str, text: str, action: str = "action_cocrea_paso") -> dict[str, Any]:
    """What Rasa 3.6 posts to /webhook for `text` typed by `sender` (only what the actions read)."""
    latest = {"text": text, "intent": {"name": "responder", "confidence": 1.0}, "entities": []}
    return {"next_action": action, "sender_id": sender, "version": "3.6.20", "domain": {},
            "tracker": {"sender_id": sender, "slots": {}, "latest_message": latest, "paused": False,
                        "events": [{"event": "user", "text": text, "parse_data": latest}],
                        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}}


async def telegram_code(sessions: Any, key: str = "tg:1001") -> str:
    """The code `/vincular` gives the person on Telegram (read from the message they see)."""
    reply = await Conversation(lambda: CONTENT, sessions).handle(key, Command("vincular"))
    said = "\n".join(m.text for m in reply.messages)
    found = re.search(r"/vincular ([A-Z0-9]{5}-[A-Z0-9]{5})", said)
    assert found, said
    assert "una sola vez" in said and "No lo compartas" in said
    return found.group(1)


# -- the shared token ------------------------------------------------------------------------------

async def test_a_call_without_the_token_is_refused_and_runs_nothing(server: httpx.AsyncClient,
                                                                     sessions: Any) -> None:
    await coordinator(sessions)
    before = await counts(sessions)
    async with httpx.AsyncClient(base_url=str(server.base_url), timeout=30) as stranger:
        for token in (None, "", "otro-secreto-cualquiera-largo", TOKEN + "x", TOKEN[:-1]):
            params = {"token": token} if token is not None else {}
            refused = await stranger.post("/webhook", params=params,
                                          json=body("1001", "/invitar coordinacion 1000 365"))
            assert refused.status_code == 401, refused.text
            assert "Invitación" not in refused.text
        assert (await stranger.post("/webhook", headers={"Authorization": "Bearer nada-que-ver-aqui"},
                                    json=body("web", "hola"))).status_code == 401
        assert (await stranger.get("/actions")).status_code == 401
        assert (await stranger.get("/health")).status_code == 200  # a liveness probe stays open
        by_header = await stranger.post("/webhook", headers={"Authorization": f"Bearer {TOKEN}"},
                                        json=body("web-con-token", "hola"))
        assert by_header.status_code == 200  # Rasa's `headers:` may carry it instead of `token:`
    after = await counts(sessions)
    assert after == {**before, "people": before["people"] + 1}  # only the caller with the token


async def test_no_browser_origin_is_allowed(server: httpx.AsyncClient) -> None:
    for origin in ("https://atacante.example", "null"):
        preflight = await server.options("/webhook", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        call = await server.post("/webhook", headers={"Origin": origin}, json=body("web-o", "hola"))
        assert "access-control-allow-origin" not in call.headers


# -- senders live in their own address space -----------------------------------------------------

async def test_a_numeric_sender_gets_nothing_of_the_telegram_person_with_that_id(
        server: httpx.AsyncClient, sessions: Any) -> None:
    coordinator_id = await coordinator(sessions)

    async def say(text: str) -> str:
        response = await server.post("/webhook", json=body("1001", text))
        assert response.status_code == 200, response.text
        return texts(response.json())

    invited = await say("/invitar coordinacion 1000 365")
    said = invited + await say("/mis_datos") + await say("/compromisos") + await say("/borrar_mis_datos confirmar")
    assert SECRET_NAME not in said and SECRETARIAT not in said
    assert "Invitación" not in said and "/start " not in said
    async with UnitOfWork(sessions) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Invite)) == 0
        still = await uow.people.get("tg:1001")
        assert still is not None and still.id == coordinator_id and still.name == SECRET_NAME  # not erased
        assert await uow.memberships.role_of(still, await uow.secretariats.named(SECRETARIAT)) == "coordinator"
        stranger = await uow.people.get("rasa:1001")
        assert stranger is None or stranger.name != SECRET_NAME


# -- linking a Rasa conversation from Telegram -----------------------------------------------------

async def test_a_code_from_telegram_links_a_rasa_conversation_once(rasa: RasaClient, sessions: Any) -> None:
    await coordinator(sessions)
    code = await telegram_code(sessions)
    async with UnitOfWork(sessions) as uow:  # only the code's hash is kept
        stored = list(await uow.session.scalars(select(RasaLink)))
    assert len(stored) == 1 and code not in repr([(r.code_hash, r.sender) for r in stored])

    rasa.says("web-carla", "/vincular " + code.lower().replace("-", " "))  # typed by hand
    linked = await rasa.run("action_cocrea_paso", "web-carla")
    assert "quedó vinculada" in texts(linked) and SECRET_NAME in texts(linked)
    rasa.says("web-carla", "/mis_datos")
    mine = texts(await rasa.run("action_cocrea_paso", "web-carla"))
    assert SECRET_NAME in mine and SECRETARIAT in mine  # now it is her, as on Telegram
    async with UnitOfWork(sessions) as uow:  # and what she can see of herself lists the link, not the code
        person = await uow.people.get("tg:1001")
        assert person is not None
        links = (await uow.personal.export(person))["conversaciones_de_rasa_vinculadas"]
    assert [link["sender"] for link in links] == ["web-carla"] and "code_hash" not in links[0]

    rasa.says("web-intruso", f"/vincular {code}")  # the same code again, from another conversation
    again = texts(await rasa.run("action_cocrea_paso", "web-intruso"))
    assert "Ese código no sirve" in again and SECRET_NAME not in again
    rasa.says("web-intruso", "/mis_datos")
    assert SECRET_NAME not in texts(await rasa.run("action_cocrea_paso", "web-intruso"))

    rasa.says("web-carla", "/vincular")  # no code: how to get one
    assert "pide un código escribiendo /vincular" in texts(await rasa.run("action_cocrea_paso", "web-carla"))


async def test_a_wrong_an_old_or_a_replaced_code_links_nothing(rasa: RasaClient, sessions: Any) -> None:
    person_id = await coordinator(sessions)
    for typed in ("ABCDE-FGHJK", "' OR 1=1 --", "x" * 300):
        rasa.says("web-adivina", f"/vincular {typed}")
        assert "Ese código no sirve" in texts(await rasa.run("action_cocrea_paso", "web-adivina"))
    first = await telegram_code(sessions)
    second = await telegram_code(sessions)  # asking again: the first one stops working
    rasa.says("web-a", f"/vincular {first}")
    assert "Ese código no sirve" in texts(await rasa.run("action_cocrea_paso", "web-a"))
    async with UnitOfWork(sessions) as uow:  # ten minutes pass
        person = await uow.session.get(Person, person_id)
        assert person is not None
        old = await RasaLinks(uow.session).new_code(person, datetime.now(UTC) - timedelta(minutes=11))
    rasa.says("web-a", f"/vincular {old}")
    assert "Ese código no sirve" in texts(await rasa.run("action_cocrea_paso", "web-a"))
    rasa.says("web-a", f"/vincular {second}")  # replaced by the expired one, so it is gone too
    assert "Ese código no sirve" in texts(await rasa.run("action_cocrea_paso", "web-a"))
    async with UnitOfWork(sessions) as uow:
        assert await RasaLinks(uow.session).person_of("web-a") is None
        assert await RasaLinks(uow.session).person_of("web-adivina") is None


async def test_the_terminal_cannot_hand_out_codes(sessions: Any) -> None:
    conversation = Conversation(lambda: CONTENT, sessions)
    await coordinator(sessions, "cli:ana")
    reply = await conversation.handle("cli:ana", Command("vincular"))
    assert "se piden desde Telegram" in reply.messages[0].text
    assert (await counts(sessions))["rasa_links"] == 0


async def test_erasing_the_person_drops_their_links(rasa: RasaClient, sessions: Any) -> None:
    await coordinator(sessions)
    code = await telegram_code(sessions)
    rasa.says("web-carla", f"/vincular {code}")
    await rasa.run("action_cocrea_paso", "web-carla")
    await Conversation(lambda: CONTENT, sessions).handle("tg:1001", Command("borrar_mis_datos", "confirmar"))
    assert (await counts(sessions))["rasa_links"] == 0
    rasa.says("web-carla", "/mis_datos")
    assert SECRET_NAME not in texts(await rasa.run("action_cocrea_paso", "web-carla"))


# -- commands that change data ask first, as on Telegram -------------------------------------------

async def test_a_linked_person_erasing_through_rasa_is_asked_to_confirm_first(rasa: RasaClient,
                                                                              sessions: Any) -> None:
    await coordinator(sessions)
    code = await telegram_code(sessions)
    rasa.says("web-carla", f"/vincular {code}")
    await rasa.run("action_cocrea_paso", "web-carla")
    for typed in ("/borrar_mis_datos", "/borrar_mis_datos sí", "/borrar_mis_datos ok"):
        rasa.says("web-carla", typed)
        asked = texts(await rasa.run("action_cocrea_paso", "web-carla"))
        assert "Esto no se puede deshacer" in asked and "/borrar_mis_datos confirmar" in asked, asked
        async with UnitOfWork(sessions) as uow:
            assert await uow.people.get("tg:1001") is not None  # nothing erased yet
    rasa.says("web-carla", "/borrar_mis_datos confirmar")
    done = texts(await rasa.run("action_cocrea_paso", "web-carla"))
    assert "borré tu nombre" in done
    async with UnitOfWork(sessions) as uow:
        assert await uow.people.get("tg:1001") is None
