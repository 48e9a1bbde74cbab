"""Sync the outbox with the plan: reminder rows for every followed item, and each week's digest.

Reminders (see flows/reminders/planning.py) go to the indicator's reporter when set and reachable,
else to whoever created the commitment, else to the secretariat's coordinators; a milestone's go
to its creator, else to the coordinators. Reachable means: a member of this secretariat, active,
with an address on a channel that can write unprompted (bot/channel.py CAN_SEND: Telegram or the
terminal, not Rasa); a row goes to the one of those they used last. A person known only through
Rasa gets no reminders: Rasa only answers. Only commitments approved or in implementation are followed up: drafts and
commitments in review have no agreed dates yet, and should not nag people.

Planning costs what changed (issue 20): a pass plans only the secretariats that need it (storage/
repositories/planning.py): something their reminders are made of changed (marked by database
triggers in the changing transaction), their horizon moved (`plan_at`: the next reminder comes within
reach, the week's digest falls due), or the rules and texts changed (every secretariat again). So
an edited rule or a renamed indicator still reaches the reminders not yet sent, and a pass with
nothing new is a few indexed queries however many secretariats there are. Every process plans,
each claiming secretariats with a lease; bot/scheduler/full.py keeps the old pass over every
secretariat, the oracle the tests compare with.

A message longer than Telegram's limit (4,096 UTF-16 units) is one row per part, split the way the
replies are (bot/telegram/render.py `split_text`), and a digest's chart is a row of its own: a part
that fails is retried alone, and the parts already delivered are never sent again.

Each secretariat is planned in its own transactions: its reminders (with the end of its claim when no
digest is due), then its digest: read in one transaction, its chart drawn by a worker thread outside
any (the event loop keeps answering people), written in another. Nothing in the digest can roll
back the reminders, a process killed mid-plan leaves each secretariat wholly planned or not at all
(its claim runs out, or is freed at once when its pid is gone), and the counts are of what was committed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Address, sendable
from bot.scheduler.chart import progress_chart
from bot.scheduler.workers import orphaned, worker_name
from flows.plan.progress import commitment_progress
from flows.plan.views import PersonView, PlanView
from flows.reminders.config import RemindersConfig
from flows.reminders.digest import FOLLOWED, DigestCommitment, DigestInput, ReceivedReport, render_digest
from flows.reminders.planning import FollowedItem, Planned, Recipient, next_planning, plan_reminders
from flows.reminders.timing import (
    Schedule,
    Window,
    digest_instant,
    local_date,
    longest_wait,
    next_open,
    parse_schedule,
    parse_window,
)
from flows.reminders.timing import week_start as week_of
from storage import Repositories, UnitOfWork
from storage.models import PersonAddress, Secretariat

log = logging.getLogger(__name__)

DEFAULT_WINDOW: Window = parse_window("09:00-19:00")
PLAN_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a process that died (or hangs)
CLAIM = 20  # secretariats claimed at a time: a few seconds' work, so processes share a pass evenly


@dataclass
class PlanStats:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    digests: int = 0  # digest messages (one per chat), whatever the number of their parts

    def add(self, other: PlanStats) -> None:
        self.inserted += other.inserted
        self.moved += other.moved
        self.cancelled += other.cancelled
        self.digests += other.digests


def part_key(key: str, index: int) -> str:
    """The key of part `index` (0-based) of a message: the first part keeps the message's own key."""
    return key if index == 0 else f"{key}#{index + 1}"


def message_key(key: str) -> str:
    """The message a part belongs to: `part_key` undone."""
    return key.split("#", 1)[0]


def parts_of(text: str, attachment: bytes | None = None) -> list[tuple[str, bytes | None]]:
    """A scheduled message as the rows that carry it: its text in parts that Telegram takes
    (UTF-16 units, as the replies are split), then its image on its own."""
    from bot.telegram.render import split_text  # here: bot.telegram's package imports the commands, and so this

    chunks = split_text(text) if text.strip() else []
    parts: list[tuple[str, bytes | None]] = [(chunk, None) for chunk in chunks] if len(chunks) > 1 else [(text, None)]
    if attachment:
        parts.append(("", attachment))
    return parts


