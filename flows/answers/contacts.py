"""E-mail addresses and web links (a link without https:// is completed)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flows.answers.plain import plain
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_HOST = re.compile(r"^([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(:\d+)?$")


@register
class Email(AnswerType):
    name = "email"
    placeholder = "placeholder_email"

    def parse(self, text: str, spec: Spec) -> Any:
        value = plain(text).strip()
        if not _EMAIL.match(value):
            raise Rejected("not_an_email")
        local, domain = value.rsplit("@", 1)
        return f"{local}@{domain.lower()}"


@register
class Url(AnswerType):
    name = "url"
    placeholder = "placeholder_url"

    def parse(self, text: str, spec: Spec) -> Any:
        value = plain(text).strip()
        if not value or any(ch.isspace() for ch in value):  # a line break too: urllib would drop it
            raise Rejected("not_a_url")
        if "://" not in value:
            value = "https://" + value
        try:
            parts = urlsplit(value)
        except ValueError:  # "https://[::1" and the like: urllib refuses a bracket left open
            raise Rejected("not_a_url") from None
        if parts.scheme not in ("http", "https") or not _HOST.match(parts.hostname or ""):
            raise Rejected("not_a_url")
        return value
