"""`cocrea actions`: the same start-up as `cocrea chat` and `cocrea run`, then rasa-sdk's server.

The app is rasa-sdk's own (`rasa_sdk.endpoint.create_app`: /health, /actions, /webhook) with
Cocrea's actions registered. It runs in one process: the actions share one `Conversation` and
one database engine, and updates of one person are ordered by the database lock each unit of work
takes (as on Telegram), so several Rasa servers may call the same action server safely.

Only Rasa may call it: it listens on 127.0.0.1 unless told otherwise (`--host`, e.g. 0.0.0.0 inside
the docker compose network, never published), sends no CORS headers (Rasa calls it server to
server, no browser ever should), and every request but /health must carry COCREA_ACTIONS_TOKEN,
as Rasa's `endpoints.yml` sends it (`token:` → `?token=`, or `Authorization: Bearer <token>`).
A request without it gets 401 and runs nothing.
"""

from __future__ import annotations

import hmac
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.conversation import Conversation
from bot.rasa.actions import build_executor
from bot.rasa.cocrea import Cocrea
from bot.settings import Settings
from bot.startup import prepare
from flows.model import Content
from storage import make_engine, make_session_factory

log = logging.getLogger(__name__)
DEFAULT_PORT = 5055
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = frozenset({"/health"})  # a liveness probe: says nothing and runs nothing
MIN_TOKEN_LENGTH = 16


def token_problem(token: str | None) -> str | None:
    """Why `cocrea actions` cannot start with this token, in Spanish; None if it can."""
    if not token:
        return ("falta COCREA_ACTIONS_TOKEN (un secreto largo que Rasa envía en cada llamada; "
                "ponlo igual en el entorno de Rasa, ver docker/rasa/endpoints.yml)")
    if len(token) < MIN_TOKEN_LENGTH:
        return f"COCREA_ACTIONS_TOKEN es muy corto: usa al menos {MIN_TOKEN_LENGTH} caracteres"
    return None


def presented_token(request: Request) -> str:
    """The token a request carries: Rasa's `?token=` query parameter, or an `Authorization: Bearer` header."""
    scheme, _, credentials = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return str(request.args.get("token") or "")


def require_token(app: Sanic[Any, Any], token: str) -> None:
    """Refuse (401) every request but /health whose token is not `token`, before any route runs."""
    expected = token.encode("utf-8")

    async def check(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if hmac.compare_digest(presented_token(request).encode("utf-8", "replace"), expected):
            return None
        log.warning("refused a call to %s without the right token", request.path)
        return json({"error": "unauthorized"}, status=401)

    app.on_request(check, priority=1000)  # before rasa-sdk's own middleware


def build_app(content: Content, sessions: Any, *, token: str,
              clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Sanic[Any, Any]:
    """rasa-sdk's Sanic app serving Cocrea's actions over `sessions`, to callers that know `token`."""
    from rasa_sdk.endpoint import create_app

    if token_problem(token):
        raise ValueError(token_problem(token))
    cocrea = Cocrea(Conversation(lambda: content, sessions, clock=clock), sessions, lambda: content, clock)
    executor = build_executor(cocrea)
    app: Sanic[Any, Any] = create_app(executor, cors_origins=None)  # no CORS: Rasa is not a browser
    require_token(app, token)
    app.ctx.executor = executor  # what /actions lists, for checks of the assistant's domain
    return app


def run_actions(settings: Settings, *, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> int:
    problem = token_problem(settings.actions_token)
    if problem:
        print(f"Error de configuración: {problem}", file=sys.stderr)
        return 2
    assert settings.actions_token is not None
    content = prepare(settings)
    if content is None:
        return 1
    engine = make_engine(settings.database_url)
    app = build_app(content, make_session_factory(engine), token=settings.actions_token)

    @app.after_server_stop
    async def dispose(*_: Any) -> None:
        await engine.dispose()

    print(f"Servidor de acciones de Cocrea en http://{host}:{port}/webhook", flush=True)
    # One process: the actions hold a database engine, which cannot be copied into Sanic workers.
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
    return 0
