"""Every waiting step of every flow, tried with wrong answers and then a right one.

For each question (and each summary) of every kit and every other flow, the run is put on that
step with the answers of a whole walk, then fed what people really send by mistake: nothing, a
text that is too long, words where a number goes, a date that does not exist, a number out of
range, an option that is not there, a sticker, a photo where a text goes. Each one must get a
Spanish explanation and leave the run where it was with the same answers. Then a valid answer
(the question's own example, or the first option) must move the run on. The pure engine is
driven directly, with sample host lists (a commitment, an indicator …), so no database is needed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache

import pytest

from flows import engine
from flows.events import AnswerSaved, ContentError, Event, MessageOut
from flows.inputs import File, Input, Repeat, Tap, Text, Unsupported
from flows.loader import load_checked
from flows.model import Step
from flows.records import SAMPLE_LISTS
from flows.state import ACTIVE, DONE, RunState
from flows.steps.crossfield import RAW_PREFIX
from flows.walk import next_input, walk

CONTENT = load_checked()
NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
CONTEXT = {"person": {"name": "Ana", "sector": "sociedad_civil"},
           "secretariat": {"name": "STL de prueba", "kind": "stl"}, "lists": SAMPLE_LISTS}
WAITING = ("question", "summary")
DEFAULT_MAX_LENGTH = {"short_text": 200, "long_text": 2000}
SPANISH = re.compile(r"[áéíóúñ¿¡]|\b(de|la|el|que|un|una|no|es|escribe|elige|toca|por|con)\b", re.IGNORECASE)
BARE_KEY = re.compile(r"[a-z0-9_]+")  # a ui.yaml key shown as is: its text is missing
PHOTO = File("photo", "AgACAgEAAxkBAAIBZ2Zphoto", None, "image/jpeg")
# A sticker and a voice note, named as the Telegram channel names them (ui.yaml bot.kind_*).
STICKER, VOICE = (Unsupported(str(CONTENT.ui["bot"][key])) for key in ("kind_sticker", "kind_voice"))


def waiting_steps() -> list[tuple[str, str]]:
    return [(flow.id, step.id) for flow in CONTENT.flows.values() for step in flow.steps.values()
            if step.type in WAITING]


@cache
def walked_answers(flow_id: str) -> dict[str, object]:
    """The answers a cooperative person leaves after the whole flow (so texts and `within` work)."""
    return dict(walk(CONTENT, flow_id, NOW, CONTEXT).state.answers)


def standing_at(flow_id: str, step: Step) -> RunState:
    """A run waiting on `step`, with every walked answer except this question's own."""
    flow = CONTENT.flows[flow_id]
    answers = walked_answers(flow_id)
    if step.type == "question":
        answers = {k: v for k, v in answers.items() if k != step.save_as}
    ahead = tuple(flow.order[flow.order.index(step.id) + 1:])
    # Rounds a record step ahead would write are not written yet (the cross-field rules read them).
    unwritten = {RAW_PREFIX + str(flow.steps[s].get("collect_as")) for s in ahead if flow.steps[s].type == "record"}
    answers = {k: v for k, v in answers.items() if k not in unwritten}
    return RunState(flow_id=flow_id, step_id=step.id, answers=answers, status=ACTIVE, ahead=ahead)


def _iso(day: object) -> date:
    return date.fromisoformat(str(day))


