"""Bot API calls with their faults handled, so a flaky network never loses a reply silently.

- Forbidden (the person blocked the bot): stop sending to that chat for this reply and tell
  `on_blocked`, which marks the person inactive.
- RetryAfter (flood control): wait as long as Telegram asks, then try once more.
- NetworkError and TimedOut: retry with exponential backoff, up to NETWORK_RETRIES times.
- BadRequest is a NetworkError in python-telegram-bot, but retrying cannot fix it: it goes up
  (for sends, to the error handler) or is logged (for edits and answers, which are cosmetic).

`send` is for replies: it retries, and a failure stops the reply. `deliver` is for the outbox's
rows: one try, and the fault goes up as the channel contract names it (bot/channel.py: Unreachable,
SlowDown), so the dispatcher reschedules the row instead of waiting inline.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channel import SlowDown, Unreachable
from bot.telegram.render import Outgoing, escape

log = logging.getLogger(__name__)

T = TypeVar("T")
Pause = Callable[[float], Awaitable[Any]]
Blocked = Callable[[int], Awaitable[None]]

NETWORK_RETRIES = 3
BACKOFF = 0.5  # seconds before the first network retry; doubles each time


def seconds_of(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)


async def with_retries(call: Callable[[], Awaitable[T]], pause: Pause, *, network_retries: int = NETWORK_RETRIES) -> T:
    flood_waited, failures = False, 0
    while True:
        try:
            return await call()
        except RetryAfter as exc:
            if flood_waited:
                raise
            flood_waited = True
            await pause(seconds_of(exc))
        except BadRequest:
            raise
        except NetworkError:  # TimedOut is one too
            if failures >= network_retries:
                raise
            await pause(BACKOFF * 2**failures)
            failures += 1


@contextmanager
def as_channel_faults() -> Iterator[None]:
    """Forbidden and RetryAfter as the channel contract names them (bot/channel.py)."""
    try:
        yield
    except Forbidden as exc:
        raise Unreachable(str(exc)) from exc
    except RetryAfter as exc:
        raise SlowDown(seconds_of(exc)) from exc


class Sender:
    def __init__(self, bot: Bot, pause: Pause, on_blocked: Blocked) -> None:
        self.bot, self.pause, self.on_blocked = bot, pause, on_blocked

    def call(self, chat_id: int, out: Outgoing) -> Awaitable[Any]:
        """The one Bot API call that sends `out`: sendMessage, or sendPhoto / sendDocument."""
        if out.attachment is not None:
            return self.send_file(chat_id, out)
        return self.bot.send_message(chat_id, out.html, parse_mode=ParseMode.HTML, reply_markup=out.markup)

    async def deliver(self, chat_id: int, outgoing: Sequence[Outgoing]) -> None:
        """Send in order, once each; a fault goes up as Unreachable, SlowDown or the error itself."""
        with as_channel_faults():
            for out in outgoing:
                await self.call(chat_id, out)

    async def send(self, chat_id: int, outgoing: Sequence[Outgoing]) -> bool:
        """Send in order, stopping at the first message that cannot go. True when all went."""
        for out in outgoing:
            def call(out: Outgoing = out) -> Awaitable[Any]:
                return self.call(chat_id, out)

            try:
                await with_retries(call, self.pause)
            except Forbidden:
                log.info("chat %s blocked the bot; the rest of this reply is not sent", chat_id)
                await self.on_blocked(chat_id)
                return False
            except BadRequest:
                raise  # our own mistake (markup, length): the error handler tells the admins
            except (RetryAfter, NetworkError):
                log.warning("could not send to chat %s; the rest of this reply is not sent", chat_id,
                            exc_info=True)
                return False
        return True

    def send_file(self, chat_id: int, out: Outgoing) -> Awaitable[Any]:
        """sendDocument or sendPhoto; the file is read from memory again on each retry."""
        attachment = out.attachment
        assert attachment is not None
        caption = escape(attachment.caption) if attachment.caption else None
        upload = InputFile(attachment.data, filename=attachment.filename)
        if attachment.kind == "photo":
            return self.bot.send_photo(chat_id, upload, caption=caption, parse_mode=ParseMode.HTML,
                                       reply_markup=out.markup)
        return self.bot.send_document(chat_id, upload, caption=caption, parse_mode=ParseMode.HTML,
                                      reply_markup=out.markup)

    async def quietly(self, chat_id: int, call: Callable[[], Awaitable[T]], what: str, *,
                      retry: bool = True) -> T | None:
        """A call whose failure must not stop the reply (an edit, an answer, a typing action)."""
        try:
            if retry:
                return await with_retries(call, self.pause)
            return await call()
        except Forbidden:
            log.info("chat %s blocked the bot (%s)", chat_id, what)
            await self.on_blocked(chat_id)
        except TelegramError as exc:
            log.info("%s in chat %s failed: %s", what, chat_id, exc)
        return None
