"""/exportar [md|csv|xlsx|json|ogp]: the coordination gets its secretariat's plan as a file.

Only the coordinator's own secretariat is exported (the snapshot is read by its id); every export
is written to the audit log. Members get the registry's polite refusal before this runs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, command
from bot.export import load_snapshot, render
from flows.events import Attachment, MessageOut
from flows.templating import TemplateProblem
from flows.text import normalize

if TYPE_CHECKING:
    from bot.conversation import HostTurn
    from flows.inputs import Command

log = logging.getLogger(__name__)

# What people may type for each format.
ALIASES = {
    "md": "md", "markdown": "md", "documento": "md", "texto": "md",
    "csv": "csv",
    "xlsx": "xlsx", "excel": "xlsx", "hoja": "xlsx", "hoja de calculo": "xlsx",
    "json": "json",
    "ogp": "ogp", "plantilla": "ogp", "plantilla ogp": "ogp", "aga": "ogp",
}


def read_format(args: str) -> str | None:
    word = normalize(args).strip().lstrip(".")
    return ALIASES.get(word)


@command("exportar", role=COORDINATOR)
async def exportar(turn: HostTurn, inp: Command) -> None:
    if not inp.args.strip():
        turn.say("export_help")
        return
    fmt = read_format(inp.args)
    if fmt is None:
        turn.say("export_unknown", word=inp.args.strip())
        turn.say("export_help")
        return
    secretariat = await turn.secretariat()
    snapshot = await load_snapshot(turn.uow.plan, secretariat.id, turn.now)
    if snapshot is None:  # the membership points at it, so this would be a race with a deletion
        turn.say("sorry")
        return
    if fmt == "ogp" and not snapshot.commitments:
        turn.say("export_no_commitments")
        return
    try:  # drawing a workbook takes a moment: keep the other chats moving meanwhile
        files = await asyncio.to_thread(render, snapshot, fmt, turn.content)
    except TemplateProblem as exc:  # an admin's template that fails: they get told, the person too
        turn.reply.content_errors.append(f"templates ({fmt}): {exc}")
        turn.say("export_failed")
        return
    turn.say("export_ready_many" if len(files) > 1 else "export_ready", format=fmt.upper(),
             secretariat=secretariat.name, count=len(files), commitments=len(snapshot.commitments))
    for file in files:
        turn.reply.messages.append(MessageOut("", attachment=Attachment(file.filename, file.data, "document")))
    await turn.uow.plan.audit(secretariat.id, turn.person, "export", {
        "format": fmt, "files": [f.filename for f in files], "commitments": len(snapshot.commitments),
    })
