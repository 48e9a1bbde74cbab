"""/aprobar N: with every required sector signed (on the text in review), the coordinator approves the
commitment, or its open amendment, and gets the acta, which names the version and lists its text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.commands._plan import find_commitment, moment, sector_label, sectors_text, split_args, title_of
from bot.commands._versions import signed_text
from bot.commands.registry import COORDINATOR, command
from flows import templating
from flows.answers.plain import flat
from flows.events import MessageOut
from flows.loader import default_content_dir
from flows.plan import LifecycleError, lifecycle, versions
from storage.errors import QuorumNotMet, StaleSignatures
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

ACTA_TEMPLATE = "acta.md.j2"


@command("aprobar", role=COORDINATOR)
async def aprobar(ctx: Context, inp: Command) -> None:
    word, _ = split_args(inp.args)
    commitment = await find_commitment(ctx, word, "aprobar")
    if commitment is None:
        return
    title = title_of(ctx, commitment)
    amendment = await ctx.repos.plan.amendment(commitment)
    try:
        if amendment is not None:
            versions.amendment_move(amendment.stage, "aprobado", amendment.number, commitment.id)
        else:
            lifecycle.move(commitment.status, "aprobado")
    except LifecycleError as exc:
        ctx.say("plan_move_refused", reason=str(exc))
        return
    quorum = await ctx.repos.plan.quorum(commitment)
    if not quorum.met:
        ctx.say("approve_missing", title=title, number=commitment.id,
                 sectors=sectors_text(ctx, quorum.missing_sectors) or ctx.text("approve_anyone"))
        return
    try:
        await ctx.repos.plan.move(commitment, "aprobado", ctx.person)
    except (QuorumNotMet, StaleSignatures) as exc:  # kept where the rule is: every signature on this text
        ctx.say("plan_move_refused", reason=ctx.text(exc.key, **exc.params))
        return
    if amendment is not None:
        ctx.say("approve_amendment_done", title=title, amendment=amendment.number)
    else:
        ctx.say("approve_done", title=title)
    ctx.send(MessageOut(await acta(ctx, commitment)))


def acta_template(directory: str) -> str:
    """The content's acta template, or the one shipped with Cocrea when that content has none."""
    for folder in (Path(directory), default_content_dir()):
        path = folder / "templates" / ACTA_TEMPLATE
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no existe la plantilla templates/{ACTA_TEMPLATE}")


async def acta(ctx: Context, commitment: Commitment) -> str:
    """The approval record: the commitment, when, who signed for which sector and when, dissents.

    Each signer is one line of the record, so what people typed (names, the title, a dissent's
    reason) is placed as one line: a name with a line break cannot add a signer of its own.
    The channel escapes the text for its markup (Telegram's HTML), as for any message.
    It names the version approved and lists its text as it was signed (its snapshot)."""
    secretariat = await ctx.secretariat()
    signoffs = lifecycle.latest_decisions([s for s in (await ctx.repos.plan.view(commitment))[3]])
    version = await ctx.repos.plan.versions.approved(commitment.id)
    amendments = {a.id: a for a in await ctx.repos.plan.versions.amendments(commitment.id)}
    amendment = amendments.get(version.amendment_id) if version is not None and version.amendment_id else None
    people: list[dict[str, Any]] = [
        {"name": flat(s.name or "") or "—", "sector": flat(sector_label(ctx, s.sector)), "decision": s.decision,
         "reason": flat(s.reason or ""), "when": await moment(ctx, s.signed_at)}
        for s in signoffs
    ]
    approved_at = commitment.approved_at or ctx.now
    variables = {
        "secretariat": {"name": flat(secretariat.name)},
        "commitment": {"number": commitment.id, "title": flat(title_of(ctx, commitment))},
        "approved_at": await moment(ctx, approved_at),
        "approved_by": flat(ctx.person.name or "") or "—",
        "signed": [p for p in people if p["decision"] == "aprueba"],
        "dissents": [p for p in people if p["decision"] == "disiente"],
        "sectors": sectors_text(ctx, lifecycle.required_sectors(secretariat.signoff_sectors)),
        "version": {"number": version.number, "short": versions.short(version.digest), "digest": version.digest,
                    **signed_text(ctx, version.snapshot)} if version is not None else None,
        "amendment": {"number": amendment.number, "reason": flat(amendment.reason)} if amendment else None,
    }
    return templating.render(acta_template(ctx.content.directory), variables)
