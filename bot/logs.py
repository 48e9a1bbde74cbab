"""Logging for every `cocrea` command, configured once in bot/cli.py.

`COCREA_LOG_FORMAT=json`: one JSON object per line (time in UTC, level, logger, message, the
record's extras such as update_id or chat, and the exception if any), for a log collector.
Otherwise the plain `LEVEL logger: message` lines. `COCREA_LOG_LEVEL` (default WARNING) sets the level.
Logs carry ids, never what people wrote: callers pass update ids and chat ids as extras.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.settings import read_dotenv

PLAIN = "%(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came as `extra=` and is worth a field.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure(environ: Mapping[str, str] | None = None) -> None:
    """Set up the root logger from COCREA_LOG_FORMAT / COCREA_LOG_LEVEL (environment, then .env)."""
    env = {**read_dotenv(Path(".env")), **(environ if environ is not None else os.environ)}
    level_name = (env.get("COCREA_LOG_LEVEL") or "WARNING").strip().upper()
    level = logging.getLevelName(level_name)
    handler = logging.StreamHandler()
    if (env.get("COCREA_LOG_FORMAT") or "").strip().lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(PLAIN))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else logging.WARNING)
    # httpx logs every Bot API call (with the token in its URL) at INFO: never below WARNING.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
