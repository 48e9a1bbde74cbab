"""When Telegram or the database fails: blocked chats, flood control, network errors, bugs."""

from __future__ import annotations

from bot.conversation import Reply
from flows.events import MessageOut
from storage import DatabaseUnavailable, UnitOfWork
from tests.bot.telegram.conftest import ADMIN, Harness, Scripted

BLOCKED = "Forbidden: bot was blocked by the user"


async def test_a_person_who_blocked_the_bot_is_marked_inactive_and_not_sent_the_rest(harness: Harness) -> None:
    ana = harness.client(601)
    harness.api.fail("sendMessage", 403, BLOCKED)
    await ana.send("/start")  # welcome, privacy notice and the consent question: three messages
    assert len(ana.since("sendMessage")) == 1  # the first failed; the other two were not tried
    async with UnitOfWork(harness.sessions) as uow:
        stored = await uow.people.get("tg:601")
    assert stored is not None and stored.active is False


async def test_flood_control_is_waited_out_and_the_message_sent_again(harness: Harness) -> None:
    ana = harness.client(602)
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    said = await ana.send("/start")
    assert harness.pauses == [7]
    sent = ana.since("sendMessage")
    assert len(sent) == 4 and sent[0] == sent[1]  # the first twice, then the other two
    assert "aviso de privacidad" in said


async def test_flood_control_twice_in_a_row_stops_this_reply(harness: Harness) -> None:
    ana = harness.client(603)
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 3", times=2, retry_after=3)
    await ana.send("/start")
    assert harness.pauses == [3] and len(ana.since("sendMessage")) == 2


async def test_network_errors_are_retried_with_backoff(harness: Harness) -> None:
    ana = harness.client(604)
    harness.api.fail("sendMessage", 502, "Bad Gateway", times=2)
    await ana.send("/start")
    assert harness.pauses == [0.5, 1.0]
    assert len(ana.since("sendMessage")) == 5  # two failures, then the three messages


async def test_network_errors_give_up_after_three_retries(harness: Harness) -> None:
    ana = harness.client(605)
    harness.api.fail("sendMessage", 502, "Bad Gateway", times=10)
    await ana.send("/start")
    assert harness.pauses == [0.5, 1.0, 2.0]
    assert len(ana.since("sendMessage")) == 4  # one try and three retries, then the reply stops


async def test_an_unavailable_database_gets_a_spanish_notice(make_harness: object) -> None:
    harness = await make_harness(Scripted(error=DatabaseUnavailable("sin conexión")))  # type: ignore[operator]
    said = await harness.client(606).send("hola")
    assert said.startswith("No puedo guardar nada en este momento")
    assert harness.api.of("sendMessage", ADMIN) == []  # not a bug: admins are not paged


async def test_a_tap_while_the_database_is_down_keeps_its_buttons(make_harness: object) -> None:
    harness = await make_harness(Scripted(error=DatabaseUnavailable("sin conexión")))  # type: ignore[operator]
    ana = harness.client(610)
    message = {"message_id": 5, "date": 0, "chat": ana.chat, "text": "¿Sí o no?",
               "reply_markup": {"inline_keyboard": [[{"text": "Sí", "callback_data": "paso|si"}]]}}
    said = await ana.process(ana.callback("paso|si", message))
    assert said.startswith("No puedo guardar nada en este momento")
    assert len(ana.since("answerCallbackQuery")) == 1
    assert ana.since("editMessageText") == [] and ana.since("editMessageReplyMarkup") == []


async def test_a_bug_pages_the_admins_with_the_traceback_escaped(make_harness: object) -> None:
    harness = await make_harness(Scripted(error=RuntimeError("<script> & co")))  # type: ignore[operator]
    ana = harness.client(607)
    said = await ana.send("hola")
    assert said.startswith("Perdón, algo falló de mi lado. Tu avance está guardado")
    (report,) = harness.api.of("sendMessage", ADMIN)
    assert report["parse_mode"] == "HTML"
    assert report["text"].startswith("Error al atender a tg:607 (actualización ")
    assert "<pre>Traceback (most recent call last):" in report["text"]
    assert "RuntimeError: &lt;script&gt; &amp; co" in report["text"]
    assert "<script>" not in report["text"] and len(report["text"]) < 4096


async def test_a_bug_during_a_tap_still_answers_the_button(make_harness: object) -> None:
    harness = await make_harness(Scripted(error=RuntimeError("boom")))  # type: ignore[operator]
    ana = harness.client(608)
    message = {"message_id": 5, "date": 0, "chat": ana.chat, "text": "¿Sí o no?",
               "reply_markup": {"inline_keyboard": [[{"text": "Sí", "callback_data": "paso|si"}]]}}
    said = await ana.process(ana.callback("paso|si", message))
    assert len(ana.since("answerCallbackQuery")) == 1
    assert said.startswith("Perdón, algo falló")


async def test_a_message_telegram_refuses_is_not_retried_but_reported(make_harness: object) -> None:
    harness = await make_harness(Scripted(Reply([MessageOut("hola")])))  # type: ignore[operator]
    harness.api.fail("sendMessage", 400, "Bad Request: can't parse entities")
    await harness.client(609).send("hola")
    assert harness.pauses == []  # a bad request is our bug, not the network's
    assert len(harness.api.of("sendMessage", ADMIN)) == 1
