"""/secretariado: the secretariat a person works in, for people in several (a municipal and a
state STL, say). With one it names it; with several it lists them, a button each.

«/secretariado 2» (its number in the list) or «/secretariado STL Xalapa» picks one too. A button
carries the secretariat's id (`#<id>`), so a tap on an old button still means what it showed; one
of a secretariat they do not belong to (forged, or left since) is refused and changes nothing.
The choice is remembered (memberships.acting); runs keep the secretariat they were started in,
so a kit of the other one that was on screen is put aside, to resume there (bot/commands/continuar.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COMMAND_BUTTON, MEMBER, MEMBER_MENU, command
from flows.events import Button, MessageOut
from flows.text import normalize

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command
    from storage.models import Secretariat

NAME = "secretariado"
BY_ID = "#"  # a button's value: the secretariat's id, never its place in a list that may change


@command(NAME, role=MEMBER, menu=MEMBER_MENU, menu_order=9)
async def secretariado(ctx: Context, inp: Command) -> None:
    acting = await ctx.secretariat()
    mine = await ctx.repos.secretariats.of_person(ctx.person)
    word = inp.args.strip()
    if len(mine) < 2 and not word.startswith(BY_ID):
        ctx.say("secretariat_only", secretariat=acting.name)
        return
    if not word:
        _offer(ctx, mine, acting, ctx.text("secretariat_list", secretariat=acting.name))
        return
    if word.startswith(BY_ID):
        chosen = _by_id(mine, word[len(BY_ID):])
        if chosen is None:  # an old or forged button: nothing changes
            ctx.say("secretariat_not_yours")
            return
    else:
        chosen = _by_word(mine, word)
        if chosen is None:
            _offer(ctx, mine, acting, ctx.text("secretariat_unknown", word=word))
            return
    if chosen.id == acting.id:
        ctx.say("secretariat_same", secretariat=chosen.name)
    elif await ctx.repos.memberships.act_in(ctx.person, chosen.id):
        ctx.acts_in(chosen)
        ctx.say("secretariat_switched", secretariat=chosen.name)
        await _put_aside(ctx, chosen)
    else:  # they left it between the list and the tap
        ctx.say("secretariat_not_yours")


def _offer(ctx: Context, mine: list[Secretariat], acting: Secretariat, text: str) -> None:
    buttons = tuple(Button(f"{s.name} ✓" if s.id == acting.id else s.name, f"{BY_ID}{s.id}") for s in mine)
    ctx.send(MessageOut(text, buttons=buttons, step_id=COMMAND_BUTTON + NAME))


def _by_id(mine: list[Secretariat], digits: str) -> Secretariat | None:
    return next((s for s in mine if digits.isdigit() and s.id == int(digits)), None)


def _by_word(mine: list[Secretariat], word: str) -> Secretariat | None:
    """Its number in the list (1, 2, …) or its name, accents and case aside."""
    if word.isdigit():
        return mine[int(word) - 1] if 1 <= int(word) <= len(mine) else None
    wanted = normalize(word).strip("«»\"")
    return next((s for s in mine if normalize(s.name) == wanted), None)


async def _put_aside(ctx: Context, chosen: Secretariat) -> None:
    """A kit on screen belongs to the secretariat it was started in: if that is another, it is
    paused, so the next answer does not land there; /continuar finds it after switching back."""
    current = await ctx.repos.runs.current(ctx.person)
    flow = ctx.content.flows.get(current.flow_id) if current is not None else None
    if current is None or flow is None or flow.kind != "kit" or current.secretariat_id in (None, chosen.id):
        return
    await ctx.repos.runs.pause(current)
    other = await ctx.repos.secretariats.get(current.secretariat_id)
    if other is not None:
        ctx.say("secretariat_run_kept", title=flow.title, secretariat=other.name)
