"""Who is writing, and what they wrote, as the engine sees it.

Person keys: a sender id is whatever the Rasa channel says it is (the REST channel takes it from
the request), so it is never taken for a Telegram identity, numeric or not: every sender is
`rasa:<sender_id>`. A person links a sender to their Telegram identity only with a one-time code
from Telegram (bot/rasa/linking.py).

Text: JSON may carry lone surrogates ("\\ud800"), which no database or UTF-8 output can encode,
and control characters; `clean` runs every string Rasa sends through the same cleaning as the
other channels' typed text (bot/typed.py) before any action reads it.

Buttons: a step's button travels as the payload `/responder{"cocrea_boton": "<step_id>|<value>"}`.
Rasa reads a payload that starts with `/` as the intent `responder` with the entity
`cocrea_boton`, without asking the NLU model, and its rules send `responder` to
`action_cocrea_paso`, which turns the entity back into `Tap(value, step_id)`: the engine
then refuses a button of an earlier step, exactly as on Telegram. Telegram limits a button's
payload to 64 bytes; a longer one travels as the option's label, which the engine accepts as a
typed answer (choices are read by number, value or label).
"""

from __future__ import annotations

import json
from typing import Any

from bot import typed
from bot.terminal import read_input
from flows.events import Button
from flows.inputs import Command, Input, Tap

TAP_INTENT, TAP_ENTITY = "responder", "cocrea_boton"
SEPARATOR = "|"
MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit, which Rasa's Telegram channel uses
RASA_PREFIX = "rasa:"


def sender_of(sender_id: str) -> str:
    return str(sender_id).strip()


def person_key(sender_id: str) -> str:
    """`rasa:<sender_id>`, whatever the sender id looks like: Rasa senders have their own address space."""
    return f"{RASA_PREFIX}{sender_of(sender_id)}"


def clean(value: Any) -> Any:
    """`value` (JSON as Rasa sent it) with every string cleaned as typed text, keys included."""
    if isinstance(value, str):
        return typed.clean(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def button_payload(button: Button, step_id: str | None) -> str:
    entity = json.dumps({TAP_ENTITY: f"{step_id or ''}{SEPARATOR}{button.value}"}, ensure_ascii=False)
    payload = f"/{TAP_INTENT}{entity}"
    if len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES:
        return payload
    return button.label


def rasa_buttons(message_buttons: tuple[Button, ...], step_id: str | None) -> list[dict[str, str]]:
    return [{"title": b.label, "payload": button_payload(b, step_id)} for b in message_buttons]


def decode_tap(value: str) -> Tap | None:
    step_id, separator, button_value = value.partition(SEPARATOR)
    if not separator or not button_value:
        return None
    return Tap(button_value, step_id or None)


def entity_value(latest_message: dict[str, Any], name: str) -> str | None:
    """The value of the first entity called `name` in Rasa's latest user message."""
    for entity in latest_message.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


def read_message(latest_message: dict[str, Any]) -> Input:
    """The person's latest message as an engine input: a tap, a command or text."""
    tapped = entity_value(latest_message, TAP_ENTITY)
    if tapped is not None:
        tap = decode_tap(tapped)
        if tap is not None:
            return tap
    text = str(latest_message.get("text") or "").strip()
    if not text or text.startswith(f"/{TAP_INTENT}"):
        return Command("continuar")  # nothing to answer with: show where they are
    return read_input(text, (), None)