def invalid_inputs(step: Step) -> list[Input]:
    """What people send by mistake at this step, for its kind of answer."""
    wrong: list[Input] = [STICKER, VOICE]
    if step.type == "summary":
        return [*wrong, Text("tal vez"), Text(""), Tap("no_existe", step.id), PHOTO]
    kind = str(step.get("answer"))
    if kind != "file":
        wrong.append(PHOTO)
    wrong.append(Text(""))
    if kind in DEFAULT_MAX_LENGTH:
        longest = int(step.get("max_length") or DEFAULT_MAX_LENGTH[kind])
        wrong.append(Text("Mucho texto. " * (longest // 12 + 2)))
        if int(step.get("min_length") or 1) > 2:
            wrong.append(Text("ok"))
    elif kind in ("number", "integer", "percentage"):
        wrong.append(Text("abc"))
        low, high = (0, 100) if kind == "percentage" else (step.get("min"), step.get("max"))
        if low is not None:
            wrong.append(Text(str(low - 1)))
        if high is not None:
            wrong.append(Text(str(high + 1)))
        if kind == "integer":
            wrong.append(Text("2.5"))
    elif kind == "date":
        wrong += [Text("31/02/2026"), Text("el próximo martes")]
        if step.get("min") is not None:
            wrong.append(Text((_iso(step.get("min")) - timedelta(days=1)).strftime("%d/%m/%Y")))
        if step.get("max") is not None:
            wrong.append(Text((_iso(step.get("max")) + timedelta(days=1)).strftime("%d/%m/%Y")))
    elif kind == "yes_no":
        wrong += [Text("tal vez"), Tap("quizas", step.id)]
    elif kind in ("choice", "multi_choice"):
        wrong += [Text("999"), Text("una opción que no existe"), Tap("no_existe", step.id)]
        if kind == "multi_choice" and step.get("max_choices"):
            wrong.append(Text(", ".join(str(n) for n in range(1, int(step.get("max_choices")) + 2))))
    elif kind == "email":
        wrong += [Text("correo-sin-arroba"), Text("ana@")]
    elif kind == "url":
        wrong += [Text("en la página del municipio"), Text("ftp//roto")]
    elif kind == "file":
        wrong.append(Text("mandé la foto por correo"))
    return wrong


def said(events: list[Event]) -> str:
    return "\n".join(e.text for e in events if isinstance(e, MessageOut))


def assert_explained(events: list[Event], where: str) -> None:
    text = said(events)
    assert text.strip(), f"{where}: sin respuesta"
    assert "Traceback" not in text and "{{" not in text and "{%" not in text, f"{where}: {text!r}"
    first = text.strip().splitlines()[0].strip()
    assert not BARE_KEY.fullmatch(first), f"{where}: falta el texto de ui.yaml «{first}»"
    assert SPANISH.search(text), f"{where}: no parece una explicación en español: {text!r}"
    assert not [e for e in events if isinstance(e, ContentError)], f"{where}: {events}"


@pytest.mark.parametrize(("flow_id", "step_id"), waiting_steps())
def test_wrong_answers_are_explained_and_a_right_one_moves_on(flow_id: str, step_id: str) -> None:
    step = CONTENT.flows[flow_id].steps[step_id]
    state = standing_at(flow_id, step)
    for inp in invalid_inputs(step):
        where = f"{flow_id}.{step_id} con {inp!r}"[:160]
        after, events = engine.step(CONTENT, state, inp, NOW, CONTEXT)
        assert_explained(events, where)
        assert (after.step_id, after.status, after.mode) == (step_id, ACTIVE, None), where
        assert after.answers == state.answers, where
        assert not [e for e in events if isinstance(e, AnswerSaved)], where

    _, prompt = engine.step(CONTENT, state, Repeat(), NOW, CONTEXT)
    valid = next_input(CONTENT, state, prompt)
    after, events = engine.step(CONTENT, state, valid, NOW, CONTEXT)
    where = f"{flow_id}.{step_id} con {valid!r}"[:160]
    assert not [e for e in events if isinstance(e, ContentError)], where
    assert after.step_id != step_id or after.status == DONE, f"{where}: no avanzó; dijo {said(events)!r}"
    if step.type == "question":
        assert after.answers.get(step.save_as) is not None, where


def test_every_flow_and_every_answer_type_is_tried() -> None:
    steps = waiting_steps()
    tried = {(flow_id, step_id): len(invalid_inputs(CONTENT.flows[flow_id].steps[step_id])) + 1
             for flow_id, step_id in steps}
    flows = {flow_id for flow_id, _ in steps}
    assert {f.id for f in CONTENT.kits()} <= flows and "autodiagnostico" in flows
    questions = [CONTENT.flows[f].steps[s] for f, s in steps if CONTENT.flows[f].steps[s].type == "question"]
    kinds = {str(step.get("answer")) for step in questions}
    assert {"short_text", "long_text", "integer", "date", "yes_no", "choice", "multi_choice", "email", "url"} <= kinds
    print(f"\n{len(steps)} pasos en {len(flows)} flujos; {sum(tried.values())} pares (paso, entrada) probados")
