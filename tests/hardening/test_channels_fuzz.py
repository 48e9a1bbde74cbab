"""Hostile input through the real loop (Conversation on SQLite) and through the Telegram Application.

- Conversation: at a question of Kit 5, hostile inputs (tests/hardening/test_input_fuzz.py) must leave
  the stored run exactly as the pure engine says (unchanged unless it accepted the answer), and always
  get a non-empty answer.
- Telegram: random bytes, another step's id and made-up values as callback_data, on a message with
  its keyboard and on one without (an old message): answered kindly, nothing changes. A list option
  carrying another secretariat's commitment id is refused and shows nothing of it.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from typing import Any

from bot.conversation import Conversation
from flows import engine
from flows.events import AnswerSaved
from flows.inputs import Command, Input, Tap, Text
from flows.state import RunState
from storage import UnitOfWork
from tests.bot.telegram.conftest import Client, Harness
from tests.bot.test_conversation import Member, onboard
from tests.hardening.conftest import CONTENT, EXAMPLES, NOW, Clock
from tests.hardening.test_input_fuzz import NASTY_TEXTS, OTHER

TAPS = int(os.environ.get("COCREA_HARDENING_TAPS", "0") or 0) or max(EXAMPLES, 40)


async def stored(sessions: Any, key: str) -> tuple[str | None, str, dict[str, Any]]:
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(key)
        assert person is not None
        run = await uow.runs.current(person)
        assert run is not None
        state = RunState.from_json(run.state)
        return run.flow_id, str(state.step_id), dict(state.answers)


async def test_the_loop_stores_exactly_what_the_engine_accepts(sessions: Any) -> None:
    conversation = Conversation(lambda: CONTENT, sessions, clock=Clock(), default_secretariat="STL Fuzz")
    ana = Member(conversation, "tg:6201")
    await onboard(ana)
    await ana.send(Command("continuar", "5"))
    inputs: list[Input] = [*map(Text, NASTY_TEXTS), *OTHER, Tap("999", None), Tap("x", "otro_paso")]
    for inp in inputs:
        before = await stored(sessions, "tg:6201")
        async with UnitOfWork(sessions) as uow:
            person = await uow.people.get("tg:6201")
            run = await uow.runs.current(person)  # type: ignore[arg-type]
            state = RunState.from_json(run.state)  # type: ignore[union-attr]
        _, events = engine.step(CONTENT, state, inp, NOW, {"person": {}, "secretariat": {}, "lists": {}})
        said = await ana.send(inp)
        assert said.strip(), f"{inp!r}: sin respuesta"
        if not any(isinstance(e, AnswerSaved) for e in events) and not isinstance(inp, Command):
            assert await stored(sessions, "tg:6201") == before, f"{inp!r}"[:120]


def forged_data(rng: random.Random, step_ids: list[str]) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))).decode("utf-8", "replace")[:64]
    if kind == 1:
        return f"{rng.choice(step_ids)}|{rng.randint(0, 99)}"
    if kind == 2:
        return "#" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") for _ in range(20))
    if kind == 3:
        return f"sector|{rng.choice(['gobierno_x', '', '../../', '0', '-1', 'ñ' * 20])}"
    return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randint(1, 30)))


async def run_state(harness: Harness, key: str) -> list[Any]:
    async with UnitOfWork(harness.sessions) as uow:
        person = await uow.people.get(key)
        runs = await uow.runs.of_person(person) if person else []
        return sorted((r.id, r.flow_id, r.status, repr(r.state)) for r in runs)


async def test_forged_callback_data_is_refused_and_changes_nothing(harness: Harness) -> None:
    ana = harness.client(6301)
    await ana.send("/start")
    await ana.tap("Sí")
    await ana.send("Ana")
    question, valid = ana.keyboard_message("Sociedad civil")
    buttons = {b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row}
    old = {k: v for k, v in question.items() if k != "reply_markup"}  # as an old message is seen
    before = await run_state(harness, "tg:6301")
    rng = random.Random(6301)
    steps = [*CONTENT.flows["inicio"].order, "kit8", "compromiso"]
    tried = 0
    for _ in range(TAPS):
        data = forged_data(rng, steps)
        if data in buttons:
            continue
        for message in (question, old):
            said = await ana.process(ana.callback(data, message))
            answers = ana.since("answerCallbackQuery")
            assert len(answers) == 1, data  # the button never keeps spinning
            assert said == "" or "ya no corresponde" in said or "No reconozco" in said or "opciones" in said, \
                f"{data!r}: {said!r}"
            tried += 1
    assert await run_state(harness, "tg:6301") == before
    assert "reply_markup" in harness.api.messages[question["message_id"]]
    assert valid in buttons and "¿Con qué kit" in await ana.tap("Sociedad civil")
    print(f"\n{tried} callback_data falsificados")


async def test_another_secretariats_commitment_in_a_list_option_is_refused(harness: Harness) -> None:
    async with UnitOfWork(harness.sessions) as uow:
        a = await uow.secretariats.add("STL Alfa")
        b = await uow.secretariats.add("STL Beta")
        theirs = await uow.commitments.create(a.id)
        await uow.commitments.update_fields(theirs, {"title": "Secreto-Alfa-Tlacuache"})
        ours = await uow.commitments.create(b.id)
        await uow.commitments.update_fields(ours, {"title": "Compromiso de Beta"})
        theirs_id = theirs.id
        _, code = await uow.invites.create(b, "member", now=datetime.now(UTC))
    bea: Client = harness.client(6302, "Bea")
    await bea.send(f"/start {code}")
    await bea.tap("Sí")
    await bea.send("Bea")
    await bea.tap("Sociedad civil")
    said = await bea.send("/continuar 8")
    assert "Tlacuache" not in said
    question = next(m for m in reversed(list(harness.api.messages.values())) if m.get("reply_markup"))
    labels = {b["text"]: b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row}
    assert not [label for label in labels if "Tlacuache" in label], labels
    data = next(d for label, d in labels.items() if "Beta" in label)
    step_id = data.partition("|")[0]
    before = await run_state(harness, "tg:6302")
    for forged in (f"{step_id}|{theirs_id}", f"{step_id}|{theirs_id} ", f"{step_id}|0{theirs_id}"):
        for message in (question, {k: v for k, v in question.items() if k != "reply_markup"}):
            said = await bea.process(bea.callback(forged, message))
            assert "Tlacuache" not in said
            (answer,) = bea.since("answerCallbackQuery")
            assert said.strip() or answer.get("text"), forged  # refused in words, never silently
    assert await run_state(harness, "tg:6302") == before
