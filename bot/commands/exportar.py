"""/exportar [md|csv|xlsx|json|ogp]: the coordination gets its secretariat's plan as a file.

Only the coordinator's own secretariat is exported (the snapshot is read by its id); every export
is written to the audit log. Members get the registry's polite refusal before this runs.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATOR, COORDINATOR_MENU, command
from bot.effects import Rendered
from bot.export import PlanSnapshot, render
from bot.texts import ui_text
from flows.events import Attachment, MessageOut
from flows.model import Content
from flows.templating import TemplateProblem
from flows.text import normalize

if TYPE_CHECKING:
    from bot.context import Context
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


@command("exportar", role=COORDINATOR, menu=COORDINATOR_MENU, menu_order=3)
async def exportar(ctx: Context, inp: Command) -> None:
    if not inp.args.strip():
        ctx.say("export_help")
        return
    fmt = read_format(inp.args)
    if fmt is None:
        ctx.say("export_unknown", word=inp.args.strip())
        ctx.say("export_help")
        return
    secretariat = await ctx.secretariat()
    snapshot = await ctx.plan_snapshot(secretariat.id)
    if snapshot is None:  # the membership points at it, so this would be a race with a deletion
        ctx.say("sorry")
        return
    if fmt == "ogp" and not snapshot.commitments:
        ctx.say("export_no_commitments")
        return
    # What leaves the database is noted now, with the data read; the files are drawn after the commit.
    await ctx.repos.plan.audit(secretariat.id, ctx.person, "export", {
        "format": fmt, "commitments": len(snapshot.commitments),
    })
    ctx.render_later(partial(draw, snapshot, fmt, ctx.content))


def draw(snapshot: PlanSnapshot, fmt: str, content: Content) -> Rendered:
    try:
        files = render(snapshot, fmt, content)
    except TemplateProblem as exc:  # an admin's template that fails: they get told, the person too
        return Rendered([MessageOut(ui_text(content, "export_failed"))], [f"templates ({fmt}): {exc}"])
    ready = ui_text(content, "export_ready_many" if len(files) > 1 else "export_ready", format=fmt.upper(),
                    secretariat=snapshot.secretariat_name, count=len(files), commitments=len(snapshot.commitments))
    return Rendered([MessageOut(ready), *(MessageOut("", attachment=Attachment(f.filename, f.data, "document"))
                                          for f in files)])
