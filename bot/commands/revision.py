"""/revision N: the coordinator sends a ready commitment (or its open amendment) to review, which makes a
version of its text; what is missing is listed instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import find_commitment, sectors_text, split_args, title_of
from bot.commands.registry import COORDINATOR, command
from flows.events import MessageOut
from flows.plan import LifecycleError, lifecycle, readiness, versions

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("revision", role=COORDINATOR)
async def revision(ctx: Context, inp: Command) -> None:
    word, _ = split_args(inp.args)
    commitment = await find_commitment(ctx, word, "revision")
    if commitment is None:
        return
    title = title_of(ctx, commitment)
    stage = await ctx.repos.plan.stage(commitment)  # an open amendment's draft goes to review too
    if stage != "borrador":
        try:
            lifecycle.move(stage, "en_revision")
        except LifecycleError as exc:
            ctx.say("plan_move_refused", reason=str(exc))
            return
    view, milestones, indicators, _ = await ctx.repos.plan.view(commitment)
    result = readiness.check(view, milestones, indicators)
    if result.missing:
        lines = [ctx.text("review_missing", title=title)]
        lines += [ctx.text("card_missing_line", item=item) for item in result.missing]
        lines.append(ctx.text("review_missing_end", number=commitment.id))
        ctx.send(MessageOut("\n".join(lines)))
        return
    try:
        await ctx.repos.plan.move(commitment, "en_revision", ctx.person)
    except LifecycleError as exc:  # someone moved it meanwhile
        ctx.say("plan_move_refused", reason=str(exc))
        return
    version = await ctx.repos.plan.versions.open(commitment.id)
    amendment = await ctx.repos.plan.amendment(commitment)
    secretariat = await ctx.secretariat()
    ctx.say("review_sent", title=title, number=commitment.id,
             sectors=sectors_text(ctx, lifecycle.required_sectors(secretariat.signoff_sectors)),
             completeness=result.completeness, version=version.number if version else None,
             short=versions.short(version.digest if version else None),
             amendment=amendment.number if amendment else None)
