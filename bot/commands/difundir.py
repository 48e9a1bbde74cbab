"""/difundir: a message to the active members of one secretariat, after a preview and a confirmation.

Coordinators write to their own secretariat (`/difundir <texto>`); admins may name any one
(`/difundir <número> <texto>`). The first step only shows the message as it will arrive and how
many people get it; `/difundir confirmar` queues it: one outbox row per person, in the same
transaction as the confirmation, which the dispatcher sends like reminders and digests (rate
limited, each once), but at once, whatever the secretariat's quiet hours: a coordinator's
deliberate message goes when they confirm it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.channel import Address, sendable
from bot.commands.registry import ANYONE, command
from flows.events import MessageOut
from flows.text import normalize
from storage.models import Person

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command

ACTIVE_DAYS = 30  # who counts as active (the same as /estadisticas)
CONFIRM_MINUTES = 30  # a draft older than this needs writing again
CONFIRM_WORDS = ("confirmar", "confirmo")


@command("difundir", role=ANYONE)  # coordinators or admins: checked below, per secretariat
async def difundir(ctx: Context, inp: Command) -> None:
    args = inp.args.strip()
    if normalize(args) in CONFIRM_WORDS:
        await confirm(ctx)
        return
    found = await target(ctx, args)
    if found is None:
        return
    secretariat, text = found
    audience = await audience_of(ctx, secretariat.id)
    if not audience:
        ctx.say("broadcast_nobody", secretariat=secretariat.name, days=ACTIVE_DAYS)
        return
    await ctx.repos.broadcasts.draft(ctx.person, secretariat.id, text, ctx.now)
    ctx.say("broadcast_preview", count=len(audience), secretariat=secretariat.name)
    ctx.send(message(ctx, secretariat.name, text))
    ctx.say("broadcast_confirm", minutes=CONFIRM_MINUTES)


async def target(ctx: Context, args: str) -> tuple[Any, str] | None:
    """The secretariat and the text; None after telling the person what is missing."""
    first, _, rest = args.partition(" ")
    if ctx.is_admin and first.isdigit():
        secretariat = await ctx.repos.secretariats.get(int(first))
        if secretariat is None:
            ctx.say("broadcast_no_secretariat", id=first)
            return None
        args = rest.strip()
    else:
        secretariat = await ctx.secretariat_if_any()
        if secretariat is None or not await may_send(ctx, secretariat.id):
            if ctx.is_admin:
                ctx.say("broadcast_usage_admin")
            else:
                ctx.say("needs_secretariat" if secretariat is None else "coordinators_only")
            return None
    if not args:
        ctx.say("broadcast_usage_admin" if ctx.is_admin else "broadcast_usage")
        return None
    return secretariat, args


async def may_send(ctx: Context, secretariat_id: int) -> bool:
    if ctx.is_admin:
        return True
    secretariat = await ctx.repos.secretariats.get(secretariat_id)
    return secretariat is not None and await ctx.repos.memberships.role_of(ctx.person, secretariat) == "coordinator"


async def audience_of(ctx: Context, secretariat_id: int) -> list[tuple[Person, Address]]:
    """Active members with an address a message can go to unprompted (Telegram, the terminal),
    the sender aside (they saw the preview)."""
    people = await ctx.repos.stats.active_members(secretariat_id, ctx.now - timedelta(days=ACTIVE_DAYS))
    addresses = await ctx.repos.addresses.of_people(p.id for p in people)
    return [(p, to) for p in people if p.id != ctx.person.id
            and (to := sendable(addresses.get(p.id, ()))) is not None]


def message(ctx: Context, secretariat: str, text: str) -> MessageOut:
    return MessageOut(ctx.text("broadcast_message", sender=ctx.person.name or secretariat,
                                secretariat=secretariat, text=text))


async def confirm(ctx: Context) -> None:
    """Queue the confirmed draft: one outbox row per person, written with the confirmation itself.

    The dispatcher (bot/scheduler) sends them, rate limited, at once and whatever the quiet hours:
    a process killed half-way still sends the rest after a restart, each message once.
    """
    draft = await ctx.repos.broadcasts.pending(ctx.person, ctx.now - timedelta(minutes=CONFIRM_MINUTES))
    secretariat = await ctx.repos.secretariats.get(draft.secretariat_id) if draft and draft.secretariat_id else None
    if draft is None or secretariat is None or not await may_send(ctx, secretariat.id):
        ctx.say("broadcast_nothing_pending")
        return
    audience = await audience_of(ctx, secretariat.id)
    if not audience:
        ctx.say("broadcast_nobody", secretariat=secretariat.name, days=ACTIVE_DAYS)
        return
    out = message(ctx, secretariat.name, str(draft.detail.get("text", "")))
    await ctx.repos.outbox.add_broadcast(
        secretariat_id=secretariat.id, draft_id=draft.id, text=out.text, now=ctx.now,
        recipients=[(p.id, to) for p, to in audience])
    await ctx.repos.broadcasts.sent(ctx.person, draft, len(audience), ctx.now)
    ctx.say("broadcast_queued", count=len(audience), secretariat=secretariat.name)
