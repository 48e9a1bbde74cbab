"""The error handler: the admins get the traceback (escaped), the person a short apology.

Whatever failed, the person's progress is safe: the shared loop commits a step or nothing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.render import Outgoing, escape
from bot.telegram.sending import Sender
from bot.telegram.texts import Texts

log = logging.getLogger(__name__)

TRACE_CHARS = 3000  # the end of a traceback says the most; the report stays under 4,096


def error_report(texts: Texts, update: object, error: BaseException) -> str:
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    person, update_id = "—", "—"
    if isinstance(update, Update):
        update_id = str(update.update_id)
        if update.effective_user is not None:
            person = f"tg:{update.effective_user.id}"
    header = texts("admin_error", person=person, update=update_id)
    return f"{escape(header)}\n<pre>{escape(trace[-TRACE_CHARS:])}</pre>"


def make_error_handler(
    admins: frozenset[int], texts: Texts, sender: Sender
) -> Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        log.error("error while handling an update", exc_info=error)
        if isinstance(update, Update):
            await apologize(update)
        report = error_report(texts, update, error)
        for admin in sorted(admins):
            def call(admin: int = admin) -> Awaitable[Any]:
                return sender.bot.send_message(admin, report, parse_mode=ParseMode.HTML)

            await sender.quietly(admin, call, "telling an admin")

    async def apologize(update: Update) -> None:
        """The person first: they are waiting. Their progress is whatever was last committed."""
        query = update.callback_query
        if query is not None:  # may already be answered: then this fails quietly
            await sender.quietly(query.from_user.id, lambda: query.answer(), "answerCallbackQuery")
        chat = update.effective_chat
        if chat is not None and chat.type == chat.PRIVATE:
            await sender.quietly(chat.id, lambda: sender.send(chat.id, [Outgoing(escape(texts("sorry")))]),
                                 "apology")

    return on_error
