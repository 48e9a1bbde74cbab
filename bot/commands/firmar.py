"""/firmar: a member's decision, for their sector, on a commitment in review (content/flows/firmar.yaml).

/firmar N@V (the «Firmar» button of a notice: the commitment and the version it told of) opens on that
commitment already chosen, so the person reads the text in review and decides. When the commitment
changed since the notice, they are told how it reads now and choose it again from the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import find_commitment, split_args
from bot.commands.registry import MEMBER, command
from flows.inputs import Tap
from flows.plan import lifecycle, refusals, versions
from storage.records import pick, split_pick
from storage.repositories.plan import commitment_version

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

FLOW = "firmar"
CHOICE = "compromiso"  # the flow's question that chooses the commitment


@command("firmar", role=MEMBER)
async def firmar(ctx: Context, inp: Command) -> None:
    word, _ = split_args(inp.args)
    if not word:
        await ctx.resume_or_start(FLOW)
        return
    commitment_id, shown = split_pick(word)
    commitment = await find_commitment(ctx, str(commitment_id) if commitment_id is not None else word, FLOW)
    if commitment is None:  # another secretariat's, or none: not found
        return
    amendment = await ctx.repos.plan.amendment(commitment)
    stage = versions.stage(commitment.status, amendment.stage if amendment is not None else None)
    if stage != "en_revision":
        ctx.say("plan_refused_not_in_review", status=lifecycle.label(stage))
        return
    now = commitment_version(commitment)
    if shown is not None and shown != now:  # changed since the notice: the text as it reads now, and the list
        in_review = await ctx.repos.plan.versions.open(commitment.id)
        refused = refusals.changed_since_shown(commitment.id, commitment.title, commitment.fields or {},
                                               in_review.number if in_review is not None else None)
        ctx.say(refused.key, **refused.params)
        await ctx.start_flow(FLOW)
        return
    before = ctx.said
    run = await ctx.start_flow(FLOW)
    if run is None:
        return
    asked = ctx.said
    await ctx.step(run, Tap(pick(commitment.id, now), CHOICE))
    ctx.unsay(before, asked)  # the list it was chosen from is not shown: it is answered already
