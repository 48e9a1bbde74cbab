"""`cocrea actions`: the same start-up as `cocrea chat` and `cocrea run`, then rasa-sdk's server.

The app is rasa-sdk's own (`rasa_sdk.endpoint.create_app`: /health, /actions, /webhook) with
Cocrea's actions registered. It runs in one process: the actions share one `Conversation` and
one database engine, and updates of one person are ordered by the database lock each unit of work
takes (as on Telegram), so several Rasa servers may call the same action server safely.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from sanic import Sanic

from bot.conversation import Conversation
from bot.rasa.actions import Cocrea, build_executor
from bot.settings import Settings
from bot.startup import prepare
from flows.model import Content
from storage import make_engine, make_session_factory

log = logging.getLogger(__name__)
DEFAULT_PORT = 5055


def build_app(content: Content, sessions: Any, *, cors_origins: str | list[str] | None = "*") -> Sanic[Any, Any]:
    """rasa-sdk's Sanic app serving Cocrea's actions over `sessions`."""
    from rasa_sdk.endpoint import create_app

    cocrea = Cocrea(Conversation(lambda: content, sessions), sessions, lambda: content)
    executor = build_executor(cocrea)
    app: Sanic[Any, Any] = create_app(executor, cors_origins=cors_origins)
    app.ctx.executor = executor  # what /actions lists, for checks of the assistant's domain
    return app


def run_actions(settings: Settings, *, port: int = DEFAULT_PORT, host: str | None = None) -> int:
    content = prepare(settings)
    if content is None:
        return 1
    engine = make_engine(settings.database_url)
    app = build_app(content, make_session_factory(engine))

    @app.after_server_stop
    async def dispose(*_: Any) -> None:
        await engine.dispose()

    host = host or os.environ.get("SANIC_HOST", "0.0.0.0")
    print(f"Servidor de acciones de Cocrea en http://{host}:{port}/webhook", flush=True)
    # One process: the actions hold a database engine, which cannot be copied into Sanic workers.
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
    return 0
