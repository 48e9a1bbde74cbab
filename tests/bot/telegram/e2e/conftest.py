"""`cocrea run` as a real process against the fake Bot API server, and people who talk to it."""

from __future__ import annotations

import copy
import itertools
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.telegram.e2e.fake_api import DATE, FakeBotApi

ROOT = Path(__file__).resolve().parents[4]
TOKEN = "123:TEST"
_message_ids = itertools.count(1_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()
    assert server.unknown == [], f"Bot API methods the fake server does not know: {server.unknown}"


class Cocrea:
    """The environment of one installation: a SQLite file, the token, the fake server's URL."""

    def __init__(self, api: FakeBotApi, tmp_path: Path) -> None:
        self.api, self.tmp_path = api, tmp_path
        self.database = tmp_path / "cocrea.db"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COCREA_")}
        self.env.update({
            "COCREA_DATABASE_URL": f"sqlite:///{self.database}",
            "COCREA_TELEGRAM_TOKEN": TOKEN,
            "COCREA_TELEGRAM_API_URL": api.base_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
        })
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tmp_path / "bot.log"

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=self.tmp_path, env=self.env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def invite(self, role: str = "member", secretariat: str = "STL Xalapa") -> str:
        """A secretariat (made on first use) and an invite link; returns the code of the link."""
        if not hasattr(self, "_secretariat"):
            self._secretariat = self.cli("secretariat", "add", secretariat).strip()
            assert self._secretariat.isdigit()
        out = self.cli("invite", self._secretariat, "--role", role)
        link = next(line for line in out.splitlines() if line.startswith("enlace: "))
        prefix = "enlace: https://t.me/cocrea_e2e_bot?start="
        assert link.startswith(prefix), out
        return link[len(prefix):]

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        """`cocrea run`, returned once it is serving (polling: asking for updates; webhook: set)."""
        env = {**self.env, **extra}
        calls_before = len(self.api.calls)
        log = self.log.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=self.tmp_path, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        ready = "setWebhook" if "COCREA_WEBHOOK_URL" in extra else "getUpdates"

        def serving() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"cocrea run exited early:\n{self.log.read_text()[-3000:]}")
            return any(name == ready for name, _ in self.api.calls[calls_before:])

        self.api.wait(f"the bot to call {ready}", serving, timeout=60)
        return self.process

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.process = None
        return code


@pytest.fixture
def cocrea(api: FakeBotApi, tmp_path: Path) -> Iterator[Cocrea]:
    installation = Cocrea(api, tmp_path)
    yield installation
    if installation.process is not None:
        installation.process.kill()
        installation.process.wait(timeout=30)


class Person:
    """Someone in a private chat with the bot, on Telegram's side of the fake server."""

    def __init__(self, api: FakeBotApi, user_id: int, first_name: str = "Rogelio",
                 deliver: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.api, self.id = api, user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "es"}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self.deliver = deliver or api.queue
        self.mark = 0  # messages in this chat before the last thing this person did

    def message(self, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"message_id": next(_message_ids), "date": DATE, "chat": chat or self.chat,
                                   "from": self.user, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": message}

    def send(self, text: str) -> None:
        self.mark = len(self.api.sent_to(self.id))
        self.deliver(self.message(text))

    def tap(self, label: str) -> None:
        message, data = self.button(label)
        self.mark = len(self.api.sent_to(self.id))
        self.deliver({"callback_query": {"id": str(next(_message_ids)), "from": self.user, "chat_instance": "ci",
                                         "data": data, "message": copy.deepcopy(message)}})

    def button(self, label: str) -> tuple[dict[str, Any], str]:
        for message in reversed(self.api.sent_to(self.id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return message, button["callback_data"]
        raise AssertionError(f"no button {label!r} in chat {self.id}: {self.api.transcript()[-1500:]}")

    def has_button(self, label: str) -> bool:
        try:
            self.button(label)
        except AssertionError:
            return False
        return True

    def answer(self, text: str) -> str:
        """Tap the button with this label if the question has one, else type it; then wait for the
        next question (a message with buttons or asking for text)."""
        if self.has_button(text):
            self.tap(text)
        else:
            self.send(text)
        return self.wait_question()

    def new(self) -> list[dict[str, Any]]:
        return self.api.sent_to(self.id)[self.mark:]

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """Wait until a message since the last action contains `text`; all of them, joined."""
        def seen() -> str | None:
            said = "\n".join(m.get("text", "") for m in self.new())
            return said if text in said else None

        return str(self.api.wait(repr(text), seen, timeout))

    def wait_question(self, timeout: float = 20) -> str:
        def asked() -> str | None:
            new = self.new()
            if new and (new[-1].get("reply_markup") or new[-1].get("asks_for_text")):
                return "\n".join(m.get("text", "") for m in new)
            return None

        return str(self.api.wait("the next question", asked, timeout))
