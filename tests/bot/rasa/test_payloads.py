"""Sender ids as people, and buttons that come back as taps on the right step."""

from __future__ import annotations

import json

from bot.rasa.payloads import button_payload, person_key, read_message
from flows.events import Button
from flows.inputs import Command, Tap, Text


def test_every_sender_is_a_rasa_person_even_a_numeric_one() -> None:
    assert person_key("123456789") == "rasa:123456789"
    assert person_key("-100200") == "rasa:-100200"
    assert person_key("ana@web") == "rasa:ana@web"


def test_a_button_comes_back_as_a_tap_on_its_step() -> None:
    payload = button_payload(Button("Sí", "si"), "consentimiento")
    intent, _, entities = payload[1:].partition("{")
    message = {"text": payload, "intent": {"name": intent},
               "entities": [{"entity": k, "value": v} for k, v in json.loads("{" + entities).items()]}
    assert read_message(message) == Tap("si", "consentimiento")


def test_a_button_too_long_for_telegram_sends_its_label_which_the_step_accepts() -> None:
    label = "Kit 6 · Construir compromisos de Desarrollo Sostenible"
    payload = button_payload(Button(label, "kit6_" + "x" * 60), "elegir_kit")
    assert payload == label
    assert read_message({"text": payload, "entities": []}) == Text(label)


def test_typed_text_and_commands() -> None:
    assert read_message({"text": "  Agua para todos "}) == Text("Agua para todos")
    assert read_message({"text": "/kits"}) == Command("kits")
    assert read_message({"text": ""}) == Command("continuar")
