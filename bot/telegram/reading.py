"""A Telegram message as the engine sees it: a command, text, a file (evidence), or something it cannot read.

What the person typed is cleaned of control characters here (see bot/typed.py): a NUL byte
would otherwise reach the database.
"""

from __future__ import annotations

from telegram import Message

from bot.telegram.texts import Texts
from bot.typed import clean
from flows.inputs import File, Text, Unsupported

# Which ui.yaml word names each kind of message the engine cannot read as an answer. The words
# fill «no puedo leer un {{ kind }}», so they are masculine nouns.
# A GIF arrives with both `animation` and `document` set, so animation comes first.
KINDS: tuple[tuple[str, str], ...] = (
    ("animation", "kind_video"),
    ("photo", "kind_photo"),
    ("document", "kind_document"),
    ("sticker", "kind_sticker"),
    ("voice", "kind_voice"),
    ("audio", "kind_voice"),
    ("video", "kind_video"),
    ("video_note", "kind_video"),
)


def kind_of(message: Message, texts: Texts) -> File | Unsupported:
    """A message that is not text: a photo or document becomes a File (evidence for a `file` question;
    other questions explain they need text); anything else is named in Spanish for «no puedo leer un …»."""
    received = read_file(message)
    if received is not None:
        return received
    for attribute, key in KINDS:
        if getattr(message, attribute, None):
            return Unsupported(texts(key))
    return Unsupported(texts("kind_other"))


def read_file(message: Message) -> File | None:
    """A photo (its largest size) or a document as a File; a GIF is an animation, not a document."""
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return File("photo", largest.file_id, None, "image/jpeg")
    if message.document and not message.animation:
        document = message.document
        name = clean(document.file_name) if document.file_name is not None else None
        return File("document", document.file_id, name, document.mime_type)
    return None


def read_text(text: str) -> Text:
    """A typed answer, as typed, without control characters."""
    return Text(clean(text))
