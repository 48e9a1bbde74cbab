"""What the bot sends looks right on Telegram: split long texts, compact buttons, forged taps."""

from __future__ import annotations

import html

from bot.conversation import Reply
from bot.telegram.buttons import ButtonCodes
from bot.telegram.render import LIMIT, split_text, units
from flows.events import Button, MessageOut
from flows.inputs import Tap
from tests.bot.telegram.conftest import Harness, Scripted
from tests.bot.telegram.test_journey import state_of


def paragraph(letter: str, size: int = 2000) -> str:
    return " ".join([letter * 9] * (size // 10))[:size]


async def test_a_message_over_4096_characters_is_split_at_paragraph_boundaries(make_harness: object) -> None:
    text = "\n\n".join([paragraph("a"), paragraph("b"), paragraph("c")])
    buttons = (Button("Seguir", "seguir"),)
    harness = await make_harness(Scripted(Reply([MessageOut(text, buttons, step_id="largo")])))  # type: ignore[operator]
    ana = harness.client(701)
    await ana.send("hola")
    sent = ana.since("sendMessage")
    assert [html.unescape(p["text"]) for p in sent] == [f"{paragraph('a')}\n\n{paragraph('b')}", paragraph("c")]
    assert "reply_markup" not in sent[0]  # the keyboard rides on the last part
    assert sent[1]["reply_markup"]["inline_keyboard"] == [[{"text": "Seguir", "callback_data": "largo|seguir"}]]


def test_split_falls_back_to_lines_then_to_a_hard_cut() -> None:
    lines = "\n".join(paragraph(c, 1500) for c in "xyz")
    assert split_text(lines) == [f"{paragraph('x', 1500)}\n{paragraph('y', 1500)}", paragraph("z", 1500)]
    one_block = "w" * 9000
    assert [len(p) for p in split_text(one_block)] == [4096, 4096, 808]
    emoji = "🌱" * 3000  # two UTF-16 units each, as Telegram counts them
    parts = split_text(emoji)
    assert "".join(parts) == emoji and all(units(p) <= LIMIT for p in parts) and len(parts) == 2
    assert split_text("corto") == ["corto"]


def test_buttons_fit_in_64_bytes_and_decode_back() -> None:
    codes = ButtonCodes()
    assert codes.encode("sector", "sociedad_civil") == "sector|sociedad_civil"
    assert codes.decode("sector|sociedad_civil") == Tap("sociedad_civil", "sector")
    long_value = "una_opcion_con_un_valor_larguisimo_que_no_cabe_en_sesenta_y_cuatro_bytes"
    data = codes.encode("valores_ogp", long_value)
    assert len(data.encode()) <= 64 and data.startswith("#")
    assert codes.decode(data) == Tap(long_value, "valores_ogp")
    assert ButtonCodes().decode(data) is None  # another process, or after a restart: not ours
    for forged in ("", "sin-separador", "#inventado", "paso|", "\x00|x"):
        assert codes.decode(forged) is None


async def test_a_forged_callback_is_answered_politely_and_changes_nothing(harness: Harness) -> None:
    ana = harness.client(702)
    await ana.send("/start")
    question, _ = ana.keyboard_message("Sí")
    before = await state_of(harness, "tg:702")

    said = await ana.process(ana.callback("esto-no-es-un-boton", question))
    assert said == "" and ana.since("editMessageText") == []
    (answer,) = ana.since("answerCallbackQuery")
    assert answer["text"].startswith("No reconozco ese botón")

    # Well formed, but not a button of that message: refused before it reaches the engine.
    said = await ana.process(ana.callback("consentimiento|quizas", question))
    assert said == "" and ana.since("editMessageText") == []
    assert ana.since("answerCallbackQuery")[0]["text"].startswith("No reconozco ese botón")
    assert await state_of(harness, "tg:702") == before
    assert "reply_markup" in harness.api.messages[question["message_id"]]  # still usable

    said = await ana.tap("Sí")
    assert "¿Cómo te gustaría que te llame?" in said


async def test_a_tap_on_an_old_unanswered_keyboard_retires_it_without_a_check(harness: Harness) -> None:
    ana = harness.client(703)
    await ana.send("/start")
    question, data = ana.keyboard_message("Sí")
    await ana.send("sí")  # typed instead of tapped: the keyboard stays on the old message
    said = await ana.process(ana.callback(data, harness.api.messages[question["message_id"]]))
    assert said == ""
    assert "ya no corresponde" in ana.since("answerCallbackQuery")[0]["text"]
    (retired,) = ana.since("editMessageReplyMarkup")
    assert retired["message_id"] == question["message_id"] and "reply_markup" not in retired
