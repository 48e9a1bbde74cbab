"""Issue 19 item 6: a past date for a future event is questioned kindly; examples of dates are
relative to today, never a fixed day that has already passed."""

from __future__ import annotations

import re
from collections.abc import Callable

from flows.events import MessageOut
from flows.inputs import Tap, Text
from flows.loader import load_checked
from flows.steps import REGISTRY
from tests.flows.conftest import Driver

FLOW = """\
format: 1
id: prueba
kind: flow
title: Prueba
steps:
  - id: reunion
    type: question
    answer: date
    future: true
    text: "¿Cuándo es la próxima reunión?"
    help: "Para recordarla."
    example: "{{ today | dias_despues(14) }}"
  - id: fin
    type: end
    text: "Nos vemos el {{ shown.reunion }}."
"""


def test_a_past_date_for_a_future_event_is_questioned_and_can_be_kept(make_driver: Callable[..., Driver]) -> None:
    driver = make_driver(FLOW)
    driver.begin()
    driver.send(Text("01/03/2026"))  # NOW is 21/11/2026
    assert driver.state.step_id == "reunion" and "reunion" not in driver.state.answers
    assert "Esa fecha, 1 de marzo de 2026, ya pasó" in driver.said
    assert driver.buttons == ["Sí, es correcta", "No, la cambio"]
    driver.send(Tap("~past_ok", "reunion"))
    assert driver.state.answers["reunion"] == "2026-03-01"


def test_no_asks_the_date_again_and_a_new_date_is_read_as_the_answer(make_driver: Callable[..., Driver]) -> None:
    driver = make_driver(FLOW)
    driver.begin()
    driver.send(Text("01/03/2026"))
    driver.send(Text("no"))
    assert driver.state.step_id == "reunion" and "¿Cuándo es la próxima reunión?" in driver.said
    driver.send(Text("01/03/2026"))
    driver.send(Text("05/12/2026"))  # a new date instead of yes or no
    assert driver.state.answers["reunion"] == "2026-12-05"


def test_a_future_date_is_not_questioned(make_driver: Callable[..., Driver]) -> None:
    driver = make_driver(FLOW)
    driver.begin()
    driver.send(Text("05/12/2026"))
    assert driver.state.answers["reunion"] == "2026-12-05" and "ya pasó" not in driver.said


def test_a_relative_example_shows_a_date_after_today(make_driver: Callable[..., Driver]) -> None:
    driver = make_driver(FLOW)
    driver.begin()
    driver.send(Text("ayuda"))
    assert "Por ejemplo: 05/12/2026" in driver.said  # NOW + 14 days
    assert not [e for e in driver.events if isinstance(e, MessageOut) and "{{" in e.text]


def test_no_shipped_example_is_a_fixed_date() -> None:
    content = load_checked()
    fixed = [f"{flow.id}.{step.id}" for flow in content.flows.values() for step in flow.steps.values()
             for key, text in REGISTRY[step.type].texts(step) if key == "example"
             and step.get("answer") == "date" and re.search(r"\d{2}/\d{2}/20\d{2}", text)]
    assert fixed == []