def in_parts(planned: Iterable[Planned]) -> Iterator[Planned]:
    """Each planned reminder, or its parts when it is too long for one message."""
    for p in planned:
        parts = parts_of(p.text)
        if len(parts) == 1:
            yield p
            continue
        for index, (text, _) in enumerate(parts):
            yield replace(p, key=part_key(p.key, index), text=text)


def window_of(secretariat: Secretariat) -> Window:
    try:
        return parse_window(secretariat.quiet_hours or "09:00-19:00")
    except ValueError:
        log.warning("secretariat %s: bad quiet_hours %r; using 09:00-19:00", secretariat.id, secretariat.quiet_hours)
        return DEFAULT_WINDOW


def schedule_of(secretariat: Secretariat, config: RemindersConfig) -> Schedule | None:
    if not secretariat.digest_schedule:
        return config.digest_schedule
    try:
        return parse_schedule(secretariat.digest_schedule)
    except ValueError:
        log.warning("secretariat %s: bad digest_schedule %r; using the default",
                    secretariat.id, secretariat.digest_schedule)
        return config.digest_schedule


class Reach:
    """Who in this secretariat can get a message, and where: members, active, with an address on a
    channel that can send (`addresses`: each person's, the one used last first)."""

    def __init__(self, plan: PlanView, addresses: Mapping[int, list[PersonAddress]]) -> None:
        self.address: dict[int, Address] = {}
        for member in plan.members:
            person = plan.people.get(member.person_id)
            to = sendable(addresses.get(member.person_id, ()))
            if to is not None and person is not None and person.active:
                self.address[member.person_id] = to
        self.people = {pid: plan.people[pid] for pid in self.address}
        self.coordinators = [m.person_id for m in plan.members if m.role == "coordinator"]

    def first(self, *candidates: int | None) -> tuple[Recipient, ...]:
        for candidate in candidates:
            if candidate in self.people:
                return (self.recipient(self.people[candidate]),)
        return tuple(self.recipient(self.people[c]) for c in self.coordinators if c in self.people)

    def recipient(self, person: PersonView) -> Recipient:
        return Recipient(person.id, self.address[person.id], person.name)


def followed_items(plan: PlanView, addresses: Mapping[int, list[PersonAddress]]) -> list[FollowedItem]:
    reach = Reach(plan, addresses)
    followed = [c for c in plan.commitments if c.status in FOLLOWED]
    indicators = sorted(((c, i) for c in followed for i in c.indicators), key=lambda pair: pair[1].id)
    milestones = sorted(((c, m) for c in followed for m in c.milestones if m.due_date is not None),
                        key=lambda pair: pair[1].id)
    items = [FollowedItem("indicator", i.id, i.name, c.title or "sin título", i.due,
                          frozenset(r.period_due for r in i.reports), reach.first(i.reporter_id, c.created_by), i.unit)
             for c, i in indicators]
    for c, m in milestones:
        assert m.due_date is not None
        done = frozenset({m.due_date}) if m.done else frozenset()
        items.append(FollowedItem("milestone", m.id, m.output, c.title or "sin título", (m.due_date,), done,
                                  reach.first(m.created_by, c.created_by)))
    return items


def digest_input(plan: PlanView, *, now: datetime, since: datetime | None, folded: int,
                 sector_labels: Mapping[str, str]) -> DigestInput:
    since = since or now - timedelta(days=7)
    commitments = tuple(DigestCommitment(c.id, c.title or "sin título", c.status,
                                         tuple(sorted(c.milestones, key=lambda m: m.id)), c.indicators)
                        for c in plan.commitments)
    reports = sorted(((r, i) for _, i in plan.indicators for r in i.reports if r.reported_at >= since),
                     key=lambda pair: (pair[0].reported_at, pair[0].id))
    people = plan.people
    reporters = [people.get(r.person_id) if r.person_id is not None else None for r, _ in reports]
    received = tuple(
        ReceivedReport(i.name, r.value, i.unit, r.period_due, who.name if who else None, who.sector if who else None)
        for (r, i), who in zip(reports, reporters, strict=True))
    members = [people[m.person_id] for m in plan.members if m.person_id in people]
    by_sector = Counter(p.sector or "" for p in members if p.active)
    new = tuple(people[m.person_id].name or "alguien sin nombre" for m in plan.members
                if m.joined_at >= since and m.person_id in people)
    return DigestInput(plan.name, week_of(now, plan.timezone), local_date(now, plan.timezone),
                       plan.escalate_after_days, commitments, received, dict(by_sector), new, folded,
                       dict(sector_labels))


