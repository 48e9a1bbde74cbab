"""A commitment's versions as people read them: the signed text of one version (for the acta), and the
history of versions, signatures, amendments and field changes (/compromiso N historial)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.commands._plan import catalog_labels, day, moment, number_text, sector_label
from bot.export.labels import FIELD_CATALOGS, FIELD_LABELS, actor_lines
from bot.export.labels import text as as_text
from flows.answers.plain import flat
from flows.plan import versions
from flows.plan.readiness import parse_date
from flows.plan.schedule import FREQUENCY_LABELS
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.context import Context

HISTORY_PAGE = 12  # lines a page: a phone screen
VALUE_CHARS = 80  # of a changed field's value in the history


def field_text(ctx: Context, key: str, value: Any) -> str:
    """A field's value in words: catalog ids as labels, supporting actors by sector, dates as dd/mm/yyyy."""
    if key in ("ods_goals", "ogp_values", "ods_targets"):
        return catalog_labels(ctx, key, value) or as_text(value)
    if key in FIELD_CATALOGS:
        return catalog_labels(ctx, FIELD_CATALOGS[key], value)
    if key == "actors":  # Kit 7's map
        return "; ".join(actor_lines(value))
    if isinstance(value, Mapping):  # supporting actors by sector
        return "; ".join(f"{sector_label(ctx, str(k))}: {as_text(v)}" for k, v in value.items() if v)
    if key in ("start_date", "end_date") and parse_date(value) is not None:
        return day(parse_date(value))
    return as_text(value)


def signed_text(ctx: Context, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A version's snapshot (flows/plan/versions.py) as the acta lists it, each value on one line."""
    fields = snapshot.get("fields") or {}
    ordered = [k for k in FIELD_LABELS if k in fields] + sorted(k for k in fields if k not in FIELD_LABELS)
    return {
        "fields": [{"label": FIELD_LABELS.get(k, k), "value": flat(field_text(ctx, k, fields[k]))} for k in ordered],
        "milestones": [{"output": flat(str(m.get("output") or "")), "due": day(parse_date(m.get("due_date"))),
                        "responsible": flat(str(m.get("responsible") or "")) or "—"}
                       for m in snapshot.get("milestones") or []],
        "indicators": [{"name": flat(str(i.get("name") or "")), "unit": flat(str(i.get("unit") or "")),
                        "baseline": _number(i.get("baseline")), "target": _number(i.get("target")),
                        "frequency": FREQUENCY_LABELS.get(str(i.get("frequency")), str(i.get("frequency") or "")),
                        "first_due": day(parse_date(i.get("first_due")))}
                       for i in snapshot.get("indicators") or []],
    }


def _number(value: Any) -> str:
    return number_text(float(value)) if isinstance(value, int | float) else "—"


def _kit_number(ctx: Context, kit: str | None) -> int | None:
    """The number of the kit that wrote a change (None for a command or a kit no longer loaded)."""
    flow = ctx.content.flows.get(kit) if kit else None
    return flow.number if flow is not None else None


async def history(ctx: Context, commitment: Commitment) -> list[str]:
    """Every event of the commitment, oldest first, one line each (the caller pages them)."""
    plan, store = ctx.repos.plan, ctx.repos.plan.versions
    events: list[tuple[datetime, int, str]] = []
    names: dict[int, str] = {}

    async def who(person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in names:
            names[person_id] = flat((await store.names([person_id])).get(person_id) or "")
        return names[person_id] or None

    def add(when: datetime, order: int, line: str) -> None:
        events.append((when, order, line))

    t = ctx.text
    if commitment.created_at is not None:
        add(commitment.created_at, 0, t("history_created", when=await moment(ctx, commitment.created_at),
                                        who=await who(commitment.created_by)))
    for change in await plan.history(commitment.id):
        value = flat(field_text(ctx, change.field, change.value))
        if len(value) > VALUE_CHARS:
            value = value[:VALUE_CHARS - 1].rstrip() + "…"
        add(change.changed_at, 1, t("history_change", when=await moment(ctx, change.changed_at),
                                    who=await who(change.person_id),
                                    field=FIELD_LABELS.get(change.field, change.field), value=value or "—",
                                    kit=_kit_number(ctx, change.kit)))
    amendments = {a.id: a for a in await store.amendments(commitment.id)}
    for amendment in amendments.values():
        add(amendment.opened_at, 2, t("history_amendment", when=await moment(ctx, amendment.opened_at),
                                      who=await who(amendment.opened_by), amendment=amendment.number,
                                      reason=flat(amendment.reason)))
    numbers: dict[int, int] = {}
    approved: set[int] = set()  # a decision on an approved version stays what approved it
    previous: Mapping[str, Any] | None = None
    for version in await store.of(commitment.id):
        numbers[version.id] = version.number
        if version.approved_at is not None:
            approved.add(version.id)
        amendment_number = amendments[version.amendment_id].number if version.amendment_id in amendments else None
        changed = ""
        if previous is not None:
            parts = versions.changed_fields(previous, version.snapshot)
            changed = ", ".join(t(f"history_part_{p}") if p in ("milestones", "indicators")
                                else FIELD_LABELS.get(p, p).lower() for p in parts)
        previous = version.snapshot
        add(version.sent_at, 3, t("history_version", when=await moment(ctx, version.sent_at),
                                  version=version.number, short=versions.short(version.digest),
                                  who=await who(version.sent_by), amendment=amendment_number, changed=changed))
        if version.returned_at is not None:
            add(version.returned_at, 5, t("history_returned", when=await moment(ctx, version.returned_at),
                                          version=version.number))
        if version.approved_at is not None:
            add(version.approved_at, 6, t("history_approved", when=await moment(ctx, version.approved_at),
                                          version=version.number, amendment=amendment_number))
    for signoff in await store.signoffs(commitment.id):
        add(signoff.signed_at, 4, t("history_signoff", when=await moment(ctx, signoff.signed_at),
                                    name=flat(signoff.name or "") or "—", sector=sector_label(ctx, signoff.sector),
                                    decision=signoff.decision, reason=flat(signoff.reason or ""),
                                    version=numbers.get(signoff.version_id) if signoff.version_id else None,
                                    lapsed=signoff.lapsed_at is not None and signoff.version_id not in approved))
    return [line for _, _, line in sorted(events, key=lambda e: (e[0], e[1]))]


def page_of(lines: list[str], page: int) -> tuple[list[str], int]:
    """Page `page` (1 = the first) of the lines, and how many pages there are."""
    pages = max(1, -(-len(lines) // HISTORY_PAGE))
    return lines[(page - 1) * HISTORY_PAGE:page * HISTORY_PAGE], pages
