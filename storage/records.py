"""How a RecordWritten event lands in the tables (content/FORMAT.md, "Records")."""

from __future__ import annotations

from typing import Any

from storage.columns import utcnow
from storage.errors import NoSecretariat
from storage.models import FlowRun, Person
from storage.repositories import Commitments, Secretariats

PERSON_FIELDS = frozenset({"name", "sector", "consent"})
_YES = {"sí", "si", "yes", "true", "1"}
_NO = {"no", "false", "0", ""}


def write_person(person: Person, fields: dict[str, Any]) -> None:
    """Copy name, sector and consent onto the person; consent keeps the time it was first given."""
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise ValueError(f"record person has no field(s) {sorted(unknown)}")
    if "name" in fields:
        person.name = _text(fields["name"])
    if "sector" in fields:
        person.sector = _text(fields["sector"])
    if "consent" in fields:
        if not _consents(fields["consent"]):
            person.consent_at = None
        elif person.consent_at is None:
            person.consent_at = utcnow()


async def write_commitment(
    commitments: Commitments,
    secretariats: Secretariats,
    person: Person,
    run: FlowRun,
    fields: dict[str, Any],
) -> None:
    """Merge fields into the run's commitment, creating it on the run's first write."""
    commitment = await commitments.get(run.commitment_id) if run.commitment_id else None
    if commitment is None:
        secretariat_id = run.secretariat_id
        if secretariat_id is None:
            secretariat = await secretariats.first_of(person)
            if secretariat is None:
                raise NoSecretariat(
                    "Para guardar un compromiso necesitas pertenecer a un secretariado. "
                    "Pide a tu coordinación una invitación."
                )
            secretariat_id = secretariat.id
        commitment = await commitments.create(secretariat_id, created_by=person.id)
        run.secretariat_id = secretariat_id
        run.commitment_id = commitment.id
    await commitments.update_fields(commitment, fields, person)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _consents(value: Any) -> bool:
    """Strict on purpose: consent is recorded only for an unambiguous yes."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"consent must be yes or no, not {value!r}")
