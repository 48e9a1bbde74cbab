"""Which plan events are told, to whom, in which words: one Rule per (action, case).

A rule names the audit action it tells, when it applies (a test on the entry's detail), the kind
of notice (what a person may mute with /avisos), the ui.yaml text of its line, and its audience:
GROUP (the secretariat's group chat, or without one its coordination), and people named by
role: WRITERS (who created or wrote the commitment), SIGNERS (who signed it), SECTORS (every
member of a sector whose signature is required), LAPSED (signers whose signature no longer
applies: `lapsed` in the detail), REPLIED (the author of the comment answered). `button` adds a
command button to private notices («Firmar»: /firmar).

Every rule that matches an event applies, in this order, and each address hears one line per event:
the first rule that names it. So the rules for particular people (a sign request, a lapsed
signature, a reply) come before the general ones for the same event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

GROUP, WRITERS, SIGNERS, SECTORS, LAPSED, REPLIED = "group", "writers", "signers", "sectors", "lapsed", "replied"

# The kinds of notice a person may mute (/avisos), in the order the buttons show; labels in ui.yaml
# `notice_kind_<kind>`.
KINDS = ("borradores", "revision", "firmas", "aprobacion", "estado", "reportes", "comentarios")


def _always(detail: Mapping[str, Any]) -> bool:
    return True


def _to(*statuses: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda detail: detail.get("to") in statuses


def _other_move(detail: Mapping[str, Any]) -> bool:
    return detail.get("to") not in ("en_revision", "aprobado", "borrador")


@dataclass(frozen=True)
class Rule:
    action: str
    kind: str
    line: str  # content/ui.yaml `bot:` key of the line that tells it
    audience: tuple[str, ...]
    when: Callable[[Mapping[str, Any]], bool] = _always
    button: tuple[str, str] | None = None  # (ui.yaml label key, command) on private notices
    acta: bool = False  # the approval record goes with it, as a document


RULES: tuple[Rule, ...] = (
    Rule("commitment_created", "borradores", "notice_new_draft", (GROUP,)),
    Rule("commitment_status", "revision", "notice_sign_request", (SECTORS,),
         when=_to("en_revision"), button=("notice_button_sign", "firmar")),
    Rule("commitment_status", "revision", "notice_in_review", (GROUP, WRITERS),
         when=_to("en_revision")),
    Rule("commitment_signed", "firmas", "notice_signed", (GROUP, WRITERS),
         when=lambda d: d.get("decision") == "aprueba"),
    Rule("commitment_signed", "firmas", "notice_dissent", (GROUP, WRITERS),
         when=lambda d: d.get("decision") == "disiente"),
    Rule("commitment_status", "aprobacion", "notice_approved", (GROUP, WRITERS, SIGNERS),
         when=_to("aprobado"), acta=True),
    # Their signature was on a text that is changing: each signer is told it no longer applies.
    Rule("commitment_status", "firmas", "notice_signature_lapsed", (LAPSED,), when=_to("borrador")),
    Rule("commitment_status", "estado", "notice_back_to_draft", (GROUP, WRITERS),
         when=_to("borrador")),
    Rule("commitment_status", "estado", "notice_status", (GROUP, WRITERS), when=_other_move),
    # An amendment is proposed, reviewed and signed like the original: told like it.
    Rule("amendment_opened", "estado", "notice_amendment_opened", (GROUP, WRITERS)),
    Rule("amendment_sent", "revision", "notice_sign_request", (SECTORS,), button=("notice_button_sign", "firmar")),
    Rule("amendment_sent", "revision", "notice_amendment_in_review", (GROUP, WRITERS)),
    Rule("amendment_returned", "firmas", "notice_signature_lapsed", (LAPSED,)),
    Rule("amendment_returned", "estado", "notice_back_to_draft", (GROUP, WRITERS)),
    Rule("amendment_approved", "aprobacion", "notice_amendment_approved", (GROUP, WRITERS, SIGNERS), acta=True),
    Rule("indicator_reported", "reportes", "notice_reported", (GROUP, WRITERS)),
    Rule("comment_added", "comentarios", "notice_reply", (REPLIED,),
         when=lambda d: d.get("reply_to") is not None),
    Rule("comment_added", "comentarios", "notice_comment", (WRITERS, SIGNERS)),
    Rule("comment_marked", "comentarios", "notice_comment_marked", (REPLIED,)),
)


def rules_for(action: str, detail: Mapping[str, Any]) -> list[Rule]:
    return [rule for rule in RULES if rule.action == action and rule.when(detail)]
