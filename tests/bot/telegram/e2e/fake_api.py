"""A small Bot API server on 127.0.0.1 that speaks real HTTP and JSON, for `cocrea run` as a process.

It answers the methods the bot uses (getMe, getUpdates with long polling, sendMessage, sendDocument,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, setMyCommands, deleteMyCommands,
sendChatAction, setWebhook, deleteWebhook, getWebhookInfo), keeps every chat's messages as
Telegram would show them, and lets a test queue updates and wait for what the bot sent.
Any other method is answered 404 and remembered in `unknown`, so a test can fail on it.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT = {"id": 4242, "is_bot": True, "first_name": "Cocrea", "username": "cocrea_e2e_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
DATE = 1_760_000_000
MAX_POLL = 2.0  # seconds a getUpdates call waits at most, whatever timeout the bot asks for


class FakeBotApi:
    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.updates: list[dict[str, Any]] = []  # queued for getUpdates
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.unknown: list[str] = []
        self.messages: dict[int, dict[str, Any]] = {}  # what each chat shows, by message id
        self.files: dict[int, bytes] = {}  # what sendDocument uploaded, by message id
        self.webhook: dict[str, Any] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.changed:
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # -- for the test -----------------------------------------------------------------------------
    def new_update(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **body}

    def queue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Deliver an update by getUpdates (polling mode)."""
        update = self.new_update(body)
        with self.changed:
            self.updates.append(update)
            self.changed.notify_all()
        return update

    def wait(self, what: str, predicate: Callable[[], Any], timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = predicate()
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; the bot sent: {self.transcript()[-1500:]}")
                self.changed.wait(min(left, 0.5))

    def of(self, method: str) -> list[dict[str, Any]]:
        with self.changed:
            return [p for name, p in self.calls if name == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages in this chat, oldest first, as they look now (after edits)."""
        with self.changed:
            return [m for m in self.messages.values() if m["chat"]["id"] == chat_id]

    def transcript(self) -> str:
        return "\n---\n".join(m.get("text", "") for m in self.messages.values())

    # -- the Bot API --------------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "getUpdates":
            return 200, self.get_updates(params)
        with self.changed:
            self.calls.append((method, params))
            try:
                return self.result(method, params)
            finally:
                self.changed.notify_all()

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_POLL)
        with self.changed:
            self.calls.append(("getUpdates", params))
            self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed ones go
            while not self.updates and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return self.updates[:limit]

    def result(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "getMe":
            return 200, BOT
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            message = {"message_id": next(self._message_ids), "date": DATE, "from": BOT,
                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}}
            self.messages[message["message_id"]] = message
            return 200, self.show(message, params)
        if method == "sendDocument":  # its caption as the text; the file's bytes in `files`, by message id
            chat_id = int(params["chat_id"])
            name, data = params["document"]
            message = {"message_id": next(self._message_ids), "date": DATE, "from": BOT,
                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                       "document": {"file_name": name, "file_id": f"f{chat_id}", "file_unique_id": "u"}}
            self.messages[message["message_id"]] = message
            self.files[message["message_id"]] = data
            return 200, self.show(message, {**params, "text": params.get("caption", "")})
        if method in ("editMessageText", "editMessageReplyMarkup"):
            message = self.messages.get(int(params.get("message_id", 0)))
            if message is None:
                return 400, "Bad Request: message to edit not found"
            return 200, self.show(message, params)
        if method == "setWebhook":
            self.webhook = {"url": params.get("url", ""), "secret_token": params.get("secret_token")}
            return 200, True
        if method == "deleteWebhook":
            self.webhook = {}
            return 200, True
        if method == "getWebhookInfo":
            return 200, {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                         "pending_update_count": 0}
        if method in ("answerCallbackQuery", "setMyCommands", "deleteMyCommands", "sendChatAction"):
            return 200, True
        self.unknown.append(method)
        return 404, "Not Found: method not found"

    @staticmethod
    def show(message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """The message as Telegram keeps it: text without the HTML, its inline keyboard if any."""
        if "text" in params:
            message["text"] = html.unescape(str(params["text"]).replace("<b>", "").replace("</b>", ""))
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:  # an edit without a keyboard removes it; ForceReply is not kept on the message
            message.pop("reply_markup", None)
        if isinstance(markup, dict) and markup.get("force_reply"):
            message["asks_for_text"] = True  # not Telegram's: so a test sees a question was asked
        return message

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                params = parse_body(self.headers.get("Content-Type", ""), self.rfile.read(length))
                status, result = api.answer(method, params)
                body = {"ok": True, "result": result} if status == 200 else {
                    "ok": False, "error_code": status, "description": result}
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the bot stopped mid long poll
                    pass

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """python-telegram-bot posts form fields whose non-string values are JSON; JSON bodies work too."""
    if not raw:
        return {}
    if content_type.startswith("multipart/form-data"):  # an upload: files as (file name, bytes)
        form = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        parts: dict[str, Any] = {}
        for part in form.iter_parts():
            key, payload = str(part.get_param("name", header="content-disposition")), part.get_payload(decode=True)
            filename = part.get_filename()
            parts[key] = (filename, payload) if filename else payload.decode()
        return {key: (json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value)
                for key, value in parts.items()}
    if content_type.startswith("application/json"):
        return dict(json.loads(raw))
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        try:
            params[key] = json.loads(value) if value[:1] in "[{" or key in ("chat_id", "message_id") else value
        except json.JSONDecodeError:
            params[key] = value
    return params
