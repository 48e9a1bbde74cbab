"""A Telegram message as the engine sees it: a command, or something it cannot read as text."""

from __future__ import annotations

from telegram import Message

from bot.telegram.texts import Texts
from flows.inputs import Command, Unsupported
from flows.text import normalize

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


def kind_of(message: Message, texts: Texts) -> Unsupported:
    """A message that is not text, named in Spanish for «no puedo leer un … como respuesta»."""
    for attribute, key in KINDS:
        if getattr(message, attribute, None):
            return Unsupported(texts(key))
    return Unsupported(texts("kind_other"))


def read_command(text: str) -> Command:
    """'/start@CocreaBot abc' → Command('start', 'abc'): the deep-link code rides in args."""
    name, _, args = text.strip()[1:].partition(" ")
    return Command(normalize(name.split("@")[0]), args.strip())
