"""/avisos: which kinds of notice a person receives; a button per kind mutes or unmutes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COMMAND_BUTTON, MEMBER, MEMBER_MENU, command
from bot.notices.rules import KINDS
from flows.events import Button, MessageOut
from flows.text import normalize

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("avisos", role=MEMBER, menu=MEMBER_MENU, menu_order=10)
async def avisos(ctx: Context, inp: Command) -> None:
    word = normalize(inp.args)
    muted = await ctx.repos.mutes.of(ctx.person)
    if word:
        kind = next((k for k in KINDS if word in (k, normalize(ctx.text(f"notice_kind_{k}")))), None)
        if kind is None:  # a forged or stale button, or a word we do not know
            ctx.say("notices_unknown", word=inp.args.strip())
        elif kind in muted:
            await ctx.repos.mutes.unmute(ctx.person, kind)
            muted.discard(kind)
            ctx.say("notices_unmuted", kind=ctx.text(f"notice_kind_{kind}"))
        else:
            await ctx.repos.mutes.mute(ctx.person, kind)
            muted.add(kind)
            ctx.say("notices_muted", kind=ctx.text(f"notice_kind_{kind}"))
    secretariat = await ctx.secretariat()
    lines = [ctx.text("notices_header", secretariat=secretariat.name)]
    for kind in KINDS:
        lines.append(ctx.text("notices_line", kind=ctx.text(f"notice_kind_{kind}"), on=kind not in muted))
    lines.append(ctx.text("notices_footer"))
    buttons = tuple(Button(ctx.text("notices_button", kind=ctx.text(f"notice_kind_{k}"), on=k not in muted), k)
                    for k in KINDS)
    ctx.send(MessageOut("\n".join(lines), buttons=buttons, step_id=f"{COMMAND_BUTTON}avisos"))
