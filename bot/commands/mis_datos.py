"""/mis_datos: what Cocrea keeps about the person who asks (derechos ARCO: acceso).

A short summary in the chat, and the whole of it as a JSON file (`mis_datos.json`, see
storage/repositories/personal_data.py `export`): their row, memberships, runs with their answers,
every record they authored (commitment changes, sign-offs, reports, invites they created …), and
the lines of other people's digests and reminders that name them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from bot.invites import ROLE_NAMES
from bot.local_time import zone_of
from flows.events import Attachment, MessageOut

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

FILENAME = "mis_datos.json"


def sector_label(ctx: Context, sector: str | None) -> str | None:
    for option in ctx.content.catalogs.get("sectors", ()):
        if getattr(option, "value", None) == sector:
            return str(option.label)
    return sector


@command("mis_datos", role=ANYONE, menu=MEMBER_MENU, menu_order=11)
async def mis_datos(ctx: Context, inp: Command) -> None:
    person = ctx.person
    summary = await ctx.repos.personal.summary(person)
    secretariat = await ctx.repos.secretariats.acting_for(person)
    zone = zone_of(secretariat)
    consent = person.consent_at.astimezone(zone).strftime("%d/%m/%Y") if person.consent_at else "—"
    exported = await ctx.repos.personal.export(person)
    data = json.dumps(exported, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    text = ctx.text(
        "my_data",
        name=person.name,
        sector=sector_label(ctx, person.sector),
        memberships=", ".join(f"{name} ({ROLE_NAMES.get(role, role)})" for name, role in summary.memberships),
        consent=consent,
        runs=summary.runs,
        changes=summary.changes,
        mentions=summary.mentions,
    )
    ctx.send(MessageOut(text, attachment=Attachment(FILENAME, data, "document")))