async def load_plan(uow: Repositories, secretariat: Secretariat) -> PlanView:
    plan = await uow.plan.load(secretariat.id)
    if plan is None:  # deleted since this pass listed it
        raise LookupError(f"secretariat {secretariat.id} no longer exists")
    return plan


@dataclass(frozen=True)
class DigestDraft:
    """A digest ready but for its chart: its text, and the bars the chart will draw (None: no chart)."""

    text: str
    title: str
    bars: list[tuple[str, float | None]] | None


async def draft_digest(uow: Repositories, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                       sector_labels: Mapping[str, str]) -> DigestDraft:
    """The digest of `secretariat` as of `now`, read from the database; its chart is drawn later,
    outside the transaction (`render_chart`)."""
    plan = await load_plan(uow, secretariat)
    week = week_of(now, secretariat.timezone)
    since = await uow.outbox.last_digest_at(secretariat.id, week)
    folded = await uow.outbox.folded_since(secretariat.id, since)
    data = digest_input(plan, now=now, since=since, folded=folded, sector_labels=sector_labels)
    text, quiet = render_digest(config, data)
    bars = None
    if config.digest_chart and not quiet:
        bars = [(c.title, commitment_progress(c.milestones, c.indicators)) for c in data.commitments
                if c.status in FOLLOWED]
    return DigestDraft(text, f"Avance de los compromisos · {secretariat.name}", bars)


_charts: ThreadPoolExecutor | None = None


def _draw(title: str, bars: list[tuple[str, float | None]]) -> bytes | None:
    return progress_chart(title, bars)  # looked up at the call: a test may replace it


async def render_chart(draft: DigestDraft, secretariat_id: int) -> bytes | None:
    """The draft's chart, drawn by a worker thread: the event loop goes on answering people meanwhile
    (one thread: matplotlib's figures are not drawn two at a time)."""
    global _charts
    if draft.bars is None:
        return None
    if _charts is None:
        _charts = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cocrea-chart")
    try:
        return await asyncio.get_running_loop().run_in_executor(_charts, _draw, draft.title, draft.bars)
    except Exception:  # the digest's words matter more than its picture
        log.exception("the digest chart of secretariat %s failed; the digest goes without it", secretariat_id)
        return None


async def build_digest(uow: Repositories, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                       sector_labels: Mapping[str, str]) -> tuple[str, bytes | None]:
    """The digest of `secretariat` as of `now`: its text and, when there is progress to show, a chart."""
    draft = await draft_digest(uow, secretariat, config, now=now, sector_labels=sector_labels)
    return draft.text, await render_chart(draft, secretariat.id)


