"""Rasa drives Cocrea's actions over HTTP, exactly as a Rasa 3.6 server would."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.rasa.actions import STEP_ACTIONS
from storage import UnitOfWork
from storage.models import FlowRun
from tests.bot.rasa.conftest import DOMAIN, RasaClient, texts

KIT5 = "Kit 5 · Definir compromisos de manera participativa"


def button(result: dict[str, Any], title: str) -> str:
    """The payload Rasa would send back when the person taps the button `title`."""
    for response in result["responses"]:
        for shown in response.get("buttons") or []:
            if shown["title"] == title:
                return str(shown["payload"])
    raise AssertionError(f"no button {title!r} in {result['responses']}")


async def tap(rasa: RasaClient, sender: str, result: dict[str, Any], title: str) -> dict[str, Any]:
    """A tap: Rasa reads the payload `/responder{"cocrea_boton": …}` as intent and entity."""
    payload = button(result, title)
    intent, _, entities = payload[1:].partition("{")
    assert payload.startswith("/") and intent == "responder", payload
    rasa.says(sender, payload, intent, **json.loads("{" + entities))
    return await rasa.run("action_cocrea_paso", sender)


async def say(rasa: RasaClient, sender: str, text: str, action: str = "action_cocrea_paso",
              intent: str = "responder", **entities: str) -> dict[str, Any]:
    rasa.says(sender, text, intent, **entities)
    return await rasa.run(action, sender)


async def test_health_and_every_action_listed(server: httpx.AsyncClient) -> None:
    health = await server.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    listed = {item["name"] for item in (await server.get("/actions")).json()}
    assert {a.action_name for a in STEP_ACTIONS} <= listed
    assert {"validate_reporte_indicador_form", "action_cocrea_reportar", "action_cocrea_paso"} <= listed


async def test_a_person_walks_into_a_kit_and_the_answers_are_saved(rasa: RasaClient, sessions: Any) -> None:
    sender = "4242"  # Rasa's Telegram channel: the chat id, which is not a Telegram identity here
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    assert "aviso de privacidad" in texts(hello)
    named = await tap(rasa, sender, hello, "Sí")
    assert "¿Cómo te gustaría que te llame?" in texts(named)
    sector = await say(rasa, sender, "Lupita")
    assert "Lupita, ¿desde qué sector participas" in texts(sector)
    kits = await tap(rasa, sender, sector, "Sociedad civil")
    first = await tap(rasa, sender, kits, KIT5)
    assert "Paso 1 de" in texts(first)
    assert {"event": "slot", "name": "cocrea_paso", "value": rasa.slots[sender]["cocrea_paso"],
            "timestamp": None} in first["events"]
    second = await say(rasa, sender, "1, 2")
    assert "Paso 2 de" in texts(second)

    async with UnitOfWork(sessions) as uow:
        assert await uow.people.get("tg:4242") is None  # never taken for the Telegram person 4242
        person = await uow.people.get("rasa:4242")
        assert person is not None and person.name == "Lupita" and person.sector == "sociedad_civil"
        runs = await uow.runs.of_person(person)
    kit5 = next(r for r in runs if r.flow_id == "kit5")
    assert isinstance(kit5, FlowRun) and kit5.state["answers"]  # the first answer is stored


async def test_a_wrong_answer_is_explained_in_spanish_and_asked_again(rasa: RasaClient) -> None:
    sender = "web-ana"  # any other channel
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    again = await say(rasa, sender, "quizá mañana")
    assert "Responde «sí» o «no»" in texts(again) and "tu avance sigue guardado" in texts(again)
    assert button(hello, "Sí").startswith("/responder")


async def test_an_old_button_is_refused_like_on_telegram(rasa: RasaClient) -> None:
    sender = "web-beto"
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    await tap(rasa, sender, hello, "Sí")
    stale = await tap(rasa, sender, hello, "No")  # the consent question's button, after it was answered
    assert "Ese botón ya no corresponde a esta pregunta" in texts(stale)
    assert "no guardaré" not in texts(stale)  # consent stays given


async def test_the_glossary_answers_from_the_entity_or_the_question(rasa: RasaClient) -> None:
    sender = "web-carla"
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    await tap(rasa, sender, hello, "Sí")
    by_entity = await say(rasa, sender, "¿qué es la línea base?", "action_cocrea_glosario",
                          "preguntar_glosario", termino="línea base")
    assert "Línea base:" in texts(by_entity)
    assert {"event": "slot", "name": "termino", "value": None, "timestamp": None} in by_entity["events"]
    by_text = await say(rasa, sender, "¿qué es un hito?", "action_cocrea_glosario", "preguntar_glosario")
    assert "Hito:" in texts(by_text)


async def test_continue_a_kit_by_its_number(rasa: RasaClient) -> None:
    sender = "web-dora"
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    named = await tap(rasa, sender, hello, "Sí")
    sector = await say(rasa, sender, "Dora")
    await tap(rasa, sender, sector, "Gobierno")
    said = await say(rasa, sender, "sigamos con el kit 5", "action_cocrea_continuar", "continuar_kit", kit="5")
    assert "Kit 5" in texts(said) and "Paso 1 de" in texts(said)
    assert named["responses"]


async def test_kits_menu_shows_the_kits_as_buttons(rasa: RasaClient) -> None:
    sender = "web-eli"
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    await tap(rasa, sender, hello, "Sí")
    menu = await say(rasa, sender, "qué kits hay", "action_cocrea_kits", "ver_kits")
    assert button(menu, KIT5)


async def test_an_unknown_action_is_a_404_with_rasas_error_body(server: httpx.AsyncClient) -> None:
    body = {"next_action": "action_que_no_existe", "sender_id": "x", "tracker": {"sender_id": "x"},
            "domain": DOMAIN, "version": "3.6.20"}
    response = await server.post("/webhook", json=body)
    assert response.status_code == 404
    assert response.json()["action_name"] == "action_que_no_existe"
    assert "action_que_no_existe" in response.json()["error"]


async def test_a_malformed_body_is_an_error_not_a_hang(server: httpx.AsyncClient) -> None:
    not_json = await server.post("/webhook", content=b"{esto no es json", headers={"Content-Type": "application/json"})
    assert 400 <= not_json.status_code < 600
    no_tracker = await server.post("/webhook", json={"next_action": "action_cocrea_paso", "domain": DOMAIN})
    assert 400 <= no_tracker.status_code < 600 and "error" in no_tracker.json()


async def test_a_lone_surrogate_in_rasas_json_is_cleaned_not_a_crash(rasa: RasaClient, sessions: Any) -> None:
    """Issue 22, item 12: JSON may escape half an emoji ("\ud800"), which no UTF-8 can hold."""
    sender = "web-\ud800sura"
    hello = await say(rasa, sender, "hola", "action_cocrea_inicio", "saludar")
    asked = await tap(rasa, sender, hello, "Sí")
    assert "¿Cómo te gustaría que te llame?" in texts(asked)

    rasa.says(sender, "Lu\ud800pi\udfffta")
    assert "\\ud800" in json.dumps(rasa.body("action_cocrea_paso", sender))  # how Rasa's JSON carries it
    named = await rasa.run("action_cocrea_paso", sender)
    # the same as on every channel (bot/typed.py): what could not be decoded shows as «�»
    assert "Lu\ufffdpi\ufffdta, ¿desde qué sector participas" in texts(named)
    await tap(rasa, sender, named, "Sociedad civil")
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get("rasa:web-\ufffdsura")
        assert person is not None and person.name == "Lu\ufffdpi\ufffdta"
