"""Settings from the environment (and an optional .env), all prefixed COCREA_.

A missing or wrong value stops the program at start with one clear line naming it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.loader import default_content_dir


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it, in Spanish."""


def read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///cocrea.db"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    admins: frozenset[int] = field(default_factory=frozenset)
    timezone: str = "America/Mexico_City"
    content_dir: Path = field(default_factory=default_content_dir)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8080
    metrics_port: int | None = None  # polling mode: serve /metrics on listen:metrics_port (webhook: on port)
    rate_limit: float = 30.0
    bot_username: str | None = None
    actions_token: str | None = None  # the secret Rasa sends on every call to `cocrea actions`

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        env = {**read_dotenv(dotenv or Path(".env")), **(environ if environ is not None else os.environ)}

        def get(name: str) -> str | None:
            value = env.get(f"COCREA_{name}")
            return value.strip() if value and value.strip() else None

        def number(name: str, default: float, kind: Callable[[str], float] = float) -> float:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"COCREA_{name} debe ser un número (recibí {raw!r})") from None
            if value <= 0:
                raise SettingsError(f"COCREA_{name} debe ser mayor que cero (recibí {raw!r})")
            return value

        url = get("DATABASE_URL") or cls.database_url
        if not url.startswith(("sqlite", "postgresql", "postgres")):
            raise SettingsError(
                f"COCREA_DATABASE_URL debe empezar con sqlite:/// o postgresql:// (recibí {url!r})"
            )
        timezone = get("TIMEZONE") or cls.timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"COCREA_TIMEZONE no es una zona horaria válida: {timezone!r}") from None
        admins: set[int] = set()
        for part in (get("ADMINS") or "").split(","):
            if part.strip():
                if not part.strip().lstrip("-").isdigit():
                    raise SettingsError(f"COCREA_ADMINS debe ser una lista de ids numéricos (recibí {part!r})")
                admins.add(int(part))
        content_dir = Path(get("CONTENT_DIR") or default_content_dir())
        if not content_dir.is_dir():
            raise SettingsError(f"COCREA_CONTENT_DIR no es una carpeta: {str(content_dir)!r}")
        webhook_url = get("WEBHOOK_URL")
        if webhook_url and not webhook_url.startswith(("https://", "http://")):
            raise SettingsError(f"COCREA_WEBHOOK_URL debe ser una dirección http(s) (recibí {webhook_url!r})")
        return cls(
            database_url=url,
            telegram_token=get("TELEGRAM_TOKEN"),
            telegram_api_url=get("TELEGRAM_API_URL") or cls.telegram_api_url,
            admins=frozenset(admins),
            timezone=timezone,
            content_dir=content_dir,
            webhook_url=webhook_url,
            webhook_secret=get("WEBHOOK_SECRET"),
            listen=get("LISTEN") or cls.listen,
            port=int(number("PORT", cls.port, int)),
            metrics_port=int(number("METRICS_PORT", 0, int)) or None,
            rate_limit=number("RATE_LIMIT", cls.rate_limit),
            bot_username=get("BOT_USERNAME"),
            actions_token=get("ACTIONS_TOKEN"),
        )
