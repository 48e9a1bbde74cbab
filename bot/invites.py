"""Invites: made from the command line or /invitar, opened with /start <code>.

Codes are made by storage (`Invites.create`, with `secrets`), stored only as a hash, and shown
here once: as a `https://t.me/<bot>?start=<code>` link when the bot's username is known (the
COCREA_BOT_USERNAME setting, or the Bot API's getMe when a token is set), else as the bare code
with how to use it (`/start <code>` in a private chat with the bot).

Opening an invite (`/start <code>`), and why in this order:
- A code that cannot be used (unknown, expired, used up) gets its own clear message and changes
  nothing: no run, no membership, no use spent.
- Guessing is throttled: an unknown code is noted in the audit log (who and when, never the code);
  after MAX_WRONG_CODES of them within WRONG_CODE_WINDOW, that person's codes are not even checked
  until the window has passed, and they are asked kindly to wait a few minutes.
- Someone who already accepted the privacy notice joins at once (a use is spent atomically); a
  member opening a coordinator invite is promoted; someone already there spends nothing.
- Someone who has not accepted it yet is shown the notice first, and the invite only waits, as
  its id in the onboarding run (`answers["invitacion"]`, no personal data): the membership is
  created, and the use spent, in the same transaction as the consent. Who says no joins nothing,
  spends nothing and may open the link again later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.effects import RefreshMenu
from bot.flow_ids import START_FLOW
from flows import engine
from flows.events import MessageOut
from flows.inputs import Begin
from flows.state import RunState
from flows.text import normalize
from storage import Repositories, UnitOfWork
from storage.models import FlowRun, Invite, Secretariat

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)

DEFAULT_USES, DEFAULT_DAYS = 1, 7
# What a coordinator may type after /invitar to say the role (accents and case do not matter).
ROLE_WORDS = {
    "miembro": "member", "miembros": "member", "integrante": "member", "integrantes": "member",
    "member": "member",
    "coordinacion": "coordinator", "coordinador": "coordinator", "coordinadora": "coordinator",
    "coordinator": "coordinator",
}
ROLE_NAMES = {"member": "integrante", "coordinator": "coordinación"}  # as a person reads them


@dataclass(frozen=True)
class Request:
    role: str = "member"
    uses: int = DEFAULT_USES
    days: int = DEFAULT_DAYS


class BadRequest(ValueError):
    """The words after /invitar could not be read; `key` names the ui.yaml text that explains why."""

    def __init__(self, key: str, word: str = "") -> None:
        super().__init__(key)
        self.key, self.word = key, word


def parse_request(args: str) -> Request:
    """'/invitar coordinacion 3 10' → coordinator, 3 uses, 10 days; every part optional, any order
    for the role, numbers in order (uses, then days)."""
    role, numbers = "member", []
    for word in args.split():
        plain = normalize(word).strip(".,;")
        if plain in ROLE_WORDS:
            role = ROLE_WORDS[plain]
        elif plain.isdigit():
            numbers.append(int(plain))
        else:
            raise BadRequest("invite_bad_word", word)
    if len(numbers) > 2:
        raise BadRequest("invite_bad_word", str(numbers[2]))
    uses = numbers[0] if numbers else DEFAULT_USES
    days = numbers[1] if len(numbers) > 1 else DEFAULT_DAYS
    return Request(role, uses, days)


def link(username: str, code: str) -> str:
    return f"https://t.me/{username.lstrip('@')}?start={code}"


async def make_invite(
    repos: Repositories, secretariat: Secretariat, request: Request, *, created_by: int | None, now: datetime
) -> tuple[Invite, str]:
    """A new invite, with an audit entry that holds no personal data and never the code."""
    invite, code = await repos.invites.create(
        secretariat, request.role, uses=request.uses, days=request.days, created_by=created_by, now=now
    )
    repos.audit.add(
        "invite_created", secretariat_id=secretariat.id, person_id=created_by,
        detail={"invite_id": invite.id, "role": request.role, "uses": request.uses, "days": request.days},
    )
    return invite, code


async def bot_username(settings: Any) -> str | None:
    """COCREA_BOT_USERNAME, or the username the Bot API reports (getMe); None when neither works."""
    if settings.bot_username:
        return str(settings.bot_username).lstrip("@")
    if not settings.telegram_token:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(settings.telegram_token, base_url=settings.telegram_api_url) as bot:
            return str(bot.username) if bot.username else None
    except (TelegramError, OSError):
        log.warning("getMe failed; the invite is shown without a link", exc_info=True)
        return None


# -- the command line -------------------------------------------------------------------------------
async def _with_storage(settings: Any, work: Any) -> Any:
    import asyncio

    from storage import make_engine, make_session_factory
    from storage.migrate import upgrade

    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            return await work(uow)
    finally:
        await engine.dispose()


async def add_secretariat(
    settings: Any, name: str, kind: str, timezone: str | None, data_controller: str | None = None
) -> int:
    """`cocrea secretariat add`: the new secretariat's id. ValueError (Spanish) on bad input."""
    if not name.strip():
        raise ValueError("El nombre del secretariado no puede quedar vacío.")

    async def work(uow: UnitOfWork) -> int:
        secretariat = await uow.secretariats.add(name.strip(), kind=kind, timezone=timezone or settings.timezone,
                                                 data_controller=data_controller)
        return secretariat.id

    return int(await _with_storage(settings, work))


