"""A person on Telegram: onboarding, inline keyboards retired after a tap, ForceReply, commands."""

from __future__ import annotations

import html

from sqlalchemy import select

from storage import UnitOfWork
from storage.models import FlowRun, Person
from tests.bot.telegram.conftest import Client, Harness

KIT5 = "Kit 5 · Definir compromisos de manera participativa"


async def onboard(client: Client, name: str = "Lupita") -> None:
    await client.send("/start")
    await client.tap("Sí")
    await client.send(name)
    await client.tap("Sociedad civil")


async def person(harness: Harness, key: str) -> Person | None:
    async with UnitOfWork(harness.sessions) as uow:
        return await uow.people.get(key)


async def test_onboarding_from_start_to_a_kit_choice(harness: Harness) -> None:
    lupita = harness.client(501)
    said = await lupita.send("/start")
    assert "aviso de privacidad" in said
    assert lupita.since("sendChatAction") == []  # an instant reply: no "escribiendo…" first
    sent = lupita.since("sendMessage")
    assert all(p["parse_mode"] == "HTML" for p in sent)
    question = sent[-1]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in question] == ["Sí", "No"]

    said = await lupita.tap("Sí")
    assert "¿Cómo te gustaría que te llame?" in said
    free_text = lupita.since("sendMessage")[-1]["reply_markup"]
    assert free_text["force_reply"] is True and free_text["input_field_placeholder"]

    said = await lupita.send("Lupita")
    assert "Lupita, ¿desde qué sector participas" in said
    said = await lupita.tap("Sociedad civil")
    assert "¿Con qué kit quieres empezar?" in said
    said = await lupita.tap(KIT5)
    assert "Paso 1 de" in said

    stored = await person(harness, "tg:501")
    assert stored is not None and stored.name == "Lupita" and stored.sector == "sociedad_civil"
    assert stored.consent_at is not None and stored.telegram_id == 501


async def test_a_tap_edits_the_question_and_removes_its_keyboard(harness: Harness) -> None:
    ana = harness.client(502)
    await ana.send("/start")
    question, data = ana.keyboard_message("Sí")
    await ana.tap("Sí")
    methods = [name for name, _ in ana.calls]
    # answered first (the button stops spinning), then the question retired, then the next one
    assert methods[:2] == ["answerCallbackQuery", "editMessageText"]
    assert set(methods[2:]) == {"sendMessage"}
    assert "text" not in ana.since("answerCallbackQuery")[0]
    edits = ana.since("editMessageText")
    assert len(edits) == 1 and edits[0]["message_id"] == question["message_id"]
    assert edits[0]["text"].endswith("\n\n✔ Sí") and "reply_markup" not in edits[0]
    assert "reply_markup" not in harness.api.messages[question["message_id"]]
    assert data == "consentimiento|si"


async def test_a_second_tap_on_the_same_old_button_changes_nothing(harness: Harness) -> None:
    ana = harness.client(503)
    await ana.send("/start")
    question, data = ana.keyboard_message("Sí")
    await ana.tap("Sí")
    asked_name = await state_of(harness, "tg:503")

    # The person's app still showed the button (a double tap): the same button, a new update.
    said = await ana.process(ana.callback(data, question))
    assert said == ""  # no repeated question, no second answer
    answers = ana.since("answerCallbackQuery")
    assert len(answers) == 1 and "ya no corresponde" in answers[0]["text"]
    assert ana.since("editMessageText") == []
    assert await state_of(harness, "tg:503") == asked_name


async def test_a_repeated_update_id_is_ignored(harness: Harness) -> None:
    ana = harness.client(504)
    await ana.send("/start", update_id=777_001)
    said = await ana.send("/start", update_id=777_001)
    assert said == "" and ana.since("sendMessage") == []
    async with UnitOfWork(harness.sessions) as uow:
        runs = (await uow.session.scalars(select(FlowRun))).all()
    assert len(runs) == 1


async def test_html_in_a_name_is_escaped_in_what_is_sent(harness: Harness) -> None:
    ana = harness.client(505)
    await ana.send("/start")
    await ana.tap("Sí")
    await ana.send("<b>Ana</b> & <i>co</i>")
    sent = ana.since("sendMessage")[0]["text"]
    assert "\n&lt;b&gt;Ana&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;, ¿desde qué sector" in sent
    assert "<b>" not in "".join(p["text"] for p in ana.since("sendMessage"))
    assert "\n<b>Ana</b> & <i>co</i>, " in html.unescape(sent)


async def test_a_sticker_where_text_is_expected_gets_a_spanish_explanation(harness: Harness) -> None:
    ana = harness.client(506)
    await ana.send("/start")
    await ana.tap("Sí")
    sticker = {"file_id": "CAAC", "file_unique_id": "u1", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}
    said = await ana.process(ana.message(sticker=sticker))
    assert "no puedo leer un sticker como respuesta" in said
    assert "Inténtalo de nuevo" in said
    assert (await state_of(harness, "tg:506"))[0] == "nombre"  # still waiting for the name
    said = await ana.process(ana.message(voice={"file_id": "v", "file_unique_id": "v1", "duration": 3}))
    assert "no puedo leer un audio como respuesta" in said


async def test_commands_are_registered_in_spanish_at_startup(harness: Harness) -> None:
    assert harness.app.post_init is not None
    await harness.app.post_init(harness.app)
    (registered,) = harness.api.of("setMyCommands")
    commands = {c["command"]: c["description"] for c in registered["commands"]}
    assert list(commands)[:4] == ["kits", "continuar", "progreso", "autodiagnostico"]  # more in test_menus.py
    assert commands["continuar"] == "Seguir donde lo dejaste"


async def test_kits_progress_and_help_commands(harness: Harness) -> None:
    ana = harness.client(507)
    await onboard(ana)
    await ana.tap(KIT5)
    said = await ana.send("/progreso")
    assert f"{KIT5}: en curso (paso 1 de" in said
    said = await ana.send("/ayuda@cocrea_test_bot")
    assert "/continuar — seguir donde lo dejaste" in said
    said = await ana.send("/kits")
    assert "¿Cuál quieres trabajar?" in said
    said = await ana.send("/continuar")
    assert "Retomamos «Kit 5" in said


async def state_of(harness: Harness, key: str) -> tuple[str | None, dict[str, object]]:
    async with UnitOfWork(harness.sessions) as uow:
        found = await uow.people.get(key)
        assert found is not None
        run = await uow.runs.current(found)
        assert run is not None
        return run.state.get("step_id"), dict(run.state.get("answers", {}))
