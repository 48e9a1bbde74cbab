"""/recargar (admins): load and check the content now; swap it in only if it has no errors."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.commands.registry import ADMIN, command
from bot.reload import ContentHolder, describe, versions_of
from flows.events import MessageOut

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("recargar", role=ADMIN)
async def recargar(ctx: Context, inp: Command) -> None:
    holder = ctx.content_source
    if not isinstance(holder, ContentHolder):
        ctx.say("reload_unavailable")
        return
    result = await asyncio.to_thread(holder.reload)
    if result.ok:
        await ctx.repos.content_versions.record(versions_of(result.content))
    ctx.send(MessageOut(describe(result)))