def rules_key(config: RemindersConfig) -> str:
    """The reminder rules and texts as a short hash: when it changes, every secretariat is planned again.
    Canonical (sets sorted), so every process, whatever its hash seed, computes the same key."""
    schedule = config.digest_schedule.label() if config.digest_schedule is not None else None
    canonical = json.dumps({
        "rules": [[r.id, r.days, sorted(r.items), r.text] for r in config.rules],
        "send_hour": config.send_hour.isoformat(), "catch_up": config.catch_up.total_seconds(),
        "digest": [schedule, config.digest_text, config.digest_empty, config.digest_chart],
    }, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


async def plan_all(
    sessions: async_sessionmaker[AsyncSession],
    config: RemindersConfig,
    *,
    now: datetime,
    sector_labels: Mapping[str, str] | None = None,
    worker: str | None = None,
) -> PlanStats:
    """One planning pass over the secretariats that need it (storage/repositories/planning.py): those
    whose data changed, whose horizon moved, or all of them when the rules changed. Each is claimed
    (leased), planned (its reminders in one transaction, its digest in another) and marked done;
    several processes share a pass. The counts are of what was committed."""
    worker = worker or worker_name()
    stats = PlanStats()
    # Each secretariat once a pass: one whose next planning time is already here (a reminder still
    # due, a digest of this week) or that changed meanwhile is planned again on the next tick, never
    # in a loop that would keep this pass (and the sending after it) from ending.
    planned: set[int] = set()
    first = True
    while True:
        async with UnitOfWork(sessions) as uow:
            if first:
                await uow.planning.rules(rules_key(config), now=now)
                first = False
            claimed = await uow.planning.claim(worker, now=now, lease=PLAN_LEASE, limit=CLAIM, skip=planned)
        if not claimed:
            if await release_orphans(sessions, now=now):
                continue
            return stats
        for secretariat_id, version in claimed:
            planned.add(secretariat_id)
            await plan_one(sessions, secretariat_id, version, config, now=now, stats=stats, worker=worker,
                           sector_labels=sector_labels or {})


async def release_orphans(sessions: async_sessionmaker[AsyncSession], *, now: datetime) -> int:
    """Claims of a process of this host that is gone (killed mid-pass): free at once, not after the lease."""
    async with UnitOfWork(sessions, read_only=True) as uow:
        claimers = await uow.planning.claimers(now=now)
    dead = [name for name in claimers if orphaned(name)]
    if not dead:
        return 0
    async with UnitOfWork(sessions) as uow:
        return sum([await uow.planning.release_worker(name) for name in dead])


async def plan_one(sessions: async_sessionmaker[AsyncSession], secretariat_id: int, version: int,
                   config: RemindersConfig, *, now: datetime, stats: PlanStats, worker: str,
                   sector_labels: Mapping[str, str]) -> bool:
    """One claimed secretariat: its reminders (and, when no digest is due, the end of the claim) in one
    transaction; then its digest, read in one, its chart drawn outside any, written in a third. A
    failure leaves it due for the next pass (False); one secretariat's bad data never stops the others."""
    saved, finished, next_at = PlanStats(), False, None
    reminders_ok = False
    digest: tuple[date, datetime] | None = None
    secretariat: Secretariat | None = None
    try:
        async with UnitOfWork(sessions) as uow:
            secretariat = await uow.session.get(Secretariat, secretariat_id)
            if secretariat is None:  # deleted since it was claimed: its planning row went with it
                return True
            uow.session.expunge(secretariat)  # read after this transaction, committed or not
            next_at = await plan_secretariat(uow, secretariat, config, now=now, stats=saved)
            digest, later = digest_timing(secretariat, config, now)
            next_at = earliest(next_at, later)
            if digest is not None and await uow.outbox.digest_planned(secretariat_id, digest[0]):
                digest = None
            if digest is None:
                finished = await uow.planning.done(secretariat_id, worker, version=version, plan_at=next_at)
            reminders_ok = True
    except Exception:  # one secretariat's bad data must not stop the others' reminders
        log.exception("planning reminders for secretariat %s failed", secretariat_id)
        saved = PlanStats()
        if secretariat is not None:
            digest = digest_timing(secretariat, config, now)[0]
    stats.add(saved)
    if finished:
        return True
    if digest is not None and secretariat is not None:
        saved = PlanStats()
        try:
            finished = await plan_digest_apart(
                sessions, secretariat, config, digest, now=now, stats=saved, sector_labels=sector_labels,
                done=(worker, version, next_at) if reminders_ok else None)
            stats.add(saved)
        except Exception:
            log.exception("planning the digest for secretariat %s failed", secretariat_id)
    if not finished:
        async with UnitOfWork(sessions) as uow:
            await uow.planning.release(secretariat_id, worker)
    return finished


def earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def digest_timing(secretariat: Secretariat, config: RemindersConfig,
                  now: datetime) -> tuple[tuple[date, datetime] | None, datetime | None]:
    """(this week's digest when it is due now, as (week, due time)), and when the next digest falls due."""
    schedule = schedule_of(secretariat, config)
    if schedule is None:
        return None, None
    zone, window = secretariat.timezone, window_of(secretariat)
    week = week_of(now, zone)
    due_at = next_open(digest_instant(schedule, week, zone), zone, window)
    if now < due_at:
        return None, due_at
    following = next_open(digest_instant(schedule, week + timedelta(days=7), zone), zone, window)
    return (week, due_at), following


async def digest_chats(uow: Repositories, secretariat: Secretariat) -> list[tuple[int | None, Address]]:
    """Where the digest goes: each reachable coordinator, and the secretariat's group."""
    plan = await load_plan(uow, secretariat)
    reach = Reach(plan, await uow.addresses.of_people(m.person_id for m in plan.members))
    chats: list[tuple[int | None, Address]] = [
        (pid, reach.address[pid]) for pid in reach.coordinators if pid in reach.address]
    if secretariat.group_chat_id:
        chats.append((None, ("telegram", str(secretariat.group_chat_id))))
    return chats


async def write_digest(uow: Repositories, secretariat: Secretariat, chats: list[tuple[int | None, Address]],
                       week: date, due_at: datetime, text: str, image: bytes | None, *, now: datetime,
                       stats: PlanStats) -> None:
    parts = parts_of(text, image)
    for person_id, to in chats:
        key = f"d:{secretariat.id}:{week.isoformat()}:{digest_label(to)}"
        added = [await uow.outbox.add_digest(
            key=part_key(key, index), secretariat_id=secretariat.id, person_id=person_id, to=to,
            week=week, due_at=due_at, text=body, attachment=attachment, now=now)
            for index, (body, attachment) in enumerate(parts)]
        stats.digests += added[0]


async def plan_digest_apart(sessions: async_sessionmaker[AsyncSession], secretariat: Secretariat,
                            config: RemindersConfig, digest: tuple[date, datetime], *, now: datetime,
                            stats: PlanStats, sector_labels: Mapping[str, str],
                            done: tuple[str, int, datetime | None] | None) -> bool:
    """This week's digest: read in one transaction, its chart drawn outside any, written in another
    (with the end of the claim, `done`, when the reminders went well: then True)."""
    week, due_at = digest
    async with UnitOfWork(sessions, read_only=True) as uow:
        chats = await digest_chats(uow, secretariat)
        draft = await draft_digest(uow, secretariat, config, now=now, sector_labels=sector_labels) if chats else None
    image = await render_chart(draft, secretariat.id) if draft is not None else None
    async with UnitOfWork(sessions) as uow:
        if draft is not None and not await uow.outbox.digest_planned(secretariat.id, week):
            await write_digest(uow, secretariat, chats, week, due_at, draft.text, image, now=now, stats=stats)
        if done is not None:
            worker, version, next_at = done
            return await uow.planning.done(secretariat.id, worker, version=version, plan_at=next_at)
    return False


async def plan_secretariat(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                           stats: PlanStats) -> datetime | None:
    """The secretariat's reminder rows, in step with its plan; when its horizon next moves (a reminder
    not planned yet comes within it), None when no reminder is to come."""
    plan = await load_plan(uow, secretariat)
    addresses = await uow.addresses.of_people(m.person_id for m in plan.members)
    window = window_of(secretariat)
    # A reminder that fell due while the bot was down waits for quiet hours to end (the dispatcher
    # holds it); that wait does not count against the catch-up time, here as when rows are folded.
    config = replace(config, catch_up=config.catch_up + longest_wait(window))
    items = followed_items(plan, addresses)
    planned = plan_reminders(items, config, zone=secretariat.timezone, window=window,
                             secretariat=secretariat.name, now=now)
    result = await uow.outbox.sync_reminders(secretariat.id, list(in_parts(planned)), now=now,
                                             scope_from=now - config.catch_up)
    stats.inserted += result.inserted + result.revived
    stats.moved += result.moved
    stats.cancelled += result.cancelled
    return next_planning(items, config, zone=secretariat.timezone, window=window, now=now)


def digest_label(to: Address) -> str:
    """A digest key's last part: a Telegram chat id as before addresses (so a week planned then is
    not planned twice), any other address with its channel."""
    channel, address = to
    return address if channel == "telegram" else f"{channel}:{address}"


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