async def set_data_controller(settings: Any, which: str, who: str) -> str:
    """`cocrea secretariat set --data-controller`: who the privacy notice now names."""

    async def work(uow: UnitOfWork) -> str:
        secretariat = await find_secretariat(uow, which)
        await uow.secretariats.set_data_controller(secretariat, who)
        return await uow.secretariats.data_controller(secretariat.id) or f"la coordinación de {secretariat.name}"

    return str(await _with_storage(settings, work))


async def find_secretariat(uow: UnitOfWork, which: str) -> Secretariat:
    """A secretariat by id or by exact name; ValueError (Spanish) when there is none."""
    found = await uow.secretariats.get(int(which)) if which.strip().isdigit() else None
    found = found or await uow.secretariats.named(which.strip())
    if found is None:
        raise ValueError(f"No existe el secretariado {which!r}. Créalo con: cocrea secretariat add NOMBRE")
    return found


async def invite_from_cli(settings: Any, which: str, request: Request) -> list[str]:
    """`cocrea invite`: the lines to print (code, link or how to use the code, expiry)."""
    from datetime import UTC

    now = datetime.now(UTC)

    async def work(uow: UnitOfWork) -> tuple[str, Invite, str]:
        secretariat = await find_secretariat(uow, which)
        invite, code = await make_invite(uow, secretariat, request, created_by=None, now=now)
        return secretariat.name, invite, code

    name, invite, code = await _with_storage(settings, work)
    username = await bot_username(settings)
    plural = "persona" if request.uses == 1 else "personas"
    lines = [
        f"código: {code}",
        f"secretariado: {name} · rol: {ROLE_NAMES[request.role]} · sirve para {request.uses} {plural}"
        f" · vence: {invite.expires_at:%Y-%m-%d %H:%M} UTC",
    ]
    if username:
        lines.insert(1, f"enlace: {link(username, code)}")
    else:
        lines.append("Falta COCREA_BOT_USERNAME (o COCREA_TELEGRAM_TOKEN para preguntarlo a Telegram): "
                     f"sin él no puedo armar el enlace. La persona puede escribirle al bot: /start {code}")
    return lines


# -- opening an invite: /start <code> ---------------------------------------------------------------
PENDING = "invitacion"  # the onboarding run's note of an invite waiting for consent
# Repeated unknown codes from one person are slowed down: after MAX_WRONG_CODES within the window,
# further codes get "espera unos minutos" and are not checked. Counted in audit_log, so it holds
# across restarts and across workers.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(minutes=10)
PROBLEM_TEXTS = {"unknown": "invite_unknown", "expired": "invite_expired", "used_up": "invite_used_up"}


