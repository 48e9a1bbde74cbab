"""/marcar C incorporado [campo] | /marcar C respondido: coordination's answer to comment C.

«incorporado» links the change that took the comment in: the latest change of the named field
(its Spanish label or its name) or, without one, the latest change of the commitment written
after the comment. The comment's author is told (a notice, bot/notices).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import parse_number, split_args
from bot.commands.registry import COORDINATOR, command
from bot.export.labels import FIELD_LABELS
from flows.text import normalize

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

MARKS = {"incorporado": "incorporado", "incorporada": "incorporado", "respondido": "respondido",
         "respondida": "respondido"}


@command("marcar", role=COORDINATOR)
async def marcar(ctx: Context, inp: Command) -> None:
    word, rest = split_args(inp.args)
    mark_word, field_words = split_args(rest)
    number, mark = parse_number(word), MARKS.get(normalize(mark_word))
    if number is None or mark is None:
        ctx.say("mark_usage")
        return
    secretariat = await ctx.secretariat()
    comment = await ctx.repos.comments.get(secretariat.id, number)
    if comment is None:  # none, or another secretariat's: the same answer
        ctx.say("mark_not_found", number=word)
        return
    change = None
    if mark == "incorporado":
        wanted = normalize(field_words)
        fields = {key for key, label in FIELD_LABELS.items() if wanted in (normalize(key), normalize(label))}
        if wanted and not fields:
            ctx.say("mark_unknown_field", field=field_words.strip())
            return
        history = [c for c in await ctx.repos.plan.history(comment.commitment_id)
                   if (c.field in fields if fields else c.changed_at >= comment.created_at)]
        change = history[-1] if history else None
        if change is None:
            ctx.say("mark_no_change", number=comment.id, commitment=comment.commitment_id)
            return
    await ctx.repos.comments.mark(comment, mark, ctx.person, change)
    label = FIELD_LABELS.get(change.field, change.field) if change is not None else ""
    ctx.say("mark_done", number=comment.id, mark=mark, field=label)
