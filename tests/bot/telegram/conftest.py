"""The Telegram channel through python-telegram-bot's real Application, with no network at all.

`RecordingRequest` is the transport: it answers the Bot API methods the channel uses with canned
JSON, records every call, and records (then fails the test on) any other method. `Client` plays a
person's Telegram app: it builds updates as Telegram would and taps the buttons the bot sent.
"""

from __future__ import annotations

import html
import itertools
import json
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.conversation import Conversation
from bot.settings import Settings
from bot.telegram import build_application
from flows.loader import load_checked

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as `cocrea run` does: RetryAfter.retry_after is a timedelta
CONTENT = load_checked()
BOT = {"id": 4242, "is_bot": True, "first_name": "Cocrea", "username": "cocrea_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
ADMIN = 900
DATE = 1_760_000_000

Call = tuple[str, dict[str, Any]]


class RecordingRequest(BaseRequest):
    """A Bot API that lives in memory. Queue an error with `fail(method, status, ...)`."""

    METHODS = ("getMe", "sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup",
               "answerCallbackQuery", "setMyCommands", "sendChatAction")

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self.failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}  # what each chat shows, by message id
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail(self, method: str, status: int, description: str, times: int = 1, **parameters: Any) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.failures.setdefault(method, []).extend([(status, body)] * times)

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:  # uploads: {field: (name, bytes, type)}
            params["files"] = request_data.multipart_data
        self.calls.append((name, params))
        if name not in self.METHODS:
            self.unexpected.append(name)
            raise AssertionError(f"unexpected Bot API call {name}({params})")
        if self.failures.get(name):
            status, body = self.failures[name].pop(0)
            return status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self.result(name, params)}).encode()

    def result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name in ("sendMessage", "sendDocument", "sendPhoto"):
            message_id = next(self._ids)
            message = {"message_id": message_id, "date": DATE, "from": BOT,
                       "chat": {"id": int(params["chat_id"]), "type": "private"}}
            self.messages[message_id] = message
            return self.show(message, params)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            return self.show(self.messages[int(params["message_id"])], params)
        return True

    @staticmethod
    def show(message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """The message as Telegram keeps it: text without the HTML escapes, its inline keyboard."""
        if "text" in params:
            message["text"] = html.unescape(params["text"])
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:  # an edit without a keyboard removes it; ForceReply is not kept on the message
            message.pop("reply_markup", None)
        return message

    def of(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [p for name, p in self.calls
                if name == method and (chat_id is None or int(p.get("chat_id", 0)) == chat_id)]


_update_ids = itertools.count(1)


class Client:
    """One person's Telegram app, in a private chat with the bot."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], api: RecordingRequest,
                 user_id: int, first_name: str = "Ana") -> None:
        self.app, self.api, self.user_id = app, api, user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "es"}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self.mark = 0

    # -- updates, as Telegram sends them ----------------------------------------------------------
    def message(self, text: str | None = None, update_id: int | None = None, **extra: Any) -> Update:
        message: dict[str, Any] = {"message_id": next(_update_ids) + 10_000, "date": DATE,
                                   "chat": self.chat, "from": self.user, **extra}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.update({"message": message}, update_id)

    def callback(self, data: str, message: dict[str, Any], update_id: int | None = None) -> Update:
        query = {"id": str(next(_update_ids)), "from": self.user, "chat_instance": "ci",
                 "data": data, "message": json.loads(json.dumps(message))}
        return self.update({"callback_query": query}, update_id)

    def update(self, body: dict[str, Any], update_id: int | None = None) -> Update:
        body = {"update_id": update_id if update_id is not None else next(_update_ids), **body}
        update = Update.de_json(body, self.app.bot)
        assert update is not None
        return update

    # -- a person talking -------------------------------------------------------------------------
    async def process(self, update: Update) -> str:
        self.mark = len(self.api.calls)
        await self.app.process_update(update)
        return self.said

    async def send(self, text: str, update_id: int | None = None) -> str:
        return await self.process(self.message(text, update_id))

    def keyboard_message(self, label: str) -> tuple[dict[str, Any], str]:
        """The newest message in this chat with a button `label`, and that button's data."""
        for message in reversed(list(self.api.messages.values())):
            if message["chat"]["id"] != self.user_id:
                continue
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return message, button["callback_data"]
        raise AssertionError(f"no button {label!r} in this chat")

    async def tap(self, label: str, update_id: int | None = None) -> str:
        message, data = self.keyboard_message(label)
        return await self.process(self.callback(data, message, update_id))

    # -- what the bot did since the last update ---------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        return self.api.calls[self.mark:]

    def since(self, method: str) -> list[dict[str, Any]]:
        """Calls of `method` since the last update that concern this chat."""
        return [p for name, p in self.calls
                if name == method and int(p.get("chat_id", self.user_id)) == self.user_id]

    @property
    def said(self) -> str:
        """The texts sent since the last update, as the person reads them (unescaped)."""
        return "\n".join(html.unescape(p["text"]) for p in self.since("sendMessage"))


@dataclass
class Harness:
    app: Application[Any, Any, Any, Any, Any, Any]
    api: RecordingRequest
    sessions: Any
    pauses: list[float] = field(default_factory=list)

    def client(self, user_id: int, first_name: str = "Ana") -> Client:
        return Client(self.app, self.api, user_id, first_name)


def settings() -> Settings:
    return Settings(telegram_token="4242:TEST-TOKEN", telegram_api_url="http://127.0.0.1:9/bot",
                    admins=frozenset({ADMIN}))


@pytest.fixture
async def make_harness(sessions: Any) -> AsyncIterator[Callable[..., Any]]:
    """Builds the real Application over `conversation` (the real loop unless a stub is given)."""
    built: list[Harness] = []

    async def make(conversation: Any = None) -> Harness:
        api = RecordingRequest()
        harness = Harness(None, api, sessions)  # type: ignore[arg-type]

        async def pause(seconds: float) -> None:
            harness.pauses.append(seconds)

        conversation = conversation or Conversation(lambda: CONTENT, sessions)
        harness.app = build_application(settings(), conversation, CONTENT, sessions=sessions,
                                        request=api, pause=pause)
        await harness.app.initialize()
        built.append(harness)
        return harness

    yield make
    for harness in built:
        await harness.app.shutdown()
        assert harness.api.unexpected == [], f"unexpected Bot API calls: {harness.api.unexpected}"


@pytest.fixture
async def harness(make_harness: Callable[..., Any]) -> Harness:
    return await make_harness()  # type: ignore[no-any-return]


class Scripted:
    """Stands in for the shared loop: answers every input with `reply`, or raises `error`."""

    def __init__(self, reply: Any = None, error: BaseException | None = None) -> None:
        self.reply, self.error = reply, error
        self.inputs: list[tuple[str, Any]] = []

    async def handle(self, key: str, inp: Any, *, name: str | None = None, update: Any = None) -> Any:
        self.inputs.append((key, inp))
        if self.error is not None:
            raise self.error
        return self.reply
