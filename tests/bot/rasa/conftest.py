"""The real rasa-sdk action server with Cocrea's actions, on 127.0.0.1, driven like Rasa drives it."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sanic import Sanic

from bot.rasa.server import build_app
from flows.loader import load_checked
from storage import UnitOfWork
from storage.repositories.rasa_links import RasaLinks

CONTENT = load_checked()
RASA_DIR = Path(__file__).resolve().parents[3] / "docker" / "rasa"
TOKEN = "un-secreto-compartido-con-rasa"  # COCREA_ACTIONS_TOKEN, as endpoints.yml sends it
DOMAIN: dict[str, Any] = yaml.safe_load((RASA_DIR / "domain.yml").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RasaClient:
    """Sends what a Rasa 3.6 server sends to its action endpoint, and keeps each sender's tracker.

    Only what the actions read is kept: slots (applied from returned SlotSet events), the latest
    user message (text, intent, entities) and the events since it (for the form's validation).
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.slots: dict[str, dict[str, Any]] = {}
        self.latest: dict[str, dict[str, Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}

    def says(self, sender: str, text: str, intent: str = "responder", **entities: str) -> None:
        found = [{"entity": k, "value": v, "start": 0, "end": len(text), "extractor": "DIETClassifier"}
                 for k, v in entities.items()]
        self.latest[sender] = {"text": text, "intent": {"name": intent, "confidence": 0.98},
                               "entities": found, "intent_ranking": []}
        self.events[sender] = [{"event": "user", "text": text, "parse_data": self.latest[sender]}]

    def set_slot(self, sender: str, name: str, value: Any) -> None:
        """A slot filled by Rasa's slot mappings after the latest message (what forms validate)."""
        self.slots.setdefault(sender, {})[name] = value
        self.events[sender].append({"event": "slot", "name": name, "value": value})

    def body(self, action: str, sender: str) -> dict[str, Any]:
        slots = {name: None for name in DOMAIN.get("slots", {})}
        slots.update(self.slots.get(sender, {}))
        if action.startswith("validate_"):
            slots["requested_slot"] = slots.get("requested_slot")
        return {
            "next_action": action,
            "sender_id": sender,
            "tracker": {
                "sender_id": sender,
                "slots": slots,
                "latest_message": self.latest.get(sender, {"text": "", "intent": {}, "entities": []}),
                "events": [{"event": "action", "name": "action_session_start"}, *self.events.get(sender, [])],
                "paused": False,
                "followup_action": None,
                "active_loop": {"name": "reporte_indicador_form"} if action.startswith("validate_") else {},
                "latest_action_name": "action_listen",
            },
            "domain": DOMAIN,
            "version": "3.6.20",
        }

    async def run(self, action: str, sender: str) -> dict[str, Any]:
        # As Rasa's aiohttp client sends it: json.dumps with its ASCII escapes.
        response = await self.http.post("/webhook", content=json.dumps(self.body(action, sender)).encode("ascii"),
                                        headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        for event in result["events"]:
            if event.get("event") == "slot":
                self.slots.setdefault(sender, {})[event["name"]] = event["value"]
        return result


def texts(result: dict[str, Any]) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


async def link_sender(rasa: RasaClient, sessions: Any, key: str, sender: str) -> None:
    """`key` got a code on Telegram (/vincular) and typed it in the Rasa conversation `sender`."""
    async with UnitOfWork(sessions) as uow:
        person = await uow.people.get(key)
        assert person is not None
        code = await RasaLinks(uow.session).new_code(person, datetime.now(UTC))
    rasa.says(sender, f"/vincular {code}")
    linked = await rasa.run("action_cocrea_paso", sender)
    assert "quedó vinculada" in texts(linked), texts(linked)


class Clock:
    """The action server's clock: the real time unless a test sets `moment`."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment or datetime.now(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def server(sessions: Any, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """rasa-sdk's own Sanic app listening on a free local port, over a fresh database; a client with the token."""
    Sanic.test_mode = True  # each test builds a new app with rasa-sdk's fixed name
    app = build_app(CONTENT, sessions, token=TOKEN, clock=clock)
    port = free_port()
    asyncio_server = await app.create_server(host="127.0.0.1", port=port, access_log=False)
    assert asyncio_server is not None
    await asyncio_server.startup()
    await asyncio_server.start_serving()
    try:
        # As Rasa 3.6 calls it: an action_endpoint's `token:` travels as the query parameter `token`.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", params={"token": TOKEN}, timeout=30) as http:
            yield http
    finally:
        asyncio_server.close()
        await asyncio_server.wait_closed()
        Sanic.unregister_app(app)


@pytest.fixture
def rasa(server: httpx.AsyncClient) -> RasaClient:
    return RasaClient(server)
