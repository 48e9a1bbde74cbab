# ruff: noqa: F811 - `plan` is the fixture of tests/bot/commands/test_plan_commands.py, imported here
"""A notice through python-telegram-bot's real Application over HTTP on 127.0.0.1: coordination sends a
commitment to review on Telegram, the dispatcher delivers the sign request with its «Firmar» button
to the member, and her tap on it opens the signing flow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from telegram import Update

from bot.channel import Channels
from bot.conversation import Conversation
from bot.scheduler.cli import telegram_channel
from bot.scheduler.dispatcher import Dispatcher
from bot.settings import Settings
from bot.telegram import build_application
from flows.loader import load_checked
from tests.bot.commands.test_plan_commands import Plan, plan  # noqa: F401 - the fixture
from tests.bot.telegram.e2e.fake_api import DATE, FakeBotApi

CONTENT = load_checked()
NOW = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City: inside the window


def update(body: dict[str, Any], number: int, bot: Any) -> Update:
    found = Update.de_json({"update_id": number, **body}, bot)
    assert found is not None
    return found


def private(user_id: int, name: str, text: str, number: int, bot: Any) -> Update:
    user = {"id": user_id, "is_bot": False, "first_name": name}
    message = {"message_id": 500 + number, "date": DATE, "chat": {"id": user_id, "type": "private"}, "from": user,
               "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
    return update({"message": message}, number, bot)


async def test_the_sign_request_reaches_the_member_and_its_button_opens_signing(
        api: FakeBotApi, sessions: Any, plan: Plan) -> None:
    conversation = Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)
    settings = Settings(telegram_token="123:TEST", telegram_api_url=api.base_url)
    app = build_application(settings, conversation, CONTENT, sessions=sessions)
    await app.initialize()
    try:
        await app.process_update(private(1, "Coco", f"/revision {plan.ready}", 1, app.bot))
        assert any("está en revisión" in m.get("text", "") for m in api.sent_to(1))
        assert api.sent_to(2) == []  # nothing to Mari until the dispatcher sends her notice
        stats = await Dispatcher(sessions, Channels([telegram_channel(app.bot)]), clock=lambda: NOW).run()
        assert stats.sent == 2  # Mari and Dani (sociedad civil); Coco did it himself
        [notice] = api.sent_to(2)
        assert notice["text"].startswith("🔔 STL Oaxaca · Compromiso")
        assert "tu sector debe firmarlo" in notice["text"]
        [[button]] = notice["reply_markup"]["inline_keyboard"]
        assert button["text"] == "✍️ Firmar"
        query = {"id": "q1", "from": {"id": 2, "is_bot": False, "first_name": "Mari"}, "chat_instance": "ci",
                 "data": button["callback_data"], "message": json.loads(json.dumps(notice))}
        await app.process_update(update({"callback_query": query}, 2, app.bot))
        opened = api.transcript()  # signing opens on that commitment, its version in review to read
        assert "🔏 Versión 1 (" in opened and "¿Cuál es tu decisión sobre este compromiso?" in opened
        assert "¿Qué compromiso en revisión vas a firmar?" not in opened
        again = await Dispatcher(sessions, Channels([telegram_channel(app.bot)]), clock=lambda: NOW).run()
        assert again.sent == 0 and len([m for m in api.sent_to(2) if m["text"].startswith("🔔")]) == 1
    finally:
        await app.shutdown()
