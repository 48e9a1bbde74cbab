"""What the engine says, as Telegram messages: HTML-escaped text, keyboards, ForceReply.

Texts are plain (flows renders no markup); every one is escaped here and sent with parse mode
HTML, so nothing a person or an admin wrote can inject formatting or break a message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.buttons import ButtonCodes
from flows.events import Attachment, MessageOut

LIMIT = 4096  # characters of a message after entity parsing, counted in UTF-16 code units
PLACEHOLDER_LIMIT = 64
CHOSEN = "✔"

Markup = InlineKeyboardMarkup | ForceReply


@dataclass(frozen=True)
class Outgoing:
    """One sendMessage (or, with an attachment, one sendDocument / sendPhoto): text escaped for HTML."""

    html: str
    markup: Markup | None = None
    attachment: Attachment | None = None


def escape(text: str) -> str:
    return html.escape(text, quote=False)  # outside tags only <, > and & need escaping


def render(message: MessageOut, codes: ButtonCodes) -> list[Outgoing]:
    """One message, split if it is too long; buttons or ForceReply ride on the last part.

    A message with an attachment is its text (when it has one), then the file.
    """
    if message.attachment is not None:
        words = replace(message, attachment=None)
        return [*(render(words, codes) if message.text.strip() else []), Outgoing("", None, message.attachment)]
    text = message.text.strip() or message.placeholder or "…"  # Telegram refuses empty texts
    markup: Markup | None = None
    if message.buttons:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=codes.encode(message.step_id, b.value))]
             for b in message.buttons]  # one per row: labels are sentences, not short words
        )
    elif message.placeholder:
        markup = ForceReply(input_field_placeholder=message.placeholder[:PLACEHOLDER_LIMIT])
    parts = split_text(text)
    return [Outgoing(escape(part), markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def with_choice(html_text: str, label: str) -> str | None:
    """The tapped message's text with the chosen answer below; None if that would be too long."""
    edited = f"{html_text}\n\n{CHOSEN} {escape(label)}"
    plain = html.unescape(edited)
    return edited if units(plain) <= LIMIT else None


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most `limit` units: at paragraph breaks, else at line breaks, else anywhere."""
    parts = _split(text, limit, ("\n\n", "\n"))
    return [p.strip("\n") for p in parts if p.strip()]


def _split(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if units(text) <= limit:
        return [text]
    if not separators:
        return _hard(text, limit)
    separator, finer = separators[0], separators[1:]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        joined = f"{current}{separator}{piece}" if current else piece
        if units(joined) <= limit:
            current = joined
            continue
        if current:
            parts.append(current)
        if units(piece) <= limit:
            current = piece
        else:
            parts.extend(_split(piece, limit, finer))
            current = ""
    if current:
        parts.append(current)
    return parts


def _hard(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = units(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts
