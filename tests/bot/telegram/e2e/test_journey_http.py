# ruff: noqa: F811 - `plan` is the fixture of tests/bot/commands/test_plan_commands.py, imported here
"""Issue 16's journey, shortened, through python-telegram-bot's real Application over HTTP on 127.0.0.1:
coordination sends a commitment to review; the dispatcher brings a civil-society member the private
«Firmar» notice; she taps it and signs; coordination approves; the group receives the approval notice
with the acta as a document. Each notice once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update as sql_update
from telegram import Update

from bot.channel import Channels
from bot.conversation import Conversation
from bot.scheduler.cli import telegram_channel
from bot.scheduler.dispatcher import Dispatcher
from bot.settings import Settings
from bot.telegram import build_application
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import Secretariat
from tests.bot.commands.test_plan_commands import Plan, plan, sign  # noqa: F401 - the fixture
from tests.bot.telegram.e2e.fake_api import DATE, FakeBotApi

CONTENT = load_checked()
NOW = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City: inside the window
GROUP = -100


class Phone:
    """One person's Telegram app in a private chat with the bot, over the real Application."""

    numbers = iter(range(1, 10_000))

    def __init__(self, app: Any, api: FakeBotApi, user_id: int, name: str) -> None:
        self.app, self.api = app, api
        self.user = {"id": user_id, "is_bot": False, "first_name": name}

    async def send(self, text: str) -> None:
        message: dict[str, Any] = {"message_id": 500 + next(self.numbers), "date": DATE, "from": self.user,
                                   "chat": {"id": self.user["id"], "type": "private"}, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.process({"message": message})

    async def tap(self, label: str) -> None:
        for message in reversed(self.api.sent_to(self.user["id"])):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        query = {"id": f"q{next(self.numbers)}", "from": self.user, "chat_instance": "ci",
                                 "data": button["callback_data"], "message": json.loads(json.dumps(message))}
                        await self.process({"callback_query": query})
                        return
        raise AssertionError(f"no button {label!r} in the chat of {self.user['first_name']}")

    async def process(self, body: dict[str, Any]) -> None:
        found = Update.de_json({"update_id": next(self.numbers), **body}, self.app.bot)
        assert found is not None
        await self.app.process_update(found)

    def read(self) -> list[str]:
        return [m.get("text", "") for m in self.api.sent_to(self.user["id"])]


async def test_review_the_private_sign_button_a_signature_and_the_acta_in_the_group(
        api: FakeBotApi, sessions: Any, plan: Plan) -> None:
    async with UnitOfWork(sessions) as uow:
        await uow.session.execute(sql_update(Secretariat).where(Secretariat.name == "STL Oaxaca")
                                  .values(group_chat_id=GROUP))
    now = NOW
    conversation = Conversation(lambda: CONTENT, sessions, clock=lambda: now)
    app = build_application(Settings(telegram_token="123:TEST", telegram_api_url=api.base_url), conversation,
                            CONTENT, sessions=sessions)
    await app.initialize()

    async def dispatch() -> int:
        stats = await Dispatcher(sessions, Channels([telegram_channel(app.bot)]), clock=lambda: now).run()
        return int(stats.sent)

    try:
        coco, mari = Phone(app, api, 1, "Coco"), Phone(app, api, 2, "Mari")
        await coco.send(f"/revision {plan.ready}")
        assert any("está en revisión" in text for text in coco.read())
        assert mari.read() == [] and api.sent_to(GROUP) == []  # nothing until the dispatcher sends it
        assert await dispatch() == 3  # the group; Mari and Dani (sociedad civil) asked to sign
        [asked] = mari.read()
        assert "tu sector debe firmarlo" in asked

        await mari.tap("✍️ Firmar")  # opens on the version she was told of: no list to choose from
        opened = "\n".join(mari.read())
        assert "¿Qué compromiso en revisión vas a firmar?" not in opened
        assert "tu firma queda ligada a este texto" in opened
        await mari.tap("Lo apruebo")
        await mari.send("saltar")
        assert "Registré tu decisión" in mari.read()[-1]
        await sign(sessions, "tg:1", plan.ready, "aprueba")  # Coco, for government

        now += timedelta(minutes=11)
        await coco.send(f"/aprobar {plan.ready}")
        assert "ACTA DE APROBACIÓN" in "\n".join(coco.read())
        await dispatch()
        assert await dispatch() == 0  # everything was sent once

        group = [m.get("text", "") for m in api.sent_to(GROUP)]
        for line in ("• Coco lo envió a revisión", "• Mari (Sociedad civil) lo aprobó con su firma.",
                     "• ¡Aprobado! Coco registró la aprobación de la versión 1. Va el acta."):
            assert sum(text.count(line) for text in group) == 1, line
        [document] = [m for m in api.sent_to(GROUP) if "document" in m]  # the acta, once
        assert document["document"]["file_name"] == f"acta-compromiso-{plan.ready}.md"
        acta = api.files[document["message_id"]].decode()
        assert "Versión aprobada: 1" in acta and "Mari (Sociedad civil)" in acta
        assert len([t for t in mari.read() if "tu sector debe firmarlo" in t]) == 1
        assert api.unknown == []
    finally:
        await app.shutdown()
