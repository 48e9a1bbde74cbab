"""`cocrea run`: content checked, database migrated, then the bot by long polling or webhook."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from bot.conversation import Conversation
from bot.reload import ContentHolder, attach_watcher
from bot.scheduler.jobs import attach_scheduler
from bot.settings import Settings
from bot.startup import prepare
from bot.telegram.app import build_application
from storage import make_engine, make_session_factory

SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a webhook secret_token


def setting_problem(settings: Settings) -> str | None:
    """The one setting that stops the bot before it starts, named in Spanish; None if all is well."""
    if not settings.telegram_token:
        return "falta COCREA_TELEGRAM_TOKEN (el token que @BotFather te da al crear el bot)"
    if settings.webhook_url:
        if not settings.webhook_secret:
            return "en modo webhook hace falta COCREA_WEBHOOK_SECRET, para rechazar lo que no venga de Telegram"
        if not SECRET.fullmatch(settings.webhook_secret):
            return "COCREA_WEBHOOK_SECRET solo admite letras, números, _ y - (hasta 256 caracteres)"
    return None


def run_bot(settings: Settings) -> int:
    problem = setting_problem(settings)
    if problem:
        print(f"Error de configuración: {problem}", file=sys.stderr)
        return 2
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta, no warning
    content = prepare(settings)
    if content is None:
        return 1
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    holder = ContentHolder(settings.content_dir, content)  # swapped by /recargar and the watcher
    conversation = Conversation(holder, sessions, admins=settings.admins)
    app = build_application(settings, conversation, holder, sessions=sessions)
    attach_watcher(app, holder, sessions, settings.admins)  # started and stopped with the bot
    attach_scheduler(app, sessions, settings, holder)  # reminders and digests, a tick every 30 s

    async def dispose(_: Any) -> None:
        await engine.dispose()

    app.post_shutdown = dispose
    if settings.webhook_url:
        print(f"Cocrea en Telegram por webhook: escucho en {settings.listen}:{settings.port}", file=sys.stderr)
        from bot.telegram import webhook  # our server: the webhook path, /healthz and /metrics

        webhook.run(app, settings, engine, sessions)  # a request without the secret gets 403
    else:
        print("Cocrea en Telegram por sondeo (long polling); Ctrl+C para detenerlo.", file=sys.stderr)
        from bot.telegram import metrics_server  # /metrics on COCREA_METRICS_PORT, when set

        metrics_server.attach(app, settings, sessions)
        app.run_polling()
    return 0
