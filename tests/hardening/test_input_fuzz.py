"""Anything a person can send, at every waiting step of every flow, through the pure engine.

Builds on tests/content/test_every_step.py (which tries the usual mistakes, step by step): here the
inputs are hostile or random: any Unicode (control characters, right-to-left marks, emoji, 10,000
characters, blanks), commands, stickers and voice notes, files where a text goes, and taps with
random, forged or old callback values. Whatever it is: no exception, a non-empty answer, and unless
the input was accepted as the answer (an AnswerSaved event) or is a navigation word, the run stays
on the same step with the same answers.

CI runs a deterministic pass over every step plus HARDENING examples (conftest.py); set
COCREA_HARDENING_EXAMPLES for more.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from flows import engine
from flows.events import AnswerSaved, ContentError, Event, MessageOut
from flows.inputs import Command, File, Input, Tap, Text, Unsupported
from flows.state import RunState
from flows.text import normalize
from tests.content.test_every_step import CONTENT, CONTEXT, NOW, PHOTO, STICKER, VOICE, standing_at, waiting_steps
from tests.hardening.conftest import HARDENING

STEPS = waiting_steps()
NAVIGATION = {normalize(str(word)) for words in CONTENT.ui["navigation"].values() for word in words}
NAVIGATION_COMMANDS = set(engine.NAVIGATION_COMMANDS)
DOCUMENT = File("document", "BQACAgEAAxkBAAIBdocument", "acta.pdf", "application/pdf")
NASTY_TEXTS = [
    "", " ", "\n\t ", "\u200b", "\u202e\u05e9\u05dc\u05d5\u05dd 123", "مرحبا بالعالم", "🙂🔥👩‍👩‍👧‍👦",
    "\x00\x01\x1b[31m",  # an ANSI escape: its "[" made urllib raise on a URL question (fixed)
    "\ud7ff\ufffd\uffff", "A" * 10_000, "ñ" * 10_000, "1" * 400, "-1e309", "NaN", "inf", "0x1F", "١٢٣",
    "31/02/2026", "9999-99-99", "{{ 7*7 }}", "{% for x in range(9**9) %}x{% endfor %}", "<b>hola</b>",
    "'; DROP TABLE people; --", "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1", "0", "-0", "1" + "0" * 40, "@", "http://",
]
OTHER = [STICKER, VOICE, Unsupported("video"), Unsupported(""), PHOTO, DOCUMENT,
         File("photo", "", None, None), Command("inexistente"), Command("x" * 300, "y" * 5000), Command("", "")]
tried = {"inputs": 0}


def navigation(inp: Input) -> bool:
    if isinstance(inp, Command):
        return inp.name in NAVIGATION_COMMANDS
    return isinstance(inp, Text) and normalize(inp.text) in NAVIGATION


def forged_taps(flow_id: str, step_id: str) -> list[Tap]:
    flow = CONTENT.flows[flow_id]
    other = next((s for s in flow.order if s != step_id), "otro")
    return [Tap("no_existe", step_id), Tap("", step_id), Tap("1", other), Tap("confirm", other),
            Tap("x" * 64, "paso_que_no_existe"), Tap("\x00", None), Tap("999999", step_id)]


def check(state: RunState, inp: Input, where: str) -> None:
    tried["inputs"] += 1
    after, events = engine.step(CONTENT, state, inp, NOW, CONTEXT)
    said = "\n".join(e.text for e in events if isinstance(e, MessageOut))
    assert said.strip(), f"{where}: sin respuesta"
    assert "Traceback" not in said, where
    assert not [e for e in events if isinstance(e, ContentError)], f"{where}: {events}"
    if not _accepted(events) and not navigation(inp):
        assert (after.step_id, after.status, after.answers) == (state.step_id, state.status, state.answers), \
            f"{where}: la ejecución cambió con una entrada no válida; dijo {said[:200]!r}"


def _accepted(events: list[Event]) -> bool:
    return any(isinstance(e, AnswerSaved) for e in events)


def test_every_waiting_step_survives_hostile_inputs() -> None:
    for flow_id, step_id in STEPS:
        state = standing_at(flow_id, CONTENT.flows[flow_id].steps[step_id])
        for inp in [*map(Text, NASTY_TEXTS), *OTHER, *forged_taps(flow_id, step_id)]:
            check(state, inp, f"{flow_id}.{step_id} con {inp!r}"[:160])
    print(f"\nentradas hostiles probadas en {len(STEPS)} pasos: {tried['inputs']}")


def _states() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(STEPS)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300) | st.text(
    string.printable, max_size=40) | st.builds(lambda s, n: s * n, st.text(max_size=5), st.integers(0, 3000))
inputs: Any = st.one_of(
    text.map(Text),
    st.builds(Command, st.text(string.ascii_lowercase + "_", max_size=20), text),
    st.builds(Unsupported, st.text(max_size=20)),
    st.builds(File, st.sampled_from(["photo", "document"]), st.text(max_size=30),
              st.none() | st.text(max_size=30), st.none() | st.text(max_size=20)),
    st.builds(Tap, text, st.none() | st.text(max_size=30)),
)


@HARDENING
@given(where=_states(), inp=inputs)
def test_random_inputs_at_random_steps(where: tuple[str, str], inp: Input) -> None:
    flow_id, step_id = where
    state = standing_at(flow_id, CONTENT.flows[flow_id].steps[step_id])
    check(state, inp, f"{flow_id}.{step_id} con {inp!r}"[:200])


@HARDENING
@given(where=_states(), data=st.data())
def test_forged_and_old_taps_never_answer(where: tuple[str, str], data: st.DataObject) -> None:
    """A tap naming another step (an old message) or a value no button had changes nothing."""
    flow_id, step_id = where
    flow = CONTENT.flows[flow_id]
    state = standing_at(flow_id, flow.steps[step_id])
    other = data.draw(st.sampled_from([s for s in flow.order if s != step_id] or ["otro"]))
    value = data.draw(st.sampled_from(["1", "2", "si", "no", "confirm", "fix", "keep"]) | st.text(max_size=10))
    tried["inputs"] += 1
    after, events = engine.step(CONTENT, state, Tap(value, other), NOW, CONTEXT)
    assert not _accepted(events)
    assert (after.step_id, after.answers) == (state.step_id, state.answers)
    assert any(isinstance(e, MessageOut) and e.text.strip() for e in events)
