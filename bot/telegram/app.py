"""The composition root: python-telegram-bot's `Application`, built from settings and the loop.

Handler order matters: in one group the first handler whose filters match takes the update,
and each line below says why it stands where it does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters
from telegram.request import BaseRequest

from bot.conversation import Conversation
from bot.scheduler.limiter import RateLimiter
from bot.settings import Settings
from bot.telegram.buttons import ButtonCodes
from bot.telegram.errors import make_error_handler
from bot.telegram.handlers import TelegramChannel
from bot.telegram.limiting import SharedRateLimiter
from bot.telegram.locks import ChatLocks
from bot.telegram.menus import set_coordinator_menu, set_member_menu
from bot.telegram.sending import Pause, Sender
from bot.telegram.texts import Texts
from flows.model import Content
from storage import StorageError, UnitOfWork

log = logging.getLogger(__name__)

# Only new messages in private chats: an edited answer must not count twice, and groups come later.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
MEDIA = (filters.PHOTO | filters.Document.ALL | filters.Sticker.ALL | filters.VOICE | filters.AUDIO
         | filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION)


def build_application(
    settings: Settings,
    conversation: Conversation,
    content: Content | Callable[[], Content],
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    request: BaseRequest | None = None,
    pause: Pause = asyncio.sleep,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for `run_polling`, `run_webhook` or (in tests) `process_update`.

    `content` may be a callable so a reload reaches the channel's texts too; `sessions` lets the
    bot mark a person inactive when they block it; `request` replaces the HTTP transport (tests).
    """
    if not settings.telegram_token:
        raise ValueError("falta COCREA_TELEGRAM_TOKEN")
    current = content if callable(content) else (lambda: content)
    texts = Texts(current)

    async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if isinstance(conversation, Conversation) and not conversation.bot_username:
            conversation.bot_username = settings.bot_username or application.bot.username  # for /invitar
        await set_member_menu(application.bot, texts, pause)
        for chat_id in await coordinators():
            await set_coordinator_menu(application.bot, texts, chat_id, pause)

    async def coordinators() -> list[int]:
        if sessions is None:
            return []
        try:
            async with UnitOfWork(sessions, read_only=True) as uow:  # waits for no writer
                return await uow.memberships.coordinator_telegram_ids()
        except StorageError:
            log.warning("could not list the coordinators for their menus", exc_info=True)
            return []

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .concurrent_updates(True)  # chats in parallel; ChatLocks keeps each chat in order
        .post_init(register_commands)  # run_polling and run_webhook call it after getMe
        # One limiter for replies and the outbox dispatcher of this process (bot/scheduler/jobs.py).
        .rate_limiter(SharedRateLimiter(RateLimiter(settings.rate_limit)))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()

    async def mark_inactive(chat_id: int) -> None:
        if sessions is None:
            return
        try:
            async with UnitOfWork(sessions) as uow:
                await uow.people.set_active(f"tg:{chat_id}", False)  # private chat id = user id
        except StorageError:
            log.warning("could not mark tg:%s inactive", chat_id, exc_info=True)

    sender = Sender(app.bot, pause, mark_inactive)
    channel = TelegramChannel(conversation, texts, ButtonCodes(), sender, ChatLocks())
    channel.on_promoted = lambda chat_id: set_coordinator_menu(app.bot, texts, chat_id, pause)

    # Taps first: they are not messages, so no other handler would take them anyway.
    app.add_handler(CallbackQueryHandler(channel.on_tap))
    # Commands before text: a command is a text message too, and would otherwise be an answer.
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, channel.on_command))
    # In a group only commands reach the loop (which acts on /grupo alone): a group's chatter never
    # starts or answers anyone's kit.
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.COMMAND,
                                   channel.on_command))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT, channel.on_text))
    # Photos, stickers, voice notes…, then anything else a person sends (a location, a contact);
    # service messages (a pin) are not a person talking and get no answer.
    app.add_handler(MessageHandler(PRIVATE & MEDIA, channel.on_other))
    app.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, channel.on_other))
    app.add_error_handler(make_error_handler(settings.admins, texts, sender))

    return app


def file_url(api_url: str) -> str:
    """Telegram serves files under /file/bot<token>; a self-hosted Bot API server does the same."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file"
