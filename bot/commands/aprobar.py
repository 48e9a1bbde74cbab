"""/aprobar N: with every required sector signed, the coordinator approves and gets the acta."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.commands._plan import find_commitment, moment, sector_label, sectors_text, split_args, title_of
from bot.commands.registry import COORDINATOR, command
from flows import templating
from flows.answers.plain import flat
from flows.events import MessageOut
from flows.loader import default_content_dir
from flows.plan import LifecycleError, lifecycle
from storage.errors import QuorumNotMet
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command

ACTA_TEMPLATE = "acta.md.j2"


@command("aprobar", role=COORDINATOR)
async def aprobar(turn: HostTurn, inp: Command) -> None:
    word, _ = split_args(inp.args)
    commitment = await find_commitment(turn, word, "aprobar")
    if commitment is None:
        return
    title = title_of(turn, commitment)
    try:
        lifecycle.move(commitment.status, "aprobado")
    except LifecycleError as exc:
        turn.say("plan_move_refused", reason=str(exc))
        return
    quorum = await turn.uow.plan.quorum(commitment)
    if not quorum.met:
        turn.say("approve_missing", title=title, number=commitment.id,
                 sectors=sectors_text(turn, quorum.missing_sectors) or turn.text("approve_anyone"))
        return
    try:
        await turn.uow.plan.move(commitment, "aprobado", turn.person)
    except QuorumNotMet as exc:  # the same rule, checked again where it is kept
        turn.say("plan_move_refused", reason=turn.text(exc.key, **exc.params))
        return
    turn.say("approve_done", title=title)
    turn.reply.messages.append(MessageOut(await acta(turn, commitment)))


def acta_template(directory: str) -> str:
    """The content's acta template, or the one shipped with Cocrea when that content has none."""
    for folder in (Path(directory), default_content_dir()):
        path = folder / "templates" / ACTA_TEMPLATE
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no existe la plantilla templates/{ACTA_TEMPLATE}")


async def acta(turn: HostTurn, commitment: Commitment) -> str:
    """The approval record: the commitment, when, who signed for which sector and when, dissents.

    Each signer is one line of the record, so what people typed (names, the title, a dissent's
    reason) is placed as one line: a name with a line break cannot add a signer of its own.
    The channel escapes the text for its markup (Telegram's HTML), as for any message."""
    secretariat = await turn.secretariat()
    signoffs = lifecycle.latest_decisions([s for s in (await turn.uow.plan.view(commitment))[3]])
    people: list[dict[str, Any]] = [
        {"name": flat(s.name or "") or "—", "sector": flat(sector_label(turn, s.sector)), "decision": s.decision,
         "reason": flat(s.reason or ""), "when": await moment(turn, s.signed_at)}
        for s in signoffs
    ]
    approved_at = commitment.approved_at or turn.now
    variables = {
        "secretariat": {"name": flat(secretariat.name)},
        "commitment": {"number": commitment.id, "title": flat(title_of(turn, commitment))},
        "approved_at": await moment(turn, approved_at),
        "approved_by": flat(turn.person.name or "") or "—",
        "signed": [p for p in people if p["decision"] == "aprueba"],
        "dissents": [p for p in people if p["decision"] == "disiente"],
        "sectors": sectors_text(turn, lifecycle.required_sectors(secretariat.signoff_sectors)),
    }
    return templating.render(acta_template(turn.content.directory), variables)
