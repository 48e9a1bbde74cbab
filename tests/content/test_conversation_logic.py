"""Issue 19 item 6: Kit 3 offers only the risks marked; Kit 2's counter never jumps and «saltar»
means one thing (leave the question for later)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from flows import engine
from flows.events import MessageOut
from flows.inputs import Begin, Text
from flows.loader import load_checked
from flows.walk import next_input, walk_context

CONTENT = load_checked()
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def run_until(flow_id: str, stop: str, typed: dict[str, str]) -> tuple[object, list[str], MessageOut]:
    """Walk `flow_id` with its examples (or `typed` answers) until `stop` is asked; every text read."""
    context = walk_context()
    state, events = engine.step(CONTENT, engine.start(flow_id), Begin(), NOW, context)
    read: list[str] = []
    for _ in range(200):
        read += [e.text for e in events if isinstance(e, MessageOut)]
        if state.step_id == stop:
            return state, read, [e for e in events if isinstance(e, MessageOut)][-1]
        inp = Text(typed[state.step_id]) if state.step_id in typed else next_input(CONTENT, state, events)
        state, events = engine.step(CONTENT, state, inp, NOW, context)
    raise AssertionError(f"{stop} never asked")


def test_kit3_main_risk_offers_only_the_risks_marked() -> None:
    _, _, asked = run_until("kit3", "riesgo_principal", {"riesgos": "2, 6"})
    assert [b.label for b in asked.buttons] == ["Desconfianza", "Falta de recursos"]


@pytest.mark.parametrize("missing", ["1, 2", "4, 5"])  # with and without civil society missing
def test_kit2_step_counter_never_jumps(missing: str) -> None:
    _, read, _ = run_until("kit2", "resumen", {"sectores_faltantes": missing})
    steps = [int(m.group(1)) for text in read for m in [re.search(r"Paso (\d+) de 13", text)] if m]
    assert steps == sorted(steps) and all(b - a <= 1 for a, b in zip(steps, steps[1:], strict=False)), steps
    assert steps[-1] == 13


def test_kit2_saltar_only_leaves_a_question_for_later() -> None:
    texts = [str(s.get("text")) for s in CONTENT.flows["kit2"].steps.values()]
    assert not any("escribe «saltar»" in t for t in texts)
