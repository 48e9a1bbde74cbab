"""`cocrea health`: the container's health check.

In webhook mode it asks the running bot's `/healthz`; in polling mode there is no port to ask, so it
checks that the database answers, the one thing the bot cannot work without.

`python -m bot.health` is the same check for health checks that run every few seconds: in webhook
mode it reads the three settings it needs from the environment and imports nothing but urllib
(a few hundredths of a second instead of the CLI's whole import).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

TIMEOUT = 3.0


def check(settings: Settings) -> str | None:
    """None when healthy; otherwise one line saying what is wrong."""
    if settings.webhook_url:
        return ask_healthz(settings.listen, settings.port)
    import asyncio

    try:
        asyncio.run(asyncio.wait_for(_ping(settings.database_url), TIMEOUT))
    except Exception as exc:  # any failure is an unhealthy answer, never a traceback
        return f"la base de datos no responde: {type(exc).__name__}: {exc}"
    return None


def ask_healthz(listen: str, port: int) -> str | None:
    host = "127.0.0.1" if listen in ("0.0.0.0", "::", "") else listen
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=TIMEOUT) as response:
            return None if response.status == 200 else f"/healthz respondió {response.status}"
    except urllib.error.HTTPError as exc:  # it answered, and said what is wrong
        said = exc.read().decode(errors="replace").strip()
        return f"/healthz respondió {exc.code}" + (f": {said}" if said else "")
    except OSError as exc:
        return f"el bot no responde en {host}:{port}: {exc}"


async def _ping(url: str) -> None:
    from sqlalchemy import text

    from storage import make_engine
    from storage.db import read_only_options

    engine = make_engine(url)
    try:  # read-only: the check answers while a writer holds SQLite's write lock
        async with engine.execution_options(**read_only_options(engine)).connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def main() -> int:
    """The quick check: webhook mode straight from the environment, polling mode with every setting."""
    env = os.environ
    if (env.get("COCREA_WEBHOOK_URL") or "").strip():
        port = (env.get("COCREA_PORT") or "").strip()
        problem = ask_healthz((env.get("COCREA_LISTEN") or "127.0.0.1").strip(), int(port) if port.isdigit() else 8080)
    else:
        from bot.settings import Settings, SettingsError

        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            print(f"Error de configuración: {exc}", file=sys.stderr)
            return 2
        problem = check(settings)
    if problem:
        print(f"mal: {problem}", file=sys.stderr)
        return 1
    print("bien")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
