"""The Telegram channel: python-telegram-bot's real `Application`, wired to the shared loop.

One small module per job:

    app.py       the composition root: `build_application`, handler order, commands at startup
    handlers.py  one update in: per-chat order, the shared loop, a tap settled, the reply sent
    reading.py   a Telegram message as an engine input (text, a file, or something unsupported);
                 commands are parsed by bot/channel.py `read_command`, as in every channel
    buttons.py   button values in callback_data (≤ 64 bytes) and back
    render.py    MessageOut as HTML text, inline keyboards, ForceReply; long texts split
    sending.py   sends with the faults handled: blocked chats, flood control, network retries
    outbound.py  the channel contract (bot/channel.py): outbox rows to a chat, rendered like replies
    limiting.py  the one rate limiter, plugged into python-telegram-bot, shared with the dispatcher
    locks.py     one asyncio lock per chat, so one chat's updates run strictly in order
    errors.py    the error handler: admins get the escaped traceback, the person an apology
    texts.py     the channel's Spanish words from content/ui.yaml (`bot:` section)
    runner.py    `cocrea run`: content, migrations, storage, then polling or a webhook

Exceptions: none of its own. Faults of the Bot API (telegram.error) are handled in sending.py;
anything else a handler raises reaches the error handler in errors.py.
"""

from bot.telegram.app import build_application

__all__ = ["build_application"]
