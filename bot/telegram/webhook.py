"""`cocrea run` in webhook mode: our own HTTP server (tornado) in the bot's event loop.

Routes:
- POST <the path of COCREA_WEBHOOK_URL>: one Telegram update. 403 without the right
  `X-Telegram-Bot-Api-Secret-Token`, 413 over 1 MB, 400 when it is not an update's JSON.
- GET /healthz: 200 `ok` when the database answers, 503 otherwise (`cocrea health` asks it).
- GET /metrics: Prometheus text (see bot/metrics.py), with the outbox depth read at scrape time.

Ordering: the update is handled (`Application.process_update`: saved, committed, replies sent)
BEFORE the webhook answers 200. Telegram sends a chat's next update only after the previous call
returned, so with several processes behind a proxy the next update of a chat starts after the
previous one is committed, whichever process gets it; and a process killed mid-update never
answered 200, so Telegram delivers that update again (the processed-update ids make it count
once). Inside one process ChatLocks still orders a chat's concurrent updates.

Graceful shutdown (SIGTERM, SIGINT): stop accepting connections, let the updates in hand finish
(up to SHUTDOWN_GRACE seconds), then stop the application (the scheduler's post_stop waits for a
tick in progress), shut it down and dispose the engine (post_shutdown). The webhook stays set:
Telegram keeps the updates while no process answers, and the next one to start receives them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

import tornado.routing
import tornado.web
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from tornado.httpserver import HTTPServer

from bot import metrics
from bot.settings import Settings
from storage import UnitOfWork
from storage.db import read_only_options
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Telegram's updates are a few kilobytes; anything this big is not one
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SHUTDOWN_GRACE = 25.0  # seconds for the updates in hand; docker stops with SIGKILL after 10 by default
PING_TIMEOUT = 3.0


class Server:
    """The routes' shared state: the application, the secret, the updates in hand."""

    def __init__(self, application: Any, secret: str, ping: Callable[[], Awaitable[None]]) -> None:
        self.application, self.secret, self.ping = application, secret, ping
        self.in_hand: set[asyncio.Task[Any]] = set()
        self.stopping = False

    async def handle(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.application.bot)
        started = time.perf_counter()
        try:
            await self.application.process_update(update)  # handler errors go to the error handlers
        finally:
            seconds = time.perf_counter() - started
            metrics.UPDATES.inc()
            metrics.UPDATE_SECONDS.observe(seconds)
            chat = update.effective_chat.id if update.effective_chat else None
            log.debug("update handled", extra={"update_id": update.update_id, "chat": chat,
                                               "seconds": round(seconds, 4)})


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    server: Server

    def initialize(self, server: Server) -> None:
        self.server = server
        self.body = bytearray()
        self.too_big = False

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        if self.request.headers.get(SECRET_HEADER) != self.server.secret:
            self.refuse(403)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            self.refuse(413)

    def refuse(self, status: int) -> None:
        self.set_status(status)
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        if self.too_big or self._finished:
            return
        self.body += chunk
        if len(self.body) > MAX_BODY:  # a chunked body without Content-Length
            self.too_big = True
            self.body = bytearray()

    async def post(self) -> None:
        if self.too_big:
            self.refuse(413)
            return
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            self.refuse(400)
            return
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            self.refuse(400)
            return
        if self.server.stopping:  # Telegram tries again later; another process may take it
            self.refuse(503)
            return
        task = asyncio.current_task()
        if task is not None:
            self.server.in_hand.add(task)
        try:
            await self.server.handle(data)
        finally:
            if task is not None:
                self.server.in_hand.discard(task)
        self.finish()

    def get(self) -> None:
        self.refuse(405)


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, server: Server) -> None:
        self.server = server

    async def get(self) -> None:
        try:
            await asyncio.wait_for(self.server.ping(), PING_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - any failure is an unhealthy answer
            log.warning("health check: the database does not answer: %s", type(exc).__name__)
            self.set_status(503)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("la base de datos no responde\n")
            return
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("ok\n")


class MetricsHandler(tornado.web.RequestHandler):
    async def get(self) -> None:
        self.set_header("Content-Type", metrics.CONTENT_TYPE)
        self.finish(await metrics.render())


def webhook_path(url: str) -> str:
    """The path Telegram calls; a proxy forwards the same path."""
    return urlsplit(url).path or "/"


def make_app(server: Server, path: str) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (tornado.routing.PathMatches(_exact(path)), WebhookHandler, {"server": server}),
            (r"/healthz", HealthHandler, {"server": server}),
            (r"/metrics", MetricsHandler),
        ],
        log_function=lambda handler: None,  # access logs would only repeat what a proxy logs
    )


def _exact(path: str) -> str:
    return re.escape(path) + "$"


def database_ping(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """SELECT 1 in a read-only transaction: /healthz answers while a writer holds SQLite's write lock."""
    reader = engine.execution_options(**read_only_options(engine))

    async def ping() -> None:
        async with reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return ping


def outbox_depth(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], Awaitable[float]]:
    async def depth() -> float:
        async with UnitOfWork(sessions, read_only=True) as uow:  # a scrape waits for no writer
            count = await uow.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending"))
        return float(count or 0)

    return depth


async def count_error(update: object, context: Any) -> None:
    metrics.UPDATE_ERRORS.inc()


async def serve(application: Any, settings: Settings, engine: AsyncEngine,
                sessions: async_sessionmaker[AsyncSession], *, ready: Callable[[], None] | None = None) -> None:
    """Initialize, set the webhook, serve until SIGTERM/SIGINT, then shut down gracefully."""
    assert settings.webhook_url and settings.webhook_secret
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = Server(application, settings.webhook_secret, database_ping(engine))
    metrics.gauge("cocrea_outbox_depth", "Scheduled messages waiting to be sent (pending rows).",
                  outbox_depth(sessions))
    application.add_error_handler(count_error)
    http = HTTPServer(make_app(server, webhook_path(settings.webhook_url)), xheaders=True)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        http.listen(settings.port, address=settings.listen)  # before setWebhook: Telegram calls at once
        await application.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                                          drop_pending_updates=False, allowed_updates=Update.ALL_TYPES)
        await application.start()
        log.info("webhook server listening on %s:%s", settings.listen, settings.port)
        if ready is not None:
            ready()
        await stop.wait()
        log.info("stopping: %s update(s) in hand", len(server.in_hand))
        server.stopping = True
        http.stop()  # no new connections
        if server.in_hand:
            await asyncio.wait(set(server.in_hand), timeout=SHUTDOWN_GRACE)
        with suppress(TimeoutError):
            await asyncio.wait_for(http.close_all_connections(), timeout=5)
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    finally:
        http.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def run(application: Any, settings: Settings, engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    asyncio.run(serve(application, settings, engine, sessions))
