"""/borrar_mis_datos: erase what Cocrea keeps about the person (derechos ARCO: cancelación).

First it says exactly what would go and asks for `/borrar_mis_datos confirmar`; then it deletes
(see storage/repositories/personal_data.py: the person's row, runs and memberships; the plan's
records stay without their name, and other people's digests and reminders that named them say
«una persona que borró sus datos» instead) and writes an audit entry with counts only, no personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, MEMBER_MENU, command
from flows.text import normalize

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

CONFIRM = "confirmar"


@command("borrar_mis_datos", role=ANYONE, menu=MEMBER_MENU, menu_order=12)
async def borrar_mis_datos(ctx: Context, inp: Command) -> None:
    summary = await ctx.repos.personal.summary(ctx.person)
    if normalize(inp.args) != CONFIRM:
        ctx.say("delete_confirm", runs=summary.runs, mentions=summary.mentions,
                 memberships=", ".join(f"«{name}»" for name, _ in summary.memberships))
        return
    secretariats = [s.id for s in [await ctx.repos.secretariats.acting_for(ctx.person)] if s is not None]
    erased = await ctx.repos.personal.erase(ctx.person)
    ctx.repos.audit.add(
        "personal_data_erased", secretariat_id=secretariats[0] if secretariats else None, person_id=None,
        detail={"runs": erased.runs, "memberships": erased.memberships, "mentions": erased.mentions},
    )
    ctx.say("delete_done", runs=erased.runs, memberships=erased.memberships)
