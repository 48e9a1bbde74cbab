"""Sync the outbox with the plan: reminder rows for every followed item, and each week's digest.

Reminders (see flows/reminders/planning.py) go to the indicator's reporter when set and reachable,
else to whoever created the commitment, else to the secretariat's coordinators; a milestone's go
to its creator, else to the coordinators. Reachable means: a member of this secretariat, active,
with an address on a channel that can write unprompted (bot/channel.py CAN_SEND: Telegram or the
terminal, not Rasa); a row goes to the one of those they used last. A person known only through
Rasa gets no reminders: Rasa only answers. Only commitments approved or in implementation are followed up: drafts and
commitments in review have no agreed dates yet, and should not nag people.

The text of each row is rendered when it is planned; every tick re-renders the pending ones, so
an edited rule or a renamed indicator reaches the reminders not yet sent.

A message longer than Telegram's limit (4,096 UTF-16 units) is one row per part, split the way the
replies are (bot/telegram/render.py `split_text`), and a digest's chart is a row of its own: a part
that fails is retried alone, and the parts already delivered are never sent again.

Each secretariat is planned in two transactions: its reminders, then its digest. Nothing in the
digest (its chart included) can roll back the reminders, and the counts are of what was committed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Address, sendable
from bot.scheduler.chart import progress_chart
from flows.plan.progress import commitment_progress
from flows.plan.views import PersonView, PlanView
from flows.reminders.config import RemindersConfig
from flows.reminders.digest import FOLLOWED, DigestCommitment, DigestInput, ReceivedReport, render_digest
from flows.reminders.planning import FollowedItem, Planned, Recipient, plan_reminders
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


async def build_digest(uow: Repositories, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                       sector_labels: Mapping[str, str]) -> tuple[str, bytes | None]:
    """The digest of `secretariat` as of `now`: its text and, when there is progress to show, a chart."""
    plan = await load_plan(uow, secretariat)
    week = week_of(now, secretariat.timezone)
    since = await uow.outbox.last_digest_at(secretariat.id, week)
    folded = await uow.outbox.folded_since(secretariat.id, since)
    data = digest_input(plan, now=now, since=since, folded=folded, sector_labels=sector_labels)
    text, quiet = render_digest(config, data)
    chart = None
    if config.digest_chart and not quiet:
        fractions = [(c.title, commitment_progress(c.milestones, c.indicators)) for c in data.commitments
                     if c.status in FOLLOWED]
        try:
            chart = progress_chart(f"Avance de los compromisos · {secretariat.name}", fractions)
        except Exception:  # the digest's words matter more than its picture
            log.exception("the digest chart of secretariat %s failed; the digest goes without it", secretariat.id)
    return text, chart


async def plan_all(
    sessions: async_sessionmaker[AsyncSession],
    config: RemindersConfig,
    *,
    now: datetime,
    sector_labels: Mapping[str, str] | None = None,
) -> PlanStats:
    """One planning pass over every secretariat: its reminders, then its digest, each in its own
    transaction; the counts are of what was committed."""
    stats = PlanStats()
    async with UnitOfWork(sessions, read_only=True) as uow:
        secretariats = await uow.outbox.secretariats()
    for secretariat in secretariats:
        for what, plan in (("reminders", plan_secretariat), ("the digest", plan_digest)):
            saved = PlanStats()
            try:
                async with UnitOfWork(sessions) as uow:
                    await plan(uow, secretariat, config, now=now, stats=saved, sector_labels=sector_labels or {})
            except Exception:  # one secretariat's bad data must not stop the others' reminders
                log.exception("planning %s for secretariat %s failed", what, secretariat.id)
                continue
            stats.add(saved)
    return stats


async def plan_secretariat(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                           stats: PlanStats, sector_labels: Mapping[str, str]) -> None:
    """The secretariat's reminder rows, in step with its plan."""
    plan = await load_plan(uow, secretariat)
    addresses = await uow.addresses.of_people(m.person_id for m in plan.members)
    window = window_of(secretariat)
    # A reminder that fell due while the bot was down waits for quiet hours to end (the dispatcher
    # holds it); that wait does not count against the catch-up time, here as when rows are folded.
    config = replace(config, catch_up=config.catch_up + longest_wait(window))
    planned = plan_reminders(followed_items(plan, addresses), config, zone=secretariat.timezone, window=window,
                             secretariat=secretariat.name, now=now)
    result = await uow.outbox.sync_reminders(secretariat.id, list(in_parts(planned)), now=now,
                                             scope_from=now - config.catch_up)
    stats.inserted += result.inserted + result.revived
    stats.moved += result.moved
    stats.cancelled += result.cancelled


async def plan_digest(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                      stats: PlanStats, sector_labels: Mapping[str, str]) -> None:
    """This week's digest to each coordinator and the group, once it is due (within quiet hours)."""
    schedule = schedule_of(secretariat, config)
    if schedule is None:
        return
    week = week_of(now, secretariat.timezone)
    due_at = next_open(digest_instant(schedule, week, secretariat.timezone), secretariat.timezone,
                       window_of(secretariat))
    if now < due_at or await uow.outbox.digest_planned(secretariat.id, week):
        return
    plan = await load_plan(uow, secretariat)
    reach = Reach(plan, await uow.addresses.of_people(m.person_id for m in plan.members))
    chats: list[tuple[int | None, Address]] = [
        (pid, reach.address[pid]) for pid in reach.coordinators if pid in reach.address]
    if secretariat.group_chat_id:
        chats.append((None, ("telegram", str(secretariat.group_chat_id))))
    if not chats:
        return
    text, image = await build_digest(uow, secretariat, config, now=now, sector_labels=sector_labels)
    parts = parts_of(text, image)
    for person_id, to in chats:
        key = f"d:{secretariat.id}:{week.isoformat()}:{digest_label(to)}"
        added = [await uow.outbox.add_digest(
            key=part_key(key, index), secretariat_id=secretariat.id, person_id=person_id, to=to,
            week=week, due_at=due_at, text=body, attachment=attachment, now=now)
            for index, (body, attachment) in enumerate(parts)]
        stats.digests += added[0]


def digest_label(to: Address) -> str:
    """A digest key's last part: a Telegram chat id as before addresses (so a week planned then is
    not planned twice), any other address with its channel."""
    channel, address = to
    return address if channel == "telegram" else f"{channel}:{address}"


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
