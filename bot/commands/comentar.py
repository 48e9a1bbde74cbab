"""/comentar N: a comment on a commitment of one's secretariat; /comentar N #C: a reply to comment C.

The text is asked by content/flows/comentar.yaml (a long text of at most 2,000 characters: an empty
or longer one is explained and asked again, the question stays open). Written with the words
after the number too: `/comentar 5 Sugiero…` answers that question at once. The card's buttons
(«Comentar», «Responder a …») are this command with the number (and the comment) as its words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands._plan import find_commitment, split_args, title_of
from bot.commands.registry import MEMBER, command
from flows.answers.plain import flat
from flows.inputs import Text
from storage.records import REPLY_TO

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

FLOW = "comentar"
EXCERPT = 120  # characters of the comment answered, quoted when asking for the reply


@command("comentar", role=MEMBER, aliases=("comentario",))
async def comentar(ctx: Context, inp: Command) -> None:
    word, rest = split_args(inp.args)
    commitment = await find_commitment(ctx, word, "comentar")  # another secretariat's: not found
    if commitment is None:
        return
    rest = rest.strip()
    preset = None
    title = flat(title_of(ctx, commitment))
    if rest.startswith("#") and rest[1:].strip().isdigit():  # a reply (the card's «Responder» button)
        parent = await ctx.repos.comments.get(commitment.secretariat_id, int(rest[1:]))
        if parent is None or parent.commitment_id != commitment.id:
            ctx.say("comment_reply_not_found", number=rest[1:].strip(), commitment=commitment.id)
            return
        text = flat(parent.text)
        ctx.say("comment_reply_intro", name=flat(parent.name or "") or ctx.text("notice_someone"),
                text=text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…", number=commitment.id, title=title)
        preset, rest = {REPLY_TO: parent.id}, ""
    else:
        ctx.say("comment_intro", number=commitment.id, title=title)
    run = await ctx.start_flow(FLOW, commitment_id=commitment.id, preset=preset)
    if run is not None and rest:  # the comment came with the command: it answers the question
        await ctx.step(run, Text(rest))
