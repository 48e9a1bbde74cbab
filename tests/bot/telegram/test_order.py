"""Updates of one chat strictly in order; different chats side by side; a double tap acts once."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.conversation import Reply
from flows.events import MessageOut
from tests.bot.telegram.conftest import Harness
from tests.bot.telegram.test_journey import KIT5, onboard, state_of

ANSWERS = {  # the first five questions of Kit 5 and an answer each would take
    "mecanismos": ("1, 2", ["consulta_publica", "mesas_de_trabajo"]),
    "titulo": ("Agua con horarios claros", "Agua con horarios claros"),
    "problema": ("En 40 colonias del oriente de Xalapa el agua llega sin horario fijo ni aviso.", None),
    "linea_base": ("3,200 reportes de falta de agua en 2023", None),
    "causas": ("Tuberías viejas y tandeo sin reglas", None),
}


async def test_five_messages_from_one_chat_at_once_are_handled_in_order(harness: Harness) -> None:
    lupita = harness.client(801)
    await onboard(lupita)
    await lupita.tap(KIT5)
    updates = [lupita.message(text) for text, _ in ANSWERS.values()]
    lupita.mark = len(harness.api.calls)

    await asyncio.gather(*(harness.app.process_update(u) for u in updates))

    step, answers = await state_of(harness, "tg:801")
    assert list(answers)[-5:] == list(ANSWERS)
    assert [answers[name] for name in ANSWERS] == [
        expected if expected is not None else text for text, expected in ANSWERS.values()
    ]
    steps = [p["text"].split("\n")[0] for p in lupita.since("sendMessage") if p["text"].startswith("Paso ")]
    assert steps == sorted(steps, key=lambda s: int(s.split()[1])) and len(steps) == 5


async def test_different_chats_are_handled_side_by_side(make_harness: Any) -> None:
    second_arrived = asyncio.Event()

    class Waiting:
        """Chat 1 cannot finish until chat 2 has been handled: serialising them would hang."""

        async def handle(self, key: str, inp: Any, **kwargs: Any) -> Reply:
            if key == "tg:811":
                await asyncio.wait_for(second_arrived.wait(), timeout=5)
            else:
                second_arrived.set()
            return Reply([MessageOut(f"hola {key}")])

    harness: Harness = await make_harness(Waiting())
    first, second = harness.client(811), harness.client(812)
    await asyncio.gather(harness.app.process_update(first.message("uno")),
                         harness.app.process_update(second.message("dos")))
    sent = [p["text"] for p in harness.api.of("sendMessage")]
    assert sent == ["hola tg:812", "hola tg:811"]


async def test_a_double_tap_advances_once(harness: Harness) -> None:
    ana = harness.client(813)
    await ana.send("/start")
    question, data = ana.keyboard_message("Sí")
    ana.mark = len(harness.api.calls)

    await asyncio.gather(*(harness.app.process_update(ana.callback(data, question)) for _ in range(2)))

    assert len(ana.since("answerCallbackQuery")) == 2  # both answered
    assert len(ana.since("editMessageText")) == 1  # the question retired once
    assert sum("¿Cómo te gustaría que te llame?" in p["text"] for p in ana.since("sendMessage")) == 1
    step, answers = await state_of(harness, "tg:813")
    assert step == "nombre" and answers == {"consentimiento": True}


async def test_typing_shows_only_while_a_reply_takes_a_while(make_harness: Any, monkeypatch: Any) -> None:
    import bot.telegram.handlers as handlers

    monkeypatch.setattr(handlers, "TYPING_AFTER", 0.05)
    slow = asyncio.Event()

    class Sometimes:
        async def handle(self, key: str, inp: Any, **kwargs: Any) -> Reply:
            if slow.is_set():
                await asyncio.sleep(0.5)  # a chart or an export being made
            return Reply([MessageOut("listo")])

    harness: Harness = await make_harness(Sometimes())
    ana = harness.client(821)
    await ana.send("rápido")
    assert [name for name, _ in ana.calls] == ["sendMessage"]  # an instant reply: no flicker
    slow.set()
    await ana.send("lento")
    assert [name for name, _ in ana.calls] == ["sendChatAction", "sendMessage"]
    assert ana.since("sendChatAction")[0]["action"] == "typing"
