"""What every long-running command does first: load checked content and bring the database up."""

from __future__ import annotations

import sys

from bot.settings import Settings
from flows.errors import ContentInvalid
from flows.loader import load_checked
from flows.model import Content
from storage import DatabaseUnavailable
from storage.migrate import upgrade


def prepare(settings: Settings) -> Content | None:
    """The content, with the database migrated; None after telling the operator what is wrong."""
    try:
        content = load_checked(settings.content_dir)
    except ContentInvalid as exc:
        print(f"El contenido tiene errores; corrígelos con `cocrea content check`:\n{exc}", file=sys.stderr)
        return None
    try:
        upgrade(settings.database_url)
    except DatabaseUnavailable as exc:
        print(f"No puedo abrir la base de datos: {exc}", file=sys.stderr)
        return None
    return content
