"""/metrics in polling mode, scraped over real HTTP on 127.0.0.1, the outbox depth read from the database."""

from __future__ import annotations

import socket
from dataclasses import replace
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient

from bot import metrics
from bot.settings import Settings
from bot.telegram import metrics_server


class FakeApplication:
    def __init__(self) -> None:
        self.post_init: Any = None
        self.post_stop: Any = None
        self.processed: list[object] = []
        self.error_handlers: list[Any] = []

    async def process_update(self, update: object) -> None:
        self.processed.append(update)

    def add_error_handler(self, handler: Any) -> None:
        self.error_handlers.append(handler)


def sample(name: str) -> float:
    return metrics.REGISTRY.get_sample_value(name) or 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape(port: int) -> list[str]:
    answer = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/metrics", raise_error=False)
    assert answer.code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return answer.body.decode().splitlines()


async def test_polling_mode_serves_counters_the_histogram_and_the_outbox_depth_from_the_database(
        sessions: Any) -> None:
    metrics.UPDATES.inc()
    server, port = metrics_server.start("127.0.0.1", 0, sessions)
    try:
        lines = await scrape(port)
    finally:
        server.stop()
    for name in ("cocrea_updates_total", "cocrea_update_errors_total", "cocrea_reminders_sent_total",
                 "cocrea_reminders_failed_total"):
        assert f"# TYPE {name} counter" in lines
    assert "# TYPE cocrea_update_seconds histogram" in lines
    assert "cocrea_outbox_depth 0.0" in lines  # a fresh database: nothing waiting


async def test_the_server_starts_and_stops_with_the_bot_when_a_port_is_set(sessions: Any) -> None:
    calls: list[str] = []
    app = FakeApplication()

    async def earlier_init(application: Any) -> None:
        calls.append("init")

    async def earlier_stop(application: Any) -> None:
        calls.append("stop")

    app.post_init, app.post_stop = earlier_init, earlier_stop
    port = free_port()
    metrics_server.attach(app, replace(Settings(), metrics_port=port), sessions)
    await app.post_init(app)
    before, timed = sample("cocrea_updates_total"), sample("cocrea_update_seconds_count")
    await app.process_update("an update")  # what PTB's polling calls for each update
    await app.error_handlers[0]("an update", None)
    assert app.processed == ["an update"]
    lines = await scrape(port)
    assert f"cocrea_updates_total {before + 1}" in lines and f"cocrea_update_seconds_count {timed + 1}" in lines
    assert any(line.startswith("cocrea_update_errors_total ") and float(line.split()[1]) >= 1 for line in lines)
    await app.post_stop(app)
    assert calls == ["init", "stop"]
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_without_a_port_polling_mode_serves_nothing(sessions: Any) -> None:
    app = FakeApplication()
    metrics_server.attach(app, Settings(), sessions)
    assert app.post_init is None and app.post_stop is None and app.error_handlers == []


def test_the_port_is_read_from_the_environment() -> None:
    assert Settings.from_env({"COCREA_METRICS_PORT": "9464"}).metrics_port == 9464
    assert Settings.from_env({}).metrics_port is None
