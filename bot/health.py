"""`cocrea health`: the container's health check.

In webhook mode it asks the running bot's `/healthz`; in polling mode there is no port to ask, so it
checks that the database answers, the one thing the bot cannot work without.
"""

from __future__ import annotations

import asyncio
import urllib.request

from sqlalchemy import text

from bot.settings import Settings
from storage import make_engine

TIMEOUT = 3.0


def check(settings: Settings) -> str | None:
    """None when healthy; otherwise one line saying what is wrong."""
    if settings.webhook_url:
        host = "127.0.0.1" if settings.listen in ("0.0.0.0", "::", "") else settings.listen
        try:
            with urllib.request.urlopen(f"http://{host}:{settings.port}/healthz", timeout=TIMEOUT) as response:
                return None if response.status == 200 else f"/healthz respondió {response.status}"
        except OSError as exc:
            return f"el bot no responde en {host}:{settings.port}: {exc}"
    try:
        asyncio.run(asyncio.wait_for(_ping(settings.database_url), TIMEOUT))
    except Exception as exc:  # any failure is an unhealthy answer, never a traceback
        return f"la base de datos no responde: {type(exc).__name__}: {exc}"
    return None


async def _ping(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
