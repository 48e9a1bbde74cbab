"""Evidence: a photo or a document sent from Telegram, or a link typed as text.

Stored as `{"kind": "photo" | "document" | "link", "ref": file id or URL, "name": …}`.
"""

from __future__ import annotations

from typing import Any

from flows.answers.contacts import Url
from flows.answers.registry import AnswerType, Spec, register
from flows.errors import Rejected
from flows.inputs import File

KINDS = ("photo", "document", "link")


@register
class FileAnswer(AnswerType):
    name = "file"
    placeholder = "placeholder_file"

    def parse(self, text: str, spec: Spec) -> Any:
        try:
            url = Url().parse(text, spec)
        except Rejected:
            raise Rejected("not_a_file") from None
        return {"kind": "link", "ref": url, "name": None}

    def receive_file(self, received: File, spec: Spec) -> Any:
        if received.kind not in ("photo", "document") or not received.file_id:
            raise Rejected("not_a_file")
        return {"kind": received.kind, "ref": received.file_id, "name": received.name}

    def show(self, value: Any, spec: Spec) -> str:
        if not isinstance(value, dict):
            return str(value)
        kind, ref, name = value.get("kind"), value.get("ref"), value.get("name")
        if kind == "link":
            return str(ref)
        what = "Foto" if kind == "photo" else "Documento"
        return f"{what} «{name}»" if name else what
