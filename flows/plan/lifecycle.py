"""A commitment's lifecycle, its IRM completion level, and the sign-off quorum.

Moves::

    borrador ──► en_revision ──► aprobado ──► en_implementacion ──► concluido
       ▲              │
       └──────────────┘  (returned for changes)
    cancelado: from any status that is not final (concluido and cancelado are final)

Sign-off rule (`quorum`): only the latest decision of each person counts. Approval needs, for
every required sector, at least one person of that sector whose latest decision is «aprueba».
A dissent («disiente») is recorded with its reason and shown (in the card and the acta), but it
does not veto by itself: a sector is missing only while nobody of it has approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.errors import FlowsError
from flows.plan.views import SignoffView
from flows.text import normalize

STATUSES = ("borrador", "en_revision", "aprobado", "en_implementacion", "concluido", "cancelado")
FINAL = frozenset({"concluido", "cancelado"})
STATUS_LABELS = {
    "borrador": "borrador",
    "en_revision": "en revisión",
    "aprobado": "aprobado",
    "en_implementacion": "en implementación",
    "concluido": "concluido",
    "cancelado": "cancelado",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "borrador": frozenset({"en_revision", "cancelado"}),
    "en_revision": frozenset({"borrador", "aprobado", "cancelado"}),
    "aprobado": frozenset({"en_implementacion", "cancelado"}),
    "en_implementacion": frozenset({"concluido", "cancelado"}),
    "concluido": frozenset(),
    "cancelado": frozenset(),
}
# What must happen before a status can be reached, told when someone skips ahead.
_HOW_TO_REACH = {
    "en_revision": "Solo un borrador puede enviarse a revisión.",
    "aprobado": "Solo se aprueba un compromiso que está en revisión (envíalo con /revision).",
    "en_implementacion": "Un compromiso entra en implementación después de ser aprobado.",
    "concluido": "Un compromiso se concluye cuando está en implementación.",
    "borrador": "Solo un compromiso en revisión puede regresar a borrador para cambios.",
}

IRM_COMPLETION = ("no_iniciado", "limitado", "sustancial", "completo")
IRM_LABELS = {
    "no_iniciado": "no iniciado",
    "limitado": "limitado",
    "sustancial": "sustancial",
    "completo": "completo",
}
DECISIONS = ("aprueba", "disiente")


class LifecycleError(FlowsError):
    """A move the lifecycle does not allow; the message is Spanish, for the person who asked."""


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def move(current: str, to: str) -> str:
    """The new status, if the lifecycle allows going from `current` to `to`."""
    if to not in TRANSITIONS:
        raise LifecycleError(f"«{to}» no es un estado de compromiso.")
    if current == to:
        raise LifecycleError(f"El compromiso ya está {label(to)}.")
    if current in FINAL:
        raise LifecycleError(f"El compromiso está {label(current)}; ya no puede cambiar de estado.")
    if to not in TRANSITIONS.get(current, frozenset()):
        hint = _HOW_TO_REACH.get(to, "")
        raise LifecycleError(f"Un compromiso {label(current)} no puede pasar a {label(to)}. {hint}".strip())
    return to


def _loose(text: str) -> str:
    return normalize(text).replace("_", " ").replace("-", " ").strip()


def _parse(text: str, labels: dict[str, str]) -> str | None:
    wanted = _loose(text)
    for value, shown in labels.items():
        if wanted in (_loose(value), _loose(shown)):
            return value
    return None


def parse_status(text: str) -> str | None:
    """A status typed loosely ("En implementación", "en_implementacion", "CONCLUIDO"), or None."""
    return _parse(text, STATUS_LABELS)


def parse_completion(text: str) -> str | None:
    """An IRM completion level typed loosely ("No iniciado", "no_iniciado"), or None."""
    return _parse(text, IRM_LABELS)


@dataclass(frozen=True)
class Quorum:
    met: bool
    missing_sectors: tuple[str, ...]
    dissents: tuple[SignoffView, ...]


def latest_decisions(signoffs: Sequence[SignoffView]) -> list[SignoffView]:
    """Each person's latest decision, oldest first (a person is their id, or their name)."""
    latest: dict[object, SignoffView] = {}
    for signoff in sorted(signoffs, key=lambda s: s.signed_at):
        who: object = signoff.person_id if signoff.person_id is not None else ("name", signoff.name)
        latest[who] = signoff
    return sorted(latest.values(), key=lambda s: s.signed_at)


def quorum(required_sectors: Sequence[str], signoffs: Sequence[SignoffView]) -> Quorum:
    """Has every required sector approved? (The rule is in the module docstring.)"""
    current = latest_decisions(signoffs)
    approving = {s.sector for s in current if s.decision == "aprueba"}
    required = tuple(dict.fromkeys(s.strip() for s in required_sectors if s.strip()))
    missing = tuple(s for s in required if s not in approving)
    dissents = tuple(s for s in current if s.decision == "disiente")
    met = not missing and bool(approving)
    return Quorum(met, missing, dissents)


def required_sectors(setting: str | None) -> tuple[str, ...]:
    """The secretariat's `signoff_sectors` setting ("gobierno,sociedad_civil") as a tuple."""
    return tuple(dict.fromkeys(s.strip() for s in (setting or "").split(",") if s.strip()))
