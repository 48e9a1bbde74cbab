"""/start: the privacy notice for someone new, an invite link's code, or back to where they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import ANYONE, command
from bot.flow_ids import MENU_FLOW, START_FLOW
from bot.invites import open_invite

if TYPE_CHECKING:
    from bot.turn import Turn
    from flows.inputs import Command


@command("start", role=ANYONE, before_consent=True)
async def start(turn: Turn, inp: Command) -> None:
    if inp.args.strip():  # an invite link: t.me/<bot>?start=<code>
        await open_invite(turn, inp.args.strip())
    elif turn.person.consent_at is None:
        await turn.resume_or_start(START_FLOW)
    else:
        latest = await turn.uow.runs.latest_unfinished(turn.person)
        if latest is not None and latest.flow_id not in (START_FLOW, MENU_FLOW):
            await turn.resume(latest)
        else:
            turn.say("welcome_back", name=turn.person.name or "")
