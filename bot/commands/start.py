"""/start: the privacy notice for someone new, an invite link's code, or back to where they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, command
from bot.flow_ids import MENU_FLOW, START_FLOW
from bot.invites import open_invite

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("start", role=ANYONE, before_consent=True)
async def start(ctx: Context, inp: Command) -> None:
    if inp.args.strip():  # an invite link: t.me/<bot>?start=<code>
        await open_invite(ctx, inp.args.strip())
    elif ctx.person.consent_at is None:
        await ctx.resume_or_start(START_FLOW)
    else:
        latest = await ctx.repos.runs.latest_unfinished(ctx.person)
        if latest is not None and latest.flow_id not in (START_FLOW, MENU_FLOW):
            await ctx.resume(latest)
        else:
            ctx.say("welcome_back", name=ctx.person.name or "")
