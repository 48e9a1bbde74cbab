"""Every field a kit writes into a commitment reads in Spanish, under its label, on the card and in
every export: walked from the record steps of every kit in content/, so a new field fails here until
it is labelled and rendered."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook

from bot.conversation import Conversation
from bot.export import render
from bot.export.labels import FIELD_CATALOGS, FIELD_LABELS
from flows.fields import COMMITMENT
from flows.inputs import Command
from flows.loader import load_checked
from storage import UnitOfWork
from tests.bot.export.test_export import snapshot

CONTENT = load_checked()
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
# Fields whose value is a catalog id (shown as its label) or a date (shown in words).
CATALOG = {"ogp_values": ["transparencia"], "ods_goals": ["6"], "ods_targets": ["6.1"]}
DATES = {"start_date": ("2027-03-01", "1 de marzo de 2027"), "end_date": ("2028-12-31", "31 de diciembre de 2028")}


def kit_fields() -> dict[str, str]:
    """Each commitment field a kit writes, and where (kit.step), from the content itself; then every
    other declared one (flows/fields.py), which a kit may start writing without another change."""
    written: dict[str, str] = {}
    for flow in CONTENT.flows.values():
        for step in flow.steps.values():
            if step.type == "record" and step.get("record") == "commitment":
                for field in step.get("fields") or {}:
                    written.setdefault(str(field), f"{flow.id}.{step.id}")
            elif step.type == "record" and step.get("record") == "actor":  # Kit 7: the `actors` list
                written.setdefault("actors", f"{flow.id}.{step.id}")
    for name, field in COMMITMENT.items():
        written.setdefault(name, f"{'/'.join(sorted(field.kits))} (declarado)")
    return written


def test_every_field_a_kit_writes_has_a_spanish_label() -> None:
    written = kit_fields()
    assert {"causes", "direct_causes", "root_causes", "follow_up_plan", "description", "actors"} <= set(written)
    missing = {f"{field} ({where})" for field, where in written.items() if field not in FIELD_LABELS}
    assert not missing, f"sin etiqueta en bot/export/labels.py: {sorted(missing)}"


def _values() -> tuple[dict[str, Any], dict[str, str]]:
    """A value for every field, and what each must read as wherever it is shown."""
    stored: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for number, field in enumerate(sorted(kit_fields()), start=1):
        if field in CATALOG:
            stored[field] = CATALOG[field]
            label = next(o.label for o in CONTENT.catalogs[field] if o.value == CATALOG[field][0])
            shown[field] = "6.1" if field == "ods_targets" else label  # a target by its number (the spreadsheet)
        elif field in FIELD_CATALOGS:  # Kit 8's self-assessment: an id, shown by its catalog label
            first = CONTENT.catalogs[FIELD_CATALOGS[field]][0]
            stored[field], shown[field] = first.value, first.label
        elif field in DATES:
            stored[field], shown[field] = DATES[field]
        else:
            stored[field] = shown[field] = f"Texto escrito número {number}"
    return stored, shown


async def test_every_field_a_kit_writes_shows_on_the_card_and_in_every_export(sessions: Any) -> None:
    stored, shown = _values()
    async with UnitOfWork(sessions) as uow:
        secretariat = await uow.secretariats.add("STL Xalapa")
        ana = await uow.people.get_or_create("tg:1", name="Ana")
        ana.sector, ana.consent_at = "gobierno", NOW
        await uow.memberships.add(ana, secretariat, "coordinator")
        commitment = await uow.commitments.create(secretariat.id, created_by=ana.id)
        await uow.plan.set_fields(commitment, stored, ana)
        number, secretariat_id = commitment.id, secretariat.id
    conversation = Conversation(lambda: CONTENT, sessions, clock=lambda: NOW)
    reply = await conversation.handle("tg:1", Command("compromiso", str(number)))
    card = "\n".join(m.text for m in reply.messages)

    snap = await snapshot(sessions, secretariat_id)
    documents = {fmt: b"".join(f.data for f in render(snap, fmt, CONTENT)).decode() for fmt in ("md", "ogp")}
    sheet = load_workbook(io.BytesIO(render(snap, "xlsx", CONTENT)[0].data))["compromisos"]
    documents["xlsx"] = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for where, text in {"card": card, **documents}.items():
        for field, value in shown.items():
            iso = DATES[field][0] if field in DATES else None  # the card's 31/12/2028; a real date in XLSX
            assert value.lower() in text.lower() or (iso and ("/".join(iso.split("-")[::-1]) in text or iso in text)), \
                f"{field} no aparece en {where}"
            for english in (field, field.replace("_", " ")):
                assert not re.search(rf"\b{english}\b", text, re.IGNORECASE), f"{field} sale en inglés en {where}"
    for field in ("direct_causes", "root_causes", "follow_up_plan", "effects", "ods_contribution"):
        assert f"{FIELD_LABELS[field]}: {shown[field]}" in card
        assert f"**{FIELD_LABELS[field]}:** {shown[field]}" in documents["md"] or \
            f"### {FIELD_LABELS[field]}\n\n{shown[field]}" in documents["md"], field
