"""Sync the outbox with the plan: reminder rows for every followed item, and each week's digest.

Reminders (see flows/reminders/planning.py) go to the indicator's reporter when set and reachable,
else to whoever created the commitment, else to the secretariat's coordinators; a milestone's go
to its creator, else to the coordinators. Reachable means: a member of this secretariat, active,
with a Telegram id. Only commitments approved or in implementation are followed up: drafts and
commitments in review have no agreed dates yet, and should not nag people.

The text of each row is rendered when it is planned; every tick re-renders the pending ones, so
an edited rule or a renamed indicator reaches the reminders not yet sent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler.chart import progress_chart
from flows.plan.progress import commitment_progress
from flows.plan.readiness import parse_date
from flows.plan.schedule import indicator_due_dates
from flows.plan.views import IndicatorView, MilestoneView, ReportView
from flows.reminders.config import RemindersConfig
from flows.reminders.digest import FOLLOWED, DigestCommitment, DigestInput, ReceivedReport, render_digest
from flows.reminders.planning import FollowedItem, Recipient, plan_reminders
from flows.reminders.timing import Schedule, Window, digest_instant, local_date, parse_schedule, parse_window
from flows.reminders.timing import week_start as week_of
from storage import UnitOfWork
from storage.models import Commitment, Indicator, Person, Secretariat
from storage.repositories.outbox import PlanRows

log = logging.getLogger(__name__)

DEFAULT_WINDOW: Window = parse_window("09:00-19:00")


@dataclass
class PlanStats:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    digests: int = 0


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


def _dates(raw: object) -> tuple[date, ...]:
    return tuple(d for d in (parse_date(x) for x in (raw if isinstance(raw, list) else [])) if d is not None)


def indicator_dates(indicator: Indicator, commitment: Commitment) -> tuple[date, ...]:
    end = parse_date((commitment.fields or {}).get("end_date"))
    return tuple(indicator_due_dates(indicator.frequency, indicator.first_due, indicator.last_due,
                                     _dates(indicator.dates), end))


class Reach:
    """Who in this secretariat can get a message: members, active, with a Telegram id."""

    def __init__(self, rows: PlanRows) -> None:
        members = {m.person_id for m in rows.memberships}
        self.people = {pid: p for pid, p in rows.people.items()
                       if pid in members and p.active and p.telegram_id is not None}
        self.coordinators = [m.person_id for m in rows.memberships if m.role == "coordinator"]

    def first(self, *candidates: int | None) -> tuple[Recipient, ...]:
        for candidate in candidates:
            if candidate in self.people:
                return (self.recipient(self.people[candidate]),)
        return tuple(self.recipient(self.people[c]) for c in self.coordinators if c in self.people)

    @staticmethod
    def recipient(person: Person) -> Recipient:
        assert person.telegram_id is not None
        return Recipient(person.id, person.telegram_id, person.name)


def followed_items(rows: PlanRows) -> list[FollowedItem]:
    reach = Reach(rows)
    commitments = {c.id: c for c in rows.commitments if c.status in FOLLOWED}
    reported: dict[int, set[date]] = {}
    for report in rows.reports:
        reported.setdefault(report.indicator_id, set()).add(report.period_due)
    items: list[FollowedItem] = []
    for i in rows.indicators:
        c = commitments.get(i.commitment_id)
        if c is None:
            continue
        items.append(FollowedItem(
            "indicator", i.id, i.name, c.title or "sin título", indicator_dates(i, c),
            frozenset(reported.get(i.id, ())), reach.first(i.reporter_id, c.created_by), i.unit))
    for m in rows.milestones:
        c = commitments.get(m.commitment_id)
        if c is None or m.due_date is None:
            continue
        done = frozenset({m.due_date}) if m.done_at is not None else frozenset()
        items.append(FollowedItem("milestone", m.id, m.output, c.title or "sin título", (m.due_date,), done,
                                  reach.first(m.created_by, c.created_by)))
    return items


def digest_input(rows: PlanRows, *, now: datetime, since: datetime | None, folded: int,
                 sector_labels: Mapping[str, str]) -> DigestInput:
    s = rows.secretariat
    since = since or now - timedelta(days=7)
    reports_of: dict[int, list[ReportView]] = {}
    for r in rows.reports:
        reports_of.setdefault(r.indicator_id, []).append(ReportView(r.period_due, r.value, r.note, r.reported_at))
    commitments = []
    for c in rows.commitments:
        milestones = tuple(MilestoneView(m.id, m.output, m.due_date, m.responsible, m.done_at is not None)
                           for m in rows.milestones if m.commitment_id == c.id)
        indicators = tuple(
            IndicatorView(i.id, i.name, i.unit, i.baseline, i.target, i.frequency, i.first_due, i.last_due,
                          _dates(i.dates), tuple(reports_of.get(i.id, ())))
            for i in rows.indicators if i.commitment_id == c.id)
        commitments.append(DigestCommitment(c.id, c.title or "sin título", c.status, milestones, indicators))
    names = {i.id: (i.name, i.unit) for i in rows.indicators}
    received = tuple(
        ReceivedReport(names[r.indicator_id][0], r.value, names[r.indicator_id][1], r.period_due,
                       rows.people[r.person_id].name if r.person_id in rows.people else None,
                       rows.people[r.person_id].sector if r.person_id in rows.people else None)
        for r in rows.reports if r.reported_at >= since and r.indicator_id in names)
    members = [rows.people[m.person_id] for m in rows.memberships if m.person_id in rows.people]
    by_sector = Counter(p.sector or "" for p in members if p.active)
    new = tuple(rows.people[m.person_id].name or "alguien sin nombre" for m in rows.memberships
                if m.joined_at >= since and m.person_id in rows.people)
    return DigestInput(s.name, week_of(now, s.timezone), local_date(now, s.timezone), s.escalate_after_days,
                       tuple(commitments), received, dict(by_sector), new, folded, dict(sector_labels))


async def build_digest(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                       sector_labels: Mapping[str, str]) -> tuple[str, bytes | None]:
    """The digest of `secretariat` as of `now`: its text and, when there is progress to show, a chart."""
    rows = await uow.outbox.plan_rows(secretariat)
    week = week_of(now, secretariat.timezone)
    since = await uow.outbox.last_digest_at(secretariat.id, week)
    folded = await uow.outbox.folded_since(secretariat.id, since)
    data = digest_input(rows, now=now, since=since, folded=folded, sector_labels=sector_labels)
    text, quiet = render_digest(config, data)
    chart = None
    if config.digest_chart and not quiet:
        fractions = [(c.title, commitment_progress(c.milestones, c.indicators)) for c in data.commitments
                     if c.status in FOLLOWED]
        chart = progress_chart(f"Avance de los compromisos · {secretariat.name}", fractions)
    return text, chart


async def plan_all(
    sessions: async_sessionmaker[AsyncSession],
    config: RemindersConfig,
    *,
    now: datetime,
    sector_labels: Mapping[str, str] | None = None,
) -> PlanStats:
    """One planning pass over every secretariat, each in its own transaction."""
    stats = PlanStats()
    async with UnitOfWork(sessions) as uow:
        secretariats = await uow.outbox.secretariats()
    for secretariat in secretariats:
        try:
            async with UnitOfWork(sessions) as uow:
                await plan_secretariat(uow, secretariat, config, now=now, stats=stats,
                                       sector_labels=sector_labels or {})
        except Exception:  # one secretariat's bad data must not stop the others' reminders
            log.exception("planning reminders for secretariat %s failed", secretariat.id)
    return stats


async def plan_secretariat(uow: UnitOfWork, secretariat: Secretariat, config: RemindersConfig, *, now: datetime,
                           stats: PlanStats, sector_labels: Mapping[str, str]) -> None:
    rows = await uow.outbox.plan_rows(secretariat)
    planned = plan_reminders(followed_items(rows), config, zone=secretariat.timezone, window=window_of(secretariat),
                             secretariat=secretariat.name, now=now)
    result = await uow.outbox.sync_reminders(secretariat.id, planned, now=now, scope_from=now - config.catch_up)
    stats.inserted += result.inserted + result.revived
    stats.moved += result.moved
    stats.cancelled += result.cancelled

    schedule = schedule_of(secretariat, config)
    if schedule is None:
        return
    week = week_of(now, secretariat.timezone)
    due_at = digest_instant(schedule, week, secretariat.timezone)
    if now < due_at or await uow.outbox.digest_planned(secretariat.id, week):
        return
    reach = Reach(rows)
    chats: list[tuple[int | None, int | None]] = [
        (pid, reach.people[pid].telegram_id) for pid in reach.coordinators if pid in reach.people]
    if secretariat.group_chat_id:
        chats.append((None, secretariat.group_chat_id))
    if not chats:
        return
    text, image = await build_digest(uow, secretariat, config, now=now, sector_labels=sector_labels)
    for person_id, chat_id in chats:
        assert chat_id is not None
        key = f"d:{secretariat.id}:{week.isoformat()}:{chat_id}"
        stats.digests += await uow.outbox.add_digest(
            key=key, secretariat_id=secretariat.id, person_id=person_id, chat_id=chat_id, week=week,
            due_at=due_at, text=text, attachment=image, now=now)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
