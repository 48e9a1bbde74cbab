"""Why a change to the plan is refused: the rules storage checks before it writes, pure.

Each check returns None (go ahead) or a `Refused`: a key of content/ui.yaml (`bot:` texts, all
`plan_refused_*` or `record_refused_*`) and the values its sentence shows, already in words
(dates as 31/03/2026, amounts with their unit). Storage raises it (storage.errors.PlanError carries
the key and the values); the channel renders the sentence, so no Spanish lives in storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.plan import lifecycle, schedule

EVIDENCE_KINDS = ("photo", "document", "link")


@dataclass(frozen=True)
class Refused:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def amount(value: float, unit: str | None) -> str:
    """12.0 → "12", 1500 → "1,500", 12.5 → "12.5", followed by the unit."""
    if value == int(value) and abs(value) < 1e15:
        number = f"{int(value):,}"
    else:
        number = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{number} {unit}" if unit else number


def sector_names(sectors: Iterable[str]) -> str:
    """"gobierno, sociedad civil": sector ids as words, for a message."""
    return ", ".join(s.replace("_", " ") for s in sectors)


# -- indicator reports -----------------------------------------------------------------------------
def report_period(
    name: str, due: Sequence[date], reported: Sequence[date], today: date, chosen: date | None
) -> date | Refused:
    """The period a report counts for: the one the person chose, kept or refused but never replaced
    (a chosen period someone already reported is the caller's: `period_taken`); without a choice,
    the period due (schedule.period_for)."""
    if chosen is not None:
        if chosen not in due:
            return Refused("plan_refused_period_gone", {"name": name, "date": day(chosen)})
        return chosen
    period = schedule.period_for(due, reported, today)
    if period is not None:
        return period
    if not due:
        return Refused("plan_refused_no_dates", {"name": name})
    return Refused("plan_refused_all_reported", {"name": name, "date": day(due[-1])})


def period_taken(
    name: str, unit: str | None, value: float, who: str | None, taken_value: float, taken_period: date,
    due: Sequence[date], reported: Sequence[date],
) -> Refused:
    """Who reported the chosen period and what; that nothing went elsewhere; what to do now."""
    remaining = schedule.period_for(due, reported, taken_period)
    return Refused("plan_refused_period_taken", {
        "who": who, "taken": amount(taken_value, unit), "name": name, "date": day(taken_period),
        "value": amount(value, unit), "next": day(remaining) if remaining is not None else None,
    })


def just_reported(name: str, unit: str | None, value: float, period: date) -> Refused:
    """Someone else's report of the same period landed first (the table's one report per period)."""
    return Refused("plan_refused_just_reported", {"name": name, "date": day(period), "value": amount(value, unit)})


# -- sign-offs -------------------------------------------------------------------------------------
def signoff_refusal(
    status: str, sector: str | None, decision: str, reason: str | None, changed: Refused | None = None
) -> Refused | None:
    """A decision is recorded only in review, on the version the person was shown (`changed` says what
    the commitment reads now when it changed since: `changed_since_shown`), by someone with a sector;
    a dissent needs its reason."""
    if status != "en_revision":
        return Refused("plan_refused_not_in_review", {"status": lifecycle.label(status)})
    if changed is not None:
        return changed
    if not sector:
        return Refused("plan_refused_no_sector")
    if decision == "disiente" and not (reason or "").strip():
        return Refused("plan_refused_dissent_reason")
    return None


def changed_since_shown(
    commitment_id: int, title: str | None, fields: Mapping[str, Any], version: int | None = None
) -> Refused:
    """A decision taken on an earlier version: what the commitment says now (and which version is in
    review, when one is), and to decide again."""
    objective = str(fields.get("objective") or fields.get("proposal") or "") or None
    return Refused("plan_refused_changed", {
        "number": commitment_id, "title": title or str(fields.get("title") or "") or None, "objective": objective,
        "version": version,
    })


def quorum_refusal(missing_sectors: Sequence[str]) -> Refused:
    return Refused("plan_refused_quorum", {"sectors": sector_names(missing_sectors) or None})


# -- records a flow writes -------------------------------------------------------------------------
def record_refusal(record: str, fields: Mapping[str, Any]) -> Refused | None:
    """What a milestone, an indicator, an actor or a sign-off must say before it is written."""
    if record == "milestone" and not _text(fields.get("output")):
        return Refused("record_refused_milestone_output")
    if record == "indicator":
        if not _text(fields.get("name")):
            return Refused("record_refused_indicator_name")
        frequency = str(fields.get("frequency") or "trimestral")
        if frequency not in schedule.FREQUENCIES:
            return Refused("record_refused_frequency", {"frequency": frequency})
    if record == "actor" and not _text(fields.get("post")):
        return Refused("record_refused_actor_post")
    if record == "signoff" and str(fields.get("decision") or "") not in lifecycle.DECISIONS:
        return Refused("record_refused_decision")
    return None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
