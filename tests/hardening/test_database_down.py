"""PostgreSQL unreachable for ~10 seconds: the bot says "intenta de nuevo en un momento", keeps running,
and carries on where the person was once the database is back.

The real server is never stopped: the bot talks to its own database through a small TCP proxy that
this test cuts (open connections closed, new ones refused) and restores. Needs COCREA_TEST_DATABASE_URL
(CI sets it); skipped otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bot.conversation import Conversation
from bot.telegram import build_application
from storage import UnitOfWork, make_engine, make_session_factory
from storage.migrate import upgrade
from tests.bot.telegram.conftest import Client, RecordingRequest, settings
from tests.hardening.conftest import CONTENT

DOWN_SECONDS = 10
UNAVAILABLE = str(CONTENT.ui["bot"]["db_unavailable"])


class Proxy:
    """127.0.0.1:<port> → the PostgreSQL server; `cut()` drops every connection and refuses new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.cuts = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()  # new connections: refused
        for writer in list(self.writers):  # open ones (the pool's): dropped mid-stream
            writer.transport.abort()
        self.writers.clear()
        self.server = None
        self.cuts += 1

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()
                self.writers.discard(sink)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def database(own_postgres: str) -> AsyncIterator[str]:
    await asyncio.to_thread(upgrade, own_postgres)
    yield own_postgres


async def test_database_down_for_ten_seconds_then_back(database: str) -> None:
    real = make_url(database)
    proxy = Proxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    engine = make_engine(real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    sessions = make_session_factory(engine)
    api = RecordingRequest()

    async def pause(seconds: float) -> None:
        pass

    app = build_application(settings(), Conversation(lambda: CONTENT, sessions), CONTENT, sessions=sessions,
                            request=api, pause=pause)
    await app.initialize()
    try:
        ana = Client(app, api, 7301)
        await ana.send("/start")
        assert "¿Cómo te gustaría" in await ana.tap("Sí")

        await proxy.cut()  # the database goes away, for about DOWN_SECONDS
        loop = asyncio.get_running_loop()
        back_at = loop.time() + DOWN_SECONDS
        tries = 0
        while loop.time() < back_at:
            said = await ana.send("Ana Durable" if tries % 2 == 0 else "/progreso")
            assert UNAVAILABLE in said, said
            assert "intenta de nuevo en un momento" in said
            tries += 1
            await asyncio.sleep(1)
        await proxy.start()  # back, on the same port

        said = await ana.send("Ana Durable")  # the name, again: the run was where it was
        assert "Ana Durable, ¿desde qué sector" in said, said
        assert "¿Con qué kit" in await ana.tap("Sociedad civil")
        async with UnitOfWork(sessions) as uow:
            person = await uow.people.get("tg:7301")
            assert person is not None and person.name == "Ana Durable"
        assert tries >= 3 and proxy.cuts == 1
        print(f"\nbase de datos caída {DOWN_SECONDS} s: {tries} mensajes respondidos con «{UNAVAILABLE[:40]}…»")
    finally:
        await app.shutdown()
        await engine.dispose()
        if proxy.server is not None:
            proxy.server.close()
    assert api.unexpected == []

