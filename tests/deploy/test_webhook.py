"""The webhook server's routes, in-process: the secret, the body limit, bad JSON, /healthz, /metrics."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer

from bot import metrics
from bot.telegram.webhook import MAX_BODY, SECRET_HEADER, Server, make_app

SECRET = "s3cret_-x"


class FakeApplication:
    bot = None

    def __init__(self) -> None:
        self.updates: list[Update] = []

    async def process_update(self, update: Update) -> None:
        self.updates.append(update)


class Ping:
    def __init__(self) -> None:
        self.healthy = True

    async def __call__(self) -> None:
        if not self.healthy:
            raise ConnectionRefusedError("down")


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, FakeApplication, Ping]]:
    application, ping = FakeApplication(), Ping()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    http = HTTPServer(make_app(Server(application, SECRET, ping), "/hook/x"))
    http.listen(port, address="127.0.0.1")
    yield f"http://127.0.0.1:{port}", application, ping
    http.stop()
    await http.close_all_connections()


async def call(url: str, body: bytes | None = None, secret: str | None = SECRET) -> HTTPResponse:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return await AsyncHTTPClient().fetch(url, method="GET" if body is None else "POST", body=body, headers=headers,
                                         raise_error=False)


def update(update_id: int = 1) -> bytes:
    return json.dumps({"update_id": update_id, "message": {
        "message_id": 5, "date": 1_760_000_000, "chat": {"id": 9, "type": "private"},
        "from": {"id": 9, "is_bot": False, "first_name": "Ana"}, "text": "hola"}}).encode()


async def test_only_telegram_with_the_secret_gets_its_update_handled(served: Any) -> None:
    base, application, _ = served
    before = updates_counted()
    assert (await call(f"{base}/hook/x", update(1), secret=None)).code == 403
    assert (await call(f"{base}/hook/x", update(2), secret="wrong")).code == 403
    assert application.updates == []

    answer = await call(f"{base}/hook/x", update(3))
    assert answer.code == 200
    assert [u.update_id for u in application.updates] == [3]
    assert application.updates[0].message.text == "hola"
    assert updates_counted() == before + 1
    assert (await call(f"{base}/hook/other", update(4))).code == 404


async def test_a_body_over_one_megabyte_is_refused_and_bad_json_is_a_bad_request(served: Any) -> None:
    base, application, _ = served
    big = b'{"update_id": 1, "x": "' + b"a" * MAX_BODY + b'"}'
    assert (await call(f"{base}/hook/x", big)).code == 413
    assert (await call(f"{base}/hook/x", b"{not json")).code == 400
    assert (await call(f"{base}/hook/x", b'["a list"]')).code == 400
    assert (await call(f"{base}/hook/x", b'{"no": "update_id"}')).code == 400
    assert application.updates == []


async def test_healthz_says_ok_while_the_database_answers_and_503_when_it_does_not(served: Any) -> None:
    base, _, ping = served
    answer = await call(f"{base}/healthz")
    assert (answer.code, answer.body) == (200, b"ok\n")
    ping.healthy = False
    assert (await call(f"{base}/healthz")).code == 503


async def test_metrics_are_prometheus_text_with_counters_a_histogram_and_the_outbox_gauge(served: Any) -> None:
    base, _, _ = served
    metrics.gauge("cocrea_outbox_depth", "pending rows", lambda: 7)
    await call(f"{base}/hook/x", update(10))
    answer = await call(f"{base}/metrics")
    assert answer.code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = answer.body.decode().splitlines()
    for name in ("cocrea_updates_total", "cocrea_update_errors_total", "cocrea_reminders_sent_total",
                 "cocrea_reminders_failed_total"):
        assert f"# TYPE {name} counter" in lines
        assert any(line.startswith(f"{name} ") for line in lines)
    assert "# TYPE cocrea_update_seconds histogram" in lines
    assert "cocrea_outbox_depth 7.0" in lines
    count = next(line for line in lines if line.startswith("cocrea_update_seconds_count "))
    infinite = next(line for line in lines if line.startswith('cocrea_update_seconds_bucket{le="+Inf"}'))
    assert count.split()[-1] == infinite.split()[-1] != "0"
    assert any(line.startswith("cocrea_update_seconds_sum ") for line in lines)


async def test_a_gauge_that_cannot_be_read_is_left_out_and_the_rest_still_answers(served: Any) -> None:
    base, _, _ = served

    async def broken() -> float:
        raise ConnectionRefusedError("down")

    metrics.gauge("cocrea_outbox_depth", "pending rows", broken)
    answer = await call(f"{base}/metrics")
    assert answer.code == 200
    body = answer.body.decode()
    assert "cocrea_outbox_depth" not in body and "# TYPE cocrea_updates_total counter" in body


def updates_counted() -> float:
    return metrics.REGISTRY.get_sample_value("cocrea_updates_total") or 0.0


class StoppableApplication(FakeApplication):
    """What serve() needs of PTB's Application, recording the order of the shutdown."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []
        self.release = asyncio.Event()
        self.running = False
        self.post_init = self.post_stop = self.post_shutdown = None
        outer = self

        class Bot:
            async def set_webhook(self, url: str, **kwargs: Any) -> None:
                outer.events.append(f"setWebhook {kwargs['secret_token']} {kwargs['drop_pending_updates']}")

        self.bot = Bot()  # type: ignore[assignment]

    def add_error_handler(self, callback: Any) -> None:
        pass

    async def initialize(self) -> None:
        self.events.append("initialize")

    async def start(self) -> None:
        self.running = True
        self.events.append("start")

    async def process_update(self, update: Update) -> None:
        self.events.append(f"update {update.update_id} begins")
        await self.release.wait()
        self.events.append(f"update {update.update_id} done")

    async def stop(self) -> None:
        self.running = False
        self.events.append("stop")

    async def shutdown(self) -> None:
        self.events.append("shutdown")


async def test_sigterm_stops_accepting_finishes_the_update_in_hand_then_stops_the_bot(tmp_path: Any) -> None:
    from bot.settings import Settings
    from bot.telegram.webhook import serve
    from storage import make_engine, make_session_factory

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(telegram_token="1:x", webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET,
                        listen="127.0.0.1", port=port)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    application = StoppableApplication()
    ready = asyncio.Event()
    serving = asyncio.create_task(serve(application, settings, engine, make_session_factory(engine),
                                        ready=ready.set))
    try:
        await asyncio.wait_for(ready.wait(), 30)
        in_hand = asyncio.create_task(call(f"http://127.0.0.1:{port}/hook", update(41)))
        while "update 41 begins" not in application.events:
            await asyncio.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)
        refused = False
        for _ in range(600):  # new connections are refused once the signal is seen
            await asyncio.sleep(0.05)
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    refused = True
                    break
        assert refused
        assert "stop" not in application.events  # the update in hand holds the stop back
        application.release.set()
        assert (await in_hand).code == 200
        await asyncio.wait_for(serving, 30)
    finally:
        application.release.set()
        await engine.dispose()
    assert application.events == ["initialize", f"setWebhook {SECRET} False", "start", "update 41 begins",
                                  "update 41 done", "stop", "shutdown"]