async def open_invite(ctx: Context, code: str) -> None:
    since = ctx.now - WRONG_CODE_WINDOW
    if await ctx.repos.invites.wrong_codes_since(ctx.person.id, since) >= MAX_WRONG_CODES:
        ctx.say("invite_slow_down")  # too many guesses: this code is not even looked at
        return
    found = await ctx.repos.invites.lookup(code, ctx.now)
    if found.problem is not None or found.invite is None:
        if found.invite is None:  # a guess, or a mistyped link: counted (never the code itself)
            ctx.repos.invites.note_wrong_code(ctx.person.id, ctx.now)
        ctx.say(PROBLEM_TEXTS[found.problem or "unknown"])
        return
    invite = found.invite
    secretariat = await ctx.repos.secretariats.get(invite.secretariat_id)
    assert secretariat is not None  # invites are deleted with their secretariat
    if ctx.person.consent_at is not None:
        ctx.send(*await join(ctx, invite.id, secretariat))
        onboarding = await ctx.repos.runs.unfinished(ctx.person, START_FLOW)
        if onboarding is not None:  # name or sector still missing: go on with them
            await ctx.resume(onboarding)
        else:
            ctx.say("invite_next")
        return
    run = await ctx.repos.runs.unfinished(ctx.person, START_FLOW)
    flow = ctx.content.flows[START_FLOW]
    if run is None:
        state = engine.start(START_FLOW).evolve(answers={PENDING: invite.id})
        run = await ctx.repos.runs.start(ctx.person, flow_id=START_FLOW, content_version=flow.version,
                                        state=state, secretariat_id=secretariat.id)
    else:  # the notice was already on screen: the invite waits in the same run
        state = RunState.from_json(run.state)
        run.secretariat_id = secretariat.id
        await ctx.repos.runs.save(run, state.evolve(answers={**state.answers, PENDING: invite.id}))
    await ctx.repos.runs.pause_others(ctx.person, run)
    await ctx.step(run, Begin())


async def join_pending(ctx: Context, run: FlowRun, at: int) -> None:
    """After a step of the onboarding: if consent was just given and an invite waits, join now.

    The messages go at `at`, before the step's own (the next question stays last)."""
    state = RunState.from_json(run.state)
    invite_id = state.answers.get(PENDING)
    if invite_id is None or ctx.person.consent_at is None:
        return
    await ctx.repos.runs.save(run, state.evolve(answers={k: v for k, v in state.answers.items() if k != PENDING}))
    invite = await ctx.repos.invites.get(int(invite_id))
    secretariat = await ctx.repos.secretariats.get(invite.secretariat_id) if invite else None
    if secretariat is None:
        ctx.send(MessageOut(ctx.text("invite_unknown")), at=at)
        return
    ctx.send(*await join(ctx, int(invite_id), secretariat), at=at)


async def join(ctx: Context, invite_id: int, secretariat: Secretariat) -> list[MessageOut]:
    """Spend one use of the invite and join (or be promoted); the messages that say so."""
    current = await ctx.repos.memberships.role_of(ctx.person, secretariat)
    acting = await ctx.repos.secretariats.acting_for(ctx.person)  # joining another does not switch
    invite = await ctx.repos.invites.get(invite_id)
    role = invite.role if invite else "member"
    if current is not None and (current == "coordinator" or current == role):  # nothing to spend
        return [MessageOut(ctx.text("invite_already_member", secretariat=secretariat.name,
                                     role=ROLE_NAMES[current]))]
    claimed = await ctx.repos.invites.claim(invite_id, ctx.now)
    if claimed is None:  # someone else took the last use, or it expired, since it was opened
        problem = "unknown" if invite is None else "expired" if invite.expires_at <= ctx.now else "used_up"
        return [MessageOut(ctx.text(PROBLEM_TEXTS[problem]))]
    await ctx.repos.memberships.add(ctx.person, secretariat, claimed.role)
    ctx.joined(secretariat)
    ctx.repos.audit.add(
        "invite_redeemed", secretariat_id=secretariat.id, person_id=ctx.person.id,
        detail={"invite_id": claimed.id, "role": claimed.role, "promoted": current is not None},
    )
    if claimed.role == "coordinator":  # their channel shows them the coordinators' menu
        ctx.effect(RefreshMenu(ctx.person.key))
    key = "invite_promoted" if current is not None else "invite_joined"
    said = [MessageOut(ctx.text(key, secretariat=secretariat.name, role=ROLE_NAMES[claimed.role]))]
    if acting is not None and acting.id != secretariat.id:
        said.append(MessageOut(ctx.text("invite_acting_elsewhere", current=acting.name, secretariat=secretariat.name)))
    return said
