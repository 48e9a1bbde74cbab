"""/metrics in polling mode: a small HTTP server in the bot's event loop (webhook mode has its own).

Opt-in with COCREA_METRICS_PORT; it listens on COCREA_LISTEN (127.0.0.1 unless set), started
after the bot initialises and stopped with it, so a scrape never outlives the engine it reads.
Updates are counted and timed around `Application.process_update`, as the webhook server does
around its call of it, and handler errors are counted by an error handler, as there.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import tornado.web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot import metrics
from bot.settings import Settings
from bot.telegram.webhook import MetricsHandler, count_error, outbox_depth

log = logging.getLogger(__name__)


def start(listen: str, port: int, sessions: async_sessionmaker[AsyncSession]) -> tuple[HTTPServer, int]:
    """Serve GET /metrics on listen:port (0: a free port); the server and the port it took. Call in the loop."""
    metrics.gauge("cocrea_outbox_depth", "Scheduled messages waiting to be sent (pending rows).",
                  outbox_depth(sessions))
    app = tornado.web.Application([(r"/metrics", MetricsHandler)], log_function=lambda handler: None)
    sockets = bind_sockets(port, address=listen)
    server = HTTPServer(app)
    server.add_sockets(sockets)
    bound = int(sockets[0].getsockname()[1])
    log.info("metrics served on http://%s:%s/metrics", listen, bound)
    return server, bound


def attach(app: Any, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Start the server with the bot (post_init) and stop it before the bot stops (post_stop)."""
    if settings.metrics_port is None:
        return
    port = settings.metrics_port
    process = app.process_update

    async def counted(update: object) -> None:
        started = time.perf_counter()
        try:
            await process(update)
        finally:
            metrics.UPDATES.inc()
            metrics.UPDATE_SECONDS.observe(time.perf_counter() - started)

    app.process_update = counted  # PTB's update fetcher calls it for every polled update
    app.add_error_handler(count_error)
    previous_init, previous_stop = app.post_init, app.post_stop
    servers: list[HTTPServer] = []

    async def post_init(application: Any) -> None:
        if previous_init is not None:
            await previous_init(application)
        servers.append(start(settings.listen, port, sessions)[0])

    async def post_stop(application: Any) -> None:
        while servers:
            servers.pop().stop()
        if previous_stop is not None:
            await previous_stop(application)

    app.post_init, app.post_stop = post_init, post_stop
