"""The outbox: reminder, digest and broadcast rows, written idempotently and claimed atomically.

Claiming: PostgreSQL locks the due rows with SELECT … FOR UPDATE SKIP LOCKED, so two workers
take disjoint batches without waiting on each other; SQLite has one writer at a time (a unit of
work that writes begins IMMEDIATE), so the select and the update that claims are already atomic.

Every state change is a conditional UPDATE on the status it expects, so a planner cancelling a
row and a dispatcher claiming it never both win.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from flows.reminders.planning import Planned
from storage.errors import translate_errors
from storage.models import OutboxMessage, Person, PersonAddress, Secretariat
from storage.repositories._sql import dialect_name, insert_or_ignore

Address = tuple[str, str]  # (channel, address): ('telegram', '123'), ('terminal', 'ana')
CHUNK = 500  # keys per IN (…): well under every backend's limit on parameters


@dataclass(frozen=True)
class Notice:
    """A plan event for one address (bot/notices): `header` opens a new row (which secretariat, which
    commitment), `line` says what happened; `event_id` is the audit entry it comes from."""

    event_id: int
    secretariat_id: int
    commitment_id: int
    person_id: int | None  # None: a group chat
    to: Address
    rule: str
    header: str
    line: str
    buttons: tuple[dict[str, str], ...] = ()
    attachment: bytes | None = None
    attachment_name: str | None = None


@dataclass
class SyncResult:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class Outbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _execute(self, statement: Any) -> Any:
        with translate_errors():
            return await self._session.execute(statement)

    # -- what planning reads ---------------------------------------------------------------------
    async def secretariats(self) -> list[Secretariat]:
        return list(await self._session.scalars(select(Secretariat).order_by(Secretariat.id)))

    # -- planning --------------------------------------------------------------------------------
    async def sync_reminders(self, secretariat_id: int, planned: Sequence[Planned], *, now: datetime,
                             scope_from: datetime) -> SyncResult:
        """Make the pending reminders of a secretariat from `scope_from` on exactly `planned`.

        New keys are inserted (a key seen before is never inserted twice); pending rows whose
        time or text changed are updated; pending rows no longer planned are cancelled; cancelled
        rows planned again (a date moved back) are pending again. Sent, failed and folded rows
        are history and stay as they are.
        """
        result = SyncResult()
        wanted = {p.key: p for p in planned}
        existing: dict[str, OutboxMessage] = {}
        for keys in _chunks(sorted(wanted)):
            for found in await self._session.scalars(select(OutboxMessage).where(OutboxMessage.key.in_(keys))):
                existing[found.key] = found
        in_scope = await self._session.scalars(select(OutboxMessage).where(
            OutboxMessage.secretariat_id == secretariat_id, OutboxMessage.kind == "reminder",
            OutboxMessage.status == "pending", OutboxMessage.due_at >= scope_from))
        stale = [r.id for r in in_scope if r.key not in wanted]
        for ids in _chunks(stale):
            done = await self._execute(update(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == "pending",
            ).values(status="cancelled", last_error=None).execution_options(synchronize_session=False))
            result.cancelled += done.rowcount or 0
        new = [
            dict(key=key, kind="reminder", secretariat_id=secretariat_id, person_id=p.person_id,
                 channel=p.address[0], address=p.address[1],
                 item_kind=p.item_kind, item_id=p.item_id, period=p.period, rule=p.rule, due_at=p.due_at,
                 body=p.text, status="pending", attempts=0, next_attempt_at=p.due_at, created_at=now)
            for key, p in wanted.items() if key not in existing
        ]
        result.inserted = await self._insert_new(new)
        for key, p in wanted.items():
            row = existing.get(key)
            if row is None:
                continue
            to = dict(channel=p.address[0], address=p.address[1])
            if row.status == "pending" and (row.due_at != p.due_at or row.body != p.text
                                            or (row.channel, row.address) != p.address):
                done = await self._execute(update(OutboxMessage).where(
                    OutboxMessage.id == row.id, OutboxMessage.status == "pending",
                ).values(due_at=p.due_at, next_attempt_at=p.due_at, body=p.text, **to)
                    .execution_options(synchronize_session=False))
                result.moved += done.rowcount or 0
            elif row.status == "cancelled":
                done = await self._execute(update(OutboxMessage).where(
                    OutboxMessage.id == row.id, OutboxMessage.status == "cancelled",
                ).values(status="pending", due_at=p.due_at, next_attempt_at=p.due_at, body=p.text, attempts=0, **to)
                    .execution_options(synchronize_session=False))
                result.revived += done.rowcount or 0
        return result

    async def _insert_new(self, rows: list[dict[str, Any]]) -> int:
        """INSERT … ON CONFLICT DO NOTHING of every row, as one executemany (SQLAlchemy sends them a
        batch of rows per statement, one statement compiled once); how many went in."""
        if not rows:
            return 0
        insert = postgresql.insert if await dialect_name(self._session) == "postgresql" else sqlite.insert
        statement = insert(OutboxMessage).on_conflict_do_nothing().returning(OutboxMessage.id)
        result = await self._execute_many(statement, rows)
        return len(result.all())

    async def _execute_many(self, statement: Any, rows: list[dict[str, Any]]) -> Any:
        with translate_errors():
            return await self._session.execute(statement, rows)

    async def add_digest(self, *, key: str, secretariat_id: int, person_id: int | None, to: Address,
                         week: date, due_at: datetime, text: str, attachment: bytes | None,
                         now: datetime) -> bool:
        """One digest row to the address `to`; False when this key (address and week) was already planned."""
        values = dict(key=key, kind="digest", secretariat_id=secretariat_id, person_id=person_id,
                      channel=to[0], address=to[1],
                      item_kind="digest", item_id=secretariat_id, period=week, rule="digest", due_at=due_at,
                      body=text, attachment=attachment, status="pending", attempts=0, next_attempt_at=due_at,
                      created_at=now)
        return await insert_or_ignore(self._session, OutboxMessage, values)

    async def add_broadcast(self, *, secretariat_id: int, draft_id: int, recipients: Sequence[tuple[int, Address]],
                            text: str, now: datetime) -> int:
        """One row per recipient (person id, address) of a confirmed /difundir, due now; how many went in.

        The key names the draft and the person, so a second confirmation or a retried update
        inserts nothing twice. A text longer than one message is split when sent (by its channel).
        """
        rows = [
            dict(key=f"broadcast:{draft_id}:{person_id}", kind="broadcast", secretariat_id=secretariat_id,
                 person_id=person_id, channel=to[0], address=to[1], item_kind="broadcast", item_id=draft_id,
                 period=None, rule="broadcast", due_at=now, body=text, status="pending", attempts=0,
                 next_attempt_at=now, created_at=now)
            for person_id, to in recipients
        ]
        return await self._insert_new(rows)

    async def add_notice(self, notice: Notice, *, now: datetime, window: timedelta) -> str:
        """One plan event told to one address, grouped: 'new', 'joined' or 'seen'.

        At most one notice an address per commitment per `window`: an event that comes while that
        address's notice of the commitment still waits joins it (a line of its body, its buttons);
        after one went out, the next waits for the window's end, and later events join that one.
        An event already in a row (its audit id in `events`) is 'seen' and changes nothing, so
        writing the same events again (a retry) adds nothing twice.
        """
        channel, address = notice.to
        recent = list(await self._session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "notice", OutboxMessage.channel == channel, OutboxMessage.address == address,
            OutboxMessage.item_id == notice.commitment_id,
            or_(OutboxMessage.due_at >= now - window, OutboxMessage.status == "pending"),
        ).order_by(OutboxMessage.due_at, OutboxMessage.id)))
        if any(notice.event_id in (row.events or []) for row in recent):
            return "seen"
        waiting = [row for row in recent if row.status == "pending"]
        if waiting:
            row = waiting[-1]
            buttons = list(row.buttons or []) + [b for b in notice.buttons if b not in (row.buttons or [])]
            # a joining event's document (an approval's acta) goes with the row, or its line promises nothing
            attachment = {"attachment": notice.attachment, "attachment_name": notice.attachment_name} \
                if notice.attachment is not None else {}
            await self._execute(update(OutboxMessage).where(
                OutboxMessage.id == row.id, OutboxMessage.status == "pending",
            ).values(body=f"{row.body}\n{notice.line}", events=[*(row.events or []), notice.event_id],
                     buttons=buttons or None, **attachment).execution_options(synchronize_session=False))
            row.body, row.events = f"{row.body}\n{notice.line}", [*(row.events or []), notice.event_id]
            return "joined"
        due = max((row.due_at + window for row in recent), default=now)
        due = max(due, now)
        inserted = await insert_or_ignore(self._session, OutboxMessage, dict(
            key=f"notice:{notice.event_id}:{channel}:{address}"[:200], kind="notice",
            secretariat_id=notice.secretariat_id, person_id=notice.person_id, channel=channel, address=address,
            item_kind="commitment", item_id=notice.commitment_id, period=None, rule=notice.rule[:32],
            due_at=due, body=f"{notice.header}\n{notice.line}", attachment=notice.attachment,
            attachment_name=notice.attachment_name, buttons=list(notice.buttons) or None,
            events=[notice.event_id], status="pending", attempts=0, next_attempt_at=due, created_at=now))
        return "new" if inserted else "seen"

    async def digest_planned(self, secretariat_id: int, week: date) -> bool:
        found = await self._session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.secretariat_id == secretariat_id, OutboxMessage.kind == "digest",
            OutboxMessage.period == week).limit(1))
        return found is not None

    async def last_digest_at(self, secretariat_id: int, before: date) -> datetime | None:
        """When the previous digest (of a week before `before`) was due."""
        return await self._session.scalar(select(func.max(OutboxMessage.due_at)).where(
            OutboxMessage.secretariat_id == secretariat_id, OutboxMessage.kind == "digest",
            OutboxMessage.period < before))

    async def folded_since(self, secretariat_id: int, since: datetime | None) -> int:
        statement = select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.secretariat_id == secretariat_id, OutboxMessage.kind == "reminder",
            OutboxMessage.status == "folded")
        if since is not None:
            statement = statement.where(OutboxMessage.due_at >= since)
        return int(await self._session.scalar(statement) or 0)

    # -- dispatching -----------------------------------------------------------------------------
    async def fold_stale(self, *, now: datetime, catch_up: timedelta, lease: timedelta,
                         digest_catch_up: timedelta = timedelta(days=6)) -> int:
        """Rows too late to send (the bot was down): folded, to be counted in the next digest."""
        total = 0
        for kind, late in (("reminder", catch_up), ("digest", digest_catch_up)):
            claimable = or_(OutboxMessage.status == "pending",
                            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease))
            done = await self._execute(update(OutboxMessage).where(
                OutboxMessage.kind == kind, claimable, OutboxMessage.due_at < now - late,
            ).values(status="folded", claimed_by=None).execution_options(synchronize_session=False))
            total += done.rowcount or 0
        return total

    async def claim(self, worker: str, *, now: datetime, lease: timedelta, limit: int,
                    channels: Sequence[str] | None = None, address: Address | None = None) -> list[OutboxMessage]:
        """Take up to `limit` due rows for `worker`: marked sending, attempts counted. With `channels`,
        only rows addressed on those channels (the ones this process can send on); with `address`,
        only rows to that one address."""
        due = or_(
            and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease),
        )
        statement = select(OutboxMessage).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        if channels is not None:
            statement = statement.where(OutboxMessage.channel.in_(list(channels)))
        if address is not None:
            statement = statement.where(OutboxMessage.channel == address[0], OutboxMessage.address == address[1])
        statement = statement.limit(limit)
        if await dialect_name(self._session) == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        rows = list(await self._session.scalars(statement.execution_options(populate_existing=True)))
        if not rows:
            return []
        for ids in _chunks([r.id for r in rows]):
            await self._execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status="sending", claimed_by=worker, claimed_at=now, attempts=OutboxMessage.attempts + 1,
            ).execution_options(synchronize_session=False))
        for row in rows:
            row.status, row.claimed_by, row.claimed_at, row.attempts = "sending", worker, now, row.attempts + 1
        return rows

    async def claimers(self, prefix: str) -> set[str]:
        """The workers whose name starts with `prefix` that hold rows in `sending`."""
        found = await self._session.scalars(select(OutboxMessage.claimed_by).distinct().where(
            OutboxMessage.status == "sending", OutboxMessage.claimed_by.startswith(prefix, autoescape=True)))
        return {name for name in found if name}

    async def release(self, worker: str) -> int:
        """The rows `worker` (known dead) left in `sending`: pending again, for anyone to claim now."""
        done = await self._execute(update(OutboxMessage).where(
            OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker,
        ).values(status="pending", claimed_by=None, claimed_at=None).execution_options(synchronize_session=False))
        return int(done.rowcount or 0)

    def _mine(self, row_id: int, worker: str) -> Any:
        return and_(OutboxMessage.id == row_id, OutboxMessage.status == "sending",
                    OutboxMessage.claimed_by == worker)

    async def mark_sent(self, row_id: int, worker: str, *, now: datetime) -> bool:
        """False when the row was no longer ours (our lease ran out and another worker took it)."""
        done = await self._execute(update(OutboxMessage).where(self._mine(row_id, worker)).values(
            status="sent", sent_at=now, last_error=None).execution_options(synchronize_session=False))
        return bool(done.rowcount)

    async def mark_all_sent(self, row_ids: Sequence[int], worker: str, *, now: datetime) -> int:
        """`mark_sent` for several rows in one statement; how many were still ours."""
        done = await self._execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(list(row_ids)), OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker,
        ).values(status="sent", sent_at=now, last_error=None).execution_options(synchronize_session=False))
        return int(done.rowcount or 0)

    async def retry_at(self, row_id: int, worker: str, *, when: datetime, error: str, counts: bool = True) -> bool:
        values: dict[str, Any] = dict(status="pending", next_attempt_at=when, last_error=error[:2000],
                                      claimed_by=None, claimed_at=None)
        if not counts:  # flood control is Telegram's pace, not a failure of this row
            values["attempts"] = OutboxMessage.attempts - 1
        done = await self._execute(update(OutboxMessage).where(self._mine(row_id, worker)).values(**values)
                                   .execution_options(synchronize_session=False))
        return bool(done.rowcount)

    async def mark_failed(self, row_id: int, worker: str, *, error: str) -> bool:
        done = await self._execute(update(OutboxMessage).where(self._mine(row_id, worker)).values(
            status="failed", last_error=error[:2000], claimed_by=None).execution_options(synchronize_session=False))
        return bool(done.rowcount)

    async def blocked(self, to: Address) -> None:
        """The address refuses messages (a Telegram chat blocked the bot): the person it belongs to is
        inactive and its pending rows are cancelled."""
        channel, address = to
        owner = select(PersonAddress.person_id).where(PersonAddress.channel == channel,
                                                      PersonAddress.address == address).scalar_subquery()
        await self._execute(update(Person).where(Person.id == owner).values(active=False)
                            .execution_options(synchronize_session=False))
        await self._execute(update(OutboxMessage).where(
            OutboxMessage.channel == channel, OutboxMessage.address == address, OutboxMessage.status == "pending",
        ).values(status="cancelled", last_error="Forbidden").execution_options(synchronize_session=False))

    async def counts(self) -> dict[str, int]:
        """Rows by status (for the command line and the tests)."""
        result = await self._session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {status: int(n) for status, n in result.all()}
