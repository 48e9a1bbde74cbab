"""How a RecordWritten event lands in the tables (content/FORMAT.md, "Records").

Every record that belongs to a commitment is written only into a commitment of the person's own
secretariat; anything else is refused (RecordRefused, its sentence a key of content/ui.yaml; the
rules are flows/plan/refusals.py), and the caller rolls that record back and tells the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.events import RecordWritten
from flows.plan import refusals
from flows.plan.readiness import parse_date
from flows.state import RunState
from storage.columns import utcnow
from storage.errors import NoSecretariat, RecordRefused
from storage.models import Commitment, FlowRun, Indicator, Milestone, Person
from storage.repositories import Commitments, Memberships, Plan, Secretariats
from storage.repositories.comments import Comments
from storage.repositories.plan import row_values

PERSON_FIELDS = frozenset({"name", "sector", "consent"})
_YES = {"sí", "si", "yes", "true", "1"}
_NO = {"no", "false", "0", ""}


@dataclass(frozen=True)
class Refusal:
    """A record storage would not write: the event's position, why (`key`, a content/ui.yaml `bot:`
    text, and the values it shows), and the question whose answer chose the target (where the person
    is taken back to choose again)."""

    index: int
    key: str
    params: Mapping[str, Any]
    step_id: str | None
    again: bool = False  # the record step itself runs again (it asks anew with what the record holds now)


@dataclass
class Repos:
    commitments: Commitments
    secretariats: Secretariats
    memberships: Memberships
    plan: Plan
    comments: Comments | None = None


PICK_SEPARATOR = "@"


def pick(row_id: int, shown: str) -> str:
    """A list item's value that holds what the person was shown with it: "12@2026-03-31" (an
    indicator and the period it offered), "5@<version>" (a commitment as it read then). The record
    is then written for that, or refused, never for something else (see split_pick)."""
    return f"{row_id}{PICK_SEPARATOR}{shown}"


def split_pick(value: Any) -> tuple[int | None, str | None]:
    """The id and what was shown with it; (12, None) for a bare id (an answer saved before)."""
    row_id, separator, shown = str(value if value is not None else "").partition(PICK_SEPARATOR)
    return _id(row_id), (shown if separator else None)


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


async def own_commitment(
    commitments: Commitments, secretariats: Secretariats, person: Person, run: FlowRun
) -> Commitment:
    """The run's commitment, created (a draft of the person's secretariat) on first use."""
    commitment = await commitments.get(run.commitment_id) if run.commitment_id else None
    if commitment is None:
        secretariat_id = await _secretariat_id(secretariats, person, run)
        commitment = await commitments.create(secretariat_id, created_by=person.id)
        run.secretariat_id = secretariat_id
        run.commitment_id = commitment.id
    return commitment


async def write_record(repos: Repos, person: Person, run: FlowRun, event: RecordWritten, today: date) -> None:
    """Apply one record of a flow; RecordRefused (or another PlanError) when it cannot be written."""
    fields = dict(event.fields)
    if event.record == "person":
        write_person(person, fields)
    elif event.record == "indicator_report":
        await _report(repos, person, run, fields, today)
    elif event.record == "comment":
        await _comment(repos, person, run, fields)
    elif event.record in ("commitment", "milestone", "indicator", "actor", "signoff"):
        commitment = await _target(repos, person, run, event)
        refused = refusals.record_refusal(event.record, fields)
        if refused is not None:
            raise RecordRefused.of(refused)
        where = {"kit": run.flow_id, "step": event.step_id}
        if event.record == "commitment":
            await repos.plan.set_fields(commitment, fields, person, seen=event.seen, **where)
        elif event.record in ("milestone", "indicator"):
            write = _milestone if event.record == "milestone" else _indicator
            earlier = _latest_of(await _rows(repos.plan, event.record, commitment), person) if event.amends else None
            before = row_values(event.record, earlier) if earlier is not None else {}
            row = await write(repos.plan, commitment, person, fields, earlier)
            await repos.plan.record_row_change(commitment, event.record, row, before, person, **where)
        elif event.record == "actor":
            await _actor(repos.plan, commitment, person, fields, event.amends, where)
        else:
            decision = str(fields.get("decision") or "")
            _, version = split_pick(event.commitment)  # the version /firmar showed: refused when stale
            await repos.plan.sign(commitment, person, decision, _text(fields.get("reason")), version=version)
    else:
        raise ValueError(f"unknown record {event.record!r}")


async def _secretariat_id(secretariats: Secretariats, person: Person, run: FlowRun) -> int:
    if run.secretariat_id is not None:
        return run.secretariat_id
    secretariat = await secretariats.acting_for(person)
    if secretariat is None:
        raise NoSecretariat("plan_refused_no_secretariat")
    return secretariat.id


async def _member_of(repos: Repos, person: Person, secretariat_id: int) -> bool:
    secretariat = await repos.secretariats.get(secretariat_id)
    return secretariat is not None and await repos.memberships.role_of(person, secretariat) is not None


async def _target(repos: Repos, person: Person, run: FlowRun, event: RecordWritten) -> Commitment:
    """The commitment an answer chose (only one of the person's secretariat), or the run's own."""
    if event.commitment is None:
        return await own_commitment(repos.commitments, repos.secretariats, person, run)
    secretariat_id = await _secretariat_id(repos.secretariats, person, run)
    commitment_id, _ = split_pick(event.commitment)
    commitment = None
    if commitment_id is not None and await _member_of(repos, person, secretariat_id):
        commitment = await repos.plan.commitment(secretariat_id, commitment_id)
    if commitment is None:
        raise RecordRefused("record_refused_not_yours")
    if event.record != "signoff":  # the run now works on this commitment
        run.secretariat_id, run.commitment_id = secretariat_id, commitment.id
    return commitment


def _latest_of(rows: list[Any], person: Person) -> Any:
    """The person's newest row (a milestone or indicator they just wrote and now correct)."""
    mine = [row for row in rows if row.created_by == person.id]
    return max(mine, key=lambda row: row.id) if mine else None


async def _rows(plan: Plan, record: str, commitment: Commitment) -> list[Any]:
    if record == "milestone":
        return list(await plan.milestones(commitment.id))
    return list(await plan.indicators(commitment.id))


async def _milestone(plan: Plan, commitment: Commitment, person: Person, fields: dict[str, Any],
                     earlier: Milestone | None) -> Milestone:
    """A new milestone, or `earlier` (the one this round wrote, corrected after `atrás`) rewritten."""
    output = _text(fields.get("output"))
    assert output is not None  # refusals.record_refusal saw to it
    await plan.guard(commitment)  # frozen in review and after approval, however it is written
    if earlier is not None:
        earlier.output, earlier.due_date = output, parse_date(fields.get("due_date"))
        earlier.responsible = _text(fields.get("responsible"))
        return earlier
    return await plan.add_milestone(commitment, output=output, due_date=parse_date(fields.get("due_date")),
                                    responsible=_text(fields.get("responsible")), person=person)


async def _indicator(plan: Plan, commitment: Commitment, person: Person, fields: dict[str, Any],
                     earlier: Indicator | None) -> Indicator:
    """A new indicator, or `earlier` (the one this round wrote, corrected after `atrás`) rewritten."""
    name = _text(fields.get("name"))
    assert name is not None  # refusals.record_refusal saw to it
    await plan.guard(commitment)
    frequency = str(fields.get("frequency") or "trimestral")
    if earlier is not None:
        earlier.name, earlier.unit, earlier.frequency = name, _text(fields.get("unit")), frequency
        earlier.baseline, earlier.target = _number(fields.get("baseline")), _number(fields.get("target"))
        earlier.first_due, earlier.last_due = parse_date(fields.get("first_due")), parse_date(fields.get("last_due"))
        earlier.responsible = _text(fields.get("responsible"))
        earlier.baseline_due = parse_date(fields.get("baseline_due"))
        return earlier
    return await plan.add_indicator(
        commitment, name=name, unit=_text(fields.get("unit")), baseline=_number(fields.get("baseline")),
        target=_number(fields.get("target")), frequency=frequency, first_due=parse_date(fields.get("first_due")),
        last_due=parse_date(fields.get("last_due")), responsible=_text(fields.get("responsible")),
        baseline_due=parse_date(fields.get("baseline_due")), person=person,
    )


ACTOR_KEYS = ("name", "post", "interest", "influence", "strategy")


async def _actor(plan: Plan, commitment: Commitment, person: Person, fields: dict[str, Any],
                 amends: bool, where: dict[str, Any]) -> None:
    """One actor of Kit 7's map, added to the commitment's `actors` list (one history row for the
    list); `by` keeps who added it, so the person correcting the round they just wrote replaces
    their own newest entry and nobody else's."""
    await plan.guard(commitment)  # the list as it is now (its lock), and never a frozen text
    entry: dict[str, Any] = {key: _text(fields.get(key)) for key in ACTOR_KEYS}
    entry["by"] = person.id
    actors = [dict(a) for a in (commitment.fields or {}).get("actors") or [] if isinstance(a, dict)]
    mine = [index for index, a in enumerate(actors) if a.get("by") == person.id]
    if amends and mine:
        actors[mine[-1]] = entry
    else:
        actors.append(entry)
    await plan.set_fields(commitment, {"actors": actors}, person, **where)


async def _report(repos: Repos, person: Person, run: FlowRun, fields: dict[str, Any], today: date) -> None:
    secretariat_id = await _secretariat_id(repos.secretariats, person, run)
    indicator_id, shown = split_pick(fields.get("indicator"))
    period = parse_date(shown) if shown is not None else None
    if shown is not None and period is None:
        raise RecordRefused("record_refused_period")
    indicator = None
    if indicator_id is not None and await _member_of(repos, person, secretariat_id):
        indicator = await repos.plan.indicator(secretariat_id, indicator_id)
    if indicator is None:
        raise RecordRefused("record_refused_indicator_not_yours")
    value = _number(fields.get("value"))
    if value is None:
        raise RecordRefused("record_refused_value")
    evidence = fields.get("evidence")
    kind = ref = None
    if isinstance(evidence, dict) and evidence.get("ref"):
        kind, ref = str(evidence.get("kind") or "link"), str(evidence["ref"])
    await repos.plan.report(indicator, value=value, note=_text(fields.get("note")), evidence_kind=kind,
                            evidence=ref, person=person, today=today, period=period)


REPLY_TO = "responde_a"  # the answer /comentar presets on a reply: the comment it answers


async def _comment(repos: Repos, person: Person, run: FlowRun, fields: dict[str, Any]) -> None:
    """A comment on the run's commitment (only one of the person's secretariat), or a reply to one."""
    secretariat_id = await _secretariat_id(repos.secretariats, person, run)
    commitment = None
    if run.commitment_id is not None and await _member_of(repos, person, secretariat_id):
        commitment = await repos.plan.commitment(secretariat_id, run.commitment_id)
    if commitment is None:
        raise RecordRefused("record_refused_not_yours")
    comments = repos.comments
    if comments is None:
        raise ValueError("writing a comment needs the comments repository")
    reply_id = _id(RunState.from_json(run.state).answers.get(REPLY_TO)) if run.state else None
    parent = await comments.get(secretariat_id, reply_id) if reply_id is not None else None
    if reply_id is not None and (parent is None or parent.commitment_id != commitment.id):
        raise RecordRefused("comment_reply_gone")
    await comments.add(commitment, person, str(fields.get("text") or ""), parent)


def _id(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


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
