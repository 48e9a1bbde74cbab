"""The plan of a secretariat: commitments, their history, milestones, indicators, reports, sign-offs.

Every lookup by id takes the secretariat too, so nobody reaches another secretariat's rows: a
commitment of another secretariat is simply not found (None). Methods that take a row (a
Commitment, an Indicator) trust that it was found through such a lookup; methods that take a
commitment or indicator id (`milestones`, `reports`, …) expect an id that came from one.

`load` reads the whole plan, or some of its commitments, as flows.plan views (plan_load.py): what
commands, exports, charts, reminders and digests work on.

The rules themselves (due dates, lifecycle moves, quorum, why a change is refused) live in
flows/plan; this module applies them to the rows, raises their refusals (a ui.yaml key and its
values, storage.errors.PlanError) and keeps the history and the audit log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession

from flows.fields import DECLARED, row_change
from flows.plan import lifecycle, refusals, schedule, versions
from flows.plan.readiness import parse_date
from flows.plan.views import CommitmentView, IndicatorView, MilestoneView, PlanView, SignoffView
from storage.columns import utcnow
from storage.errors import Frozen, NothingDue, PeriodTaken, PlanError, QuorumNotMet, SignoffRefused, StaleSignatures
from storage.models import (
    Amendment,
    AuditEntry,
    Commitment,
    CommitmentChange,
    Indicator,
    IndicatorReport,
    Membership,
    Milestone,
    Person,
    Secretariat,
    Signoff,
)
from storage.repositories._sql import dialect_name, flush
from storage.repositories.audit import note_written
from storage.repositories.commitments import Commitments
from storage.repositories.plan_load import load_plan, signoff_view
from storage.repositories.versions import Versions

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Reports of one indicator take turns (see Plan.report); NO KEY UPDATE lets the report rows that only
# point at the indicator be inserted meanwhile. Reloads the indicator as the last holder left it.
_LOCK_INDICATOR = (
    select(Indicator)
    .where(Indicator.id == bindparam("id"))
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)


def commitment_version(commitment: Commitment) -> str:
    """Which version of the commitment someone is shown: it changes whenever the commitment does
    (a field written, a move such as a new review round), so a decision taken on what was shown
    can be checked against what the commitment is now (Plan.sign)."""
    return str((commitment.updated_at - _EPOCH) // timedelta(microseconds=1))


def row_values(record: str, row: Milestone | Indicator) -> dict[str, Any]:
    """A milestone's or indicator's declared fields (flows/fields.py), dates as ISO text."""
    values = {name: getattr(row, name) for name in DECLARED[record]}
    return {name: v.isoformat() if isinstance(v, date) else v for name, v in values.items()}


def _person_id(person: Person | None) -> int | None:
    return person.id if person is not None else None


class Plan:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.versions = Versions(session)

    # -- commitments ---------------------------------------------------------------------------
    async def commitments_of(self, secretariat_id: int) -> list[Commitment]:
        statement = select(Commitment).where(Commitment.secretariat_id == secretariat_id).order_by(Commitment.id)
        return list(await self._session.scalars(statement))

    async def commitment(self, secretariat_id: int, commitment_id: int) -> Commitment | None:
        """The commitment, or None when it does not exist or belongs to another secretariat."""
        statement = select(Commitment).where(
            Commitment.id == commitment_id, Commitment.secretariat_id == secretariat_id
        )
        return await self._session.scalar(statement)

    async def set_fields(self, commitment: Commitment, fields: dict[str, Any], person: Person | None, *,
                         kit: str | None = None, step: str | None = None,
                         seen: Mapping[str, Any] | None = None) -> list[str]:
        """Merge `fields`; one history row per field that changed (Commitments.update_fields).
        Returns the changed names.

        A change to the signed text (any field but the follow-up ones) is refused while the text is
        frozen (Frozen: in review, or approved without an open amendment; see `guard`)."""
        await Commitments(self._session).lock(commitment)
        before = commitment.fields or {}
        if any(name not in versions.FOLLOW_UP_FIELDS and (name not in before or before[name] != value)
               for name, value in fields.items()):
            await self.guard(commitment)
        return await Commitments(self._session).update_fields(commitment, fields, person, kit=kit, step=step,
                                                              seen=seen)

    async def record_row_change(self, commitment: Commitment, record: str, row: Milestone | Indicator,
                                before: Mapping[str, Any], person: Person | None, *, kit: str | None = None,
                                step: str | None = None) -> None:
        """One history row per field of a milestone or indicator that changed (`before`: its values
        before; empty for a new one), named as the history shows it: «hito 3 · fecha»."""
        model = Milestone if record == "milestone" else Indicator
        statement = select(model.id).where(model.commitment_id == commitment.id).order_by(model.id)
        number = list(await self._session.scalars(statement)).index(row.id) + 1
        commitments = Commitments(self._session)
        for name, value in row_values(record, row).items():
            if before.get(name) != value and not (name not in before and value is None):
                commitments.record_change(commitment, row_change(record, number, name), value, person,
                                          kit=kit, step=step)
        await flush(self._session)

    # -- versions ------------------------------------------------------------------------------
    async def coordinators(self, secretariat_id: int) -> str | None:
        """The names of the secretariat's coordination («Ana Ruiz y Luis Pérez»), or None."""
        statement = (select(Person.name).join(Membership, Membership.person_id == Person.id)
                     .where(Membership.secretariat_id == secretariat_id, Membership.role == "coordinator",
                            Person.name.is_not(None))
                     .order_by(Membership.id))
        names = [n for n in await self._session.scalars(statement) if n]
        if not names:
            return None
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " y " + names[-1]

    async def amendment(self, commitment: Commitment) -> Amendment | None:
        """The open amendment, looked up only where one can count (versions.AMENDABLE)."""
        if commitment.status not in versions.AMENDABLE:
            return None
        return await self.versions.open_amendment(commitment.id)

    async def stage(self, commitment: Commitment) -> str:
        """Where the signed text stands: the open amendment's stage, or the commitment's status."""
        amendment = await self.amendment(commitment)
        return versions.stage(commitment.status, amendment.stage if amendment is not None else None)

    async def guard(self, commitment: Commitment) -> None:
        """Frozen (naming who can open it again) unless the signed text may change now. Holds the
        commitment's lock, so it is not sent to review between this check and the write."""
        await Commitments(self._session).lock(commitment)
        if commitment.status == "borrador":
            return
        amendment = await self.amendment(commitment)
        refused = versions.edit_refusal(commitment.status, amendment.stage if amendment is not None else None,
                                        commitment.id, await self.coordinators(commitment.secretariat_id))
        if refused is not None:
            raise Frozen.of(refused)

    async def content(self, commitment: Commitment) -> dict[str, Any]:
        """The commitment's signed text as it reads now (flows/plan/versions.py `snapshot`)."""
        view, milestones, indicators, _ = await self.view(commitment)
        return versions.snapshot(view, milestones, indicators)

    async def _close_round(self, commitment: Commitment, when: datetime) -> tuple[int | None, list[int]]:
        """Return the text in review to draft: its version is closed and the decisions on it stop
        counting (kept as history). The version's number and the people whose decision lapsed."""
        version = await self.versions.open(commitment.id)
        if version is not None:
            version.returned_at = when
        lapsed = await self.versions.lapse(commitment.id, when)
        people = list(dict.fromkeys(s.person_id for s in lapsed if s.person_id is not None))
        return (version.number if version is not None else None), people

    async def _approvable(self, commitment: Commitment) -> Any:
        """The version in review, when every required sector signed it as it reads now; otherwise
        QuorumNotMet or StaleSignatures (who signed another text)."""
        quorum = await self.quorum(commitment)
        if not quorum.met:
            refused = refusals.quorum_refusal(quorum.missing_sectors)
            raise QuorumNotMet(refused.key, refused.params, quorum.missing_sectors)
        version = await self.versions.open(commitment.id)
        counted = await self.signoffs(commitment.id)
        now = versions.digest(await self.content(commitment))
        if version is not None and version.digest == now:
            stale = [s for s in counted if s.version_id != version.id]
        else:  # the text changed since it was sent: every decision is on another text
            stale = counted
        if version is None or stale:
            raise StaleSignatures("plan_refused_stale_signatures", {
                "number": commitment.id, "names": ", ".join(s.name or "—" for s in stale) or None,
                "version": version.number if version is not None else None, "short": versions.short(now),
            })
        return version

    async def open_amendment(self, commitment: Commitment, reason: str, person: Person | None) -> Amendment:
        """Open an amendment (enmienda) of an approved commitment, with its reason: its signed text
        becomes a draft again for the amendment; the signatures of the approved version stay as
        history and stop counting for the new round."""
        await Commitments(self._session).lock(commitment)
        open_now = await self.versions.open_amendment(commitment.id)
        refused = versions.amendment_refusal(commitment.status, open_now.number if open_now else None, reason,
                                             commitment.id)
        if refused is not None:
            raise PlanError.of(refused)
        lapsed = await self.versions.lapse(commitment.id, utcnow())
        approved = await self.versions.approved(commitment.id)
        amendment = await self.versions.add_amendment(commitment.id, reason.strip(), person)
        commitment.updated_at = utcnow()  # a decision shown before is stale now
        await flush(self._session)
        await self.audit(commitment.secretariat_id, person, "amendment_opened", {
            "commitment_id": commitment.id, "amendment": amendment.number, "reason": amendment.reason,
            "status": commitment.status, "version": approved.number if approved is not None else None,
            # whose signature on the approved text stops counting for the new round (told so)
            "lapsed": list(dict.fromkeys(s.person_id for s in lapsed if s.person_id is not None)),
        })
        return amendment

    async def _move_amendment(self, commitment: Commitment, amendment: Amendment, to: str,
                              person: Person | None) -> None:
        """Send the amendment to review, return it to draft, or approve it (the commitment keeps its status)."""
        before = amendment.stage
        versions.amendment_move(before, to, amendment.number, commitment.id)
        now = utcnow()
        detail: dict[str, Any] = {"commitment_id": commitment.id, "amendment": amendment.number, "from": before,
                                  "to": to}
        if to == "en_revision":
            version = await self.versions.make(commitment.id, await self.content(commitment), person, amendment)
            amendment.stage, action = "en_revision", "amendment_sent"
            detail |= {"version": version.number, "digest": versions.short(version.digest)}
        elif to == "borrador":
            number, lapsed = await self._close_round(commitment, now)
            amendment.stage, action = "borrador", "amendment_returned"
            detail |= {"version": number, "lapsed": lapsed}
        else:
            version = await self._approvable(commitment)
            version.approved_at = amendment.approved_at = now
            amendment.stage, action = "aprobada", "amendment_approved"
            detail |= {"version": version.number, "digest": versions.short(version.digest),
                       "reason": amendment.reason}
        self._session.add(commitment)
        commitment.updated_at = now
        await flush(self._session)
        await self.audit(commitment.secretariat_id, person, action, detail)

    async def history(self, commitment_id: int) -> list[CommitmentChange]:
        """Every recorded change of the commitment, oldest first."""
        statement = (
            select(CommitmentChange)
            .where(CommitmentChange.commitment_id == commitment_id)
            .order_by(CommitmentChange.changed_at, CommitmentChange.id)
        )
        return list(await self._session.scalars(statement))

    # -- milestones ----------------------------------------------------------------------------
    async def add_milestone(
        self,
        commitment: Commitment,
        *,
        output: str,
        due_date: date | None,
        responsible: str | None,
        person: Person | None,
    ) -> Milestone:
        await self.guard(commitment)
        milestone = Milestone(
            commitment_id=commitment.id,
            output=output,
            due_date=due_date,
            responsible=responsible,
            created_by=_person_id(person),
        )
        self._session.add(milestone)
        await flush(self._session)
        return milestone

    async def milestones(self, commitment_id: int) -> list[Milestone]:
        statement = (
            select(Milestone)
            .where(Milestone.commitment_id == commitment_id)
            .order_by(Milestone.due_date.is_(None), Milestone.due_date, Milestone.id)
        )
        return list(await self._session.scalars(statement))

    async def milestone(self, secretariat_id: int, milestone_id: int) -> Milestone | None:
        statement = (
            select(Milestone)
            .join(Commitment, Commitment.id == Milestone.commitment_id)
            .where(Milestone.id == milestone_id, Commitment.secretariat_id == secretariat_id)
        )
        return await self._session.scalar(statement)

    async def mark_done(self, milestone: Milestone, person: Person | None, done: bool = True) -> None:
        """Mark a milestone done (or not done again)."""
        self._session.add(milestone)
        if done and milestone.done_at is None:
            milestone.done_at = utcnow()
        elif not done:
            milestone.done_at = None
        await flush(self._session)

    # -- indicators ----------------------------------------------------------------------------
    async def add_indicator(
        self,
        commitment: Commitment,
        *,
        name: str,
        unit: str | None,
        baseline: float | None,
        target: float | None,
        frequency: str,
        first_due: date | None,
        last_due: date | None = None,
        dates: Sequence[date] = (),
        responsible: str | None = None,
        baseline_due: date | None = None,
        person: Person | None,
    ) -> Indicator:
        if frequency not in schedule.FREQUENCIES:
            raise ValueError(f"unknown frequency {frequency!r}; use one of {schedule.FREQUENCIES}")
        await self.guard(commitment)
        indicator = Indicator(
            commitment_id=commitment.id,
            name=name,
            unit=unit,
            baseline=baseline,
            target=target,
            frequency=frequency,
            first_due=first_due,
            last_due=last_due,
            dates=[d.isoformat() for d in sorted(set(dates))],
            responsible=responsible,
            baseline_due=baseline_due,
            created_by=_person_id(person),
        )
        self._session.add(indicator)
        await flush(self._session)
        return indicator

    async def indicators(self, commitment_id: int) -> list[Indicator]:
        statement = select(Indicator).where(Indicator.commitment_id == commitment_id).order_by(Indicator.id)
        return list(await self._session.scalars(statement))

    async def indicator(self, secretariat_id: int, indicator_id: int) -> Indicator | None:
        """The indicator, or None when it does not exist or belongs to another secretariat."""
        statement = (
            select(Indicator)
            .join(Commitment, Commitment.id == Indicator.commitment_id)
            .where(Indicator.id == indicator_id, Commitment.secretariat_id == secretariat_id)
        )
        return await self._session.scalar(statement)

    async def indicators_of(self, secretariat_id: int) -> list[Indicator]:
        statement = (
            select(Indicator)
            .join(Commitment, Commitment.id == Indicator.commitment_id)
            .where(Commitment.secretariat_id == secretariat_id)
            .order_by(Indicator.commitment_id, Indicator.id)
        )
        return list(await self._session.scalars(statement))

    async def due_dates(self, indicator: Indicator) -> list[date]:
        """The indicator's due dates; without its own last date, up to its commitment's end date."""
        commitment = await self._session.get(Commitment, indicator.commitment_id)
        end = parse_date((commitment.fields or {}).get("end_date")) if commitment is not None else None
        dates = [d for d in (parse_date(x) for x in indicator.dates or []) if d is not None]
        return schedule.indicator_due_dates(indicator.frequency, indicator.first_due, indicator.last_due, dates, end)

    async def reports(self, indicator_id: int) -> list[IndicatorReport]:
        statement = (
            select(IndicatorReport)
            .where(IndicatorReport.indicator_id == indicator_id)
            .order_by(IndicatorReport.period_due, IndicatorReport.reported_at, IndicatorReport.id)
        )
        return list(await self._session.scalars(statement))

    async def lock_indicator(self, indicator: Indicator) -> None:
        """Hold the indicator's row until commit: its reports are written one at a time.

        PostgreSQL: SELECT … FOR NO KEY UPDATE, which waits for another report's commit. SQLite:
        nothing to do; every unit of work already holds the database's write lock.
        """
        self._session.add(indicator)
        await flush(self._session)
        if await dialect_name(self._session) != "sqlite":
            await self._session.execute(_LOCK_INDICATOR, {"id": indicator.id})

    async def report(
        self,
        indicator: Indicator,
        *,
        value: float,
        note: str | None,
        evidence_kind: str | None,
        evidence: str | None,
        person: Person | None,
        today: date,
        period: date | None = None,
    ) -> IndicatorReport:
        """Record a value for `period`, the period the person chose; without one, for the period due
        (schedule.period_for).

        A chosen period is kept or refused, never replaced: PeriodTaken (saying who reported it
        and what) when someone reported it first, NothingDue when it is no longer in the
        indicator's calendar or when every period is reported. Reports of one indicator are
        written one at a time (`lock_indicator`); one report per period is also a constraint of
        the table.
        """
        if evidence_kind is not None and evidence_kind not in refusals.EVIDENCE_KINDS:
            raise ValueError(f"unknown evidence kind {evidence_kind!r}; use one of {refusals.EVIDENCE_KINDS}")
        await self.lock_indicator(indicator)
        due = await self.due_dates(indicator)
        earlier = await self.reports(indicator.id)
        reported = [r.period_due for r in earlier]
        taken = next((r for r in earlier if r.period_due == period), None) if period is not None else None
        if taken is not None:
            raise PeriodTaken.of(await self._taken(indicator, taken, value, due, reported))
        chosen = refusals.report_period(indicator.name, due, reported, today, period)
        if isinstance(chosen, refusals.Refused):
            raise NothingDue.of(chosen)
        period = chosen
        row = IndicatorReport(
            indicator_id=indicator.id,
            period_due=period,
            value=value,
            note=note,
            evidence_kind=evidence_kind,
            evidence=evidence,
            person_id=_person_id(person),
        )
        try:
            async with self._session.begin_nested():  # a refused insert leaves the transaction usable
                self._session.add(row)
                await flush(self._session)
        except sa_exc.IntegrityError as exc:  # the table's one report per period, should the lock not hold
            raise PeriodTaken.of(refusals.just_reported(indicator.name, indicator.unit, value, period)) from exc
        commitment = await self._session.get(Commitment, indicator.commitment_id)
        await self.audit(commitment.secretariat_id if commitment else None, person, "indicator_reported", {
            "commitment_id": indicator.commitment_id, "indicator_id": indicator.id, "report_id": row.id,
            "value": value, "period": period.isoformat(), "evidence_kind": evidence_kind,
        })
        return row

    async def _taken(
        self, indicator: Indicator, taken: IndicatorReport, value: float, due: list[date], reported: list[date]
    ) -> refusals.Refused:
        """Who reported the chosen period and what (flows/plan/refusals.py `period_taken`)."""
        reporter = await self._session.get(Person, taken.person_id) if taken.person_id is not None else None
        who = reporter.name if reporter is not None and reporter.name else None
        return refusals.period_taken(indicator.name, indicator.unit, value, who, taken.value, taken.period_due,
                                     due, reported)

    # -- sign-offs -----------------------------------------------------------------------------
    async def signoffs(self, commitment_id: int) -> list[Signoff]:
        """The decisions that count now (lapsed ones are history: versions.signoffs has them all)."""
        statement = (
            select(Signoff).where(Signoff.commitment_id == commitment_id, Signoff.lapsed_at.is_(None))
            .order_by(Signoff.signed_at, Signoff.id)
        )
        return list(await self._session.scalars(statement))

    async def sign(
        self, commitment: Commitment, person: Person, decision: str, reason: str | None, version: str | None = None
    ) -> Signoff:
        """Record the person's decision for their sector; a second decision replaces the first.

        `version` is the commitment_version the person was shown when they chose it (/firmar
        carries it): a decision on a version that is no longer the commitment's (a new review
        round, a field rewritten meanwhile) is refused with the text as it reads now, so nobody
        approves what they never saw. The decision stores the version in review it was taken on.
        """
        if decision not in lifecycle.DECISIONS:
            raise ValueError(f"unknown decision {decision!r}; use one of {lifecycle.DECISIONS}")
        await Commitments(self._session).lock(commitment)
        amendment = await self.amendment(commitment)
        stage = versions.stage(commitment.status, amendment.stage if amendment is not None else None)
        in_review = await self.versions.open(commitment.id) if stage == "en_revision" else None
        changed = None
        if version is not None and version != commitment_version(commitment):
            changed = refusals.changed_since_shown(commitment.id, commitment.title, commitment.fields or {},
                                                   in_review.number if in_review is not None else None)
        refused = refusals.signoff_refusal(stage, person.sector, decision, reason, changed)
        if refused is not None:
            raise SignoffRefused.of(refused)
        if in_review is None:  # sent to review before versions were kept: its version is made now
            in_review = await self.versions.make(commitment.id, await self.content(commitment), None, amendment)
        reason = (reason or "").strip() or None
        statement = select(Signoff).where(Signoff.commitment_id == commitment.id, Signoff.person_id == person.id,
                                          Signoff.lapsed_at.is_(None))
        signoff = await self._session.scalar(statement)
        if signoff is None:
            signoff = Signoff(commitment_id=commitment.id, person_id=person.id)
            self._session.add(signoff)
        signoff.name = person.name
        signoff.sector = person.sector
        signoff.decision = decision
        signoff.reason = reason
        signoff.signed_at = utcnow()
        signoff.version_id = in_review.id
        await flush(self._session)
        await self.audit(
            commitment.secretariat_id, person, "commitment_signed",
            {"commitment_id": commitment.id, "decision": decision, "sector": person.sector,
             "version": in_review.number, "digest": versions.short(in_review.digest),
             "amendment": amendment.number if amendment is not None else None},
        )
        return signoff

    async def quorum(self, commitment: Commitment) -> lifecycle.Quorum:
        """The sign-off quorum of the commitment under its secretariat's rule."""
        secretariat = await self._session.get(Secretariat, commitment.secretariat_id)
        required = lifecycle.required_sectors(secretariat.signoff_sectors if secretariat else None)
        views = [signoff_view(s) for s in await self.signoffs(commitment.id)]
        return lifecycle.quorum(required, views)

    # -- lifecycle -----------------------------------------------------------------------------
    async def move(self, commitment: Commitment, to: str, person: Person | None) -> None:
        """Change the status as the lifecycle allows (LifecycleError otherwise), and audit it.

        Sending to review makes a version of the text (its snapshot and digest). Returning it to
        draft (or cancelling it) in review closes that round: the decisions taken stay as history
        and stop counting; the audit entry lists whose lapsed. Approval needs the quorum
        (QuorumNotMet) with every counted decision on the text in review as it reads now
        (StaleSignatures), and stamps `approved_at` on the commitment and its version.
        With an amendment open, review, return to draft and approval are the amendment's.
        """
        await Commitments(self._session).lock(commitment)  # the status as it is now, not as first read
        amendment = await self.amendment(commitment)
        if amendment is not None and to in ("en_revision", "borrador", "aprobado"):
            await self._move_amendment(commitment, amendment, to, person)
            return
        before = commitment.status
        lifecycle.move(before, to)
        now = utcnow()
        detail: dict[str, Any] = {"commitment_id": commitment.id, "from": before, "to": to}
        if to == "aprobado":
            version = await self._approvable(commitment)
            commitment.approved_at = version.approved_at = now
            detail |= {"version": version.number, "digest": versions.short(version.digest)}
        if to == "en_revision":
            await self.versions.lapse(commitment.id, now)  # nothing should count here; a new round starts
            version = await self.versions.make(commitment.id, await self.content(commitment), person)
            detail |= {"version": version.number, "digest": versions.short(version.digest)}
        if before == "en_revision" and to != "aprobado":
            number, lapsed = await self._close_round(commitment, now)
            detail |= {"version": number, "lapsed": lapsed}
        self._session.add(commitment)
        commitment.status = to
        commitment.updated_at = now
        await flush(self._session)
        await self.audit(commitment.secretariat_id, person, "commitment_status", detail)

    async def set_completion(self, commitment: Commitment, level: str, person: Person | None) -> None:
        """Set the IRM completion level (no_iniciado, limitado, sustancial, completo), audited."""
        if level not in lifecycle.IRM_COMPLETION:
            raise ValueError(f"unknown IRM completion {level!r}")
        await Commitments(self._session).lock(commitment)
        before = commitment.irm_completion
        commitment.irm_completion = level
        commitment.updated_at = utcnow()
        await flush(self._session)
        await self.audit(
            commitment.secretariat_id, person, "commitment_completion",
            {"commitment_id": commitment.id, "from": before, "to": level},
        )

    async def audit(
        self, secretariat_id: int | None, person: Person | None, action: str, detail: dict[str, Any]
    ) -> AuditEntry:
        """Record what `person` did; a plan event (bot/notices tells the people concerned of it)."""
        entry = AuditEntry(secretariat_id=secretariat_id, person_id=_person_id(person), action=action, detail=detail)
        self._session.add(entry)
        await flush(self._session)
        note_written(self._session, entry)
        return entry

    async def audit_log(self, secretariat_id: int) -> list[AuditEntry]:
        statement = (
            select(AuditEntry).where(AuditEntry.secretariat_id == secretariat_id).order_by(AuditEntry.at, AuditEntry.id)
        )
        return list(await self._session.scalars(statement))

    # -- views ---------------------------------------------------------------------------------
    async def load(self, secretariat_id: int, commitment_ids: Collection[int] | None = None) -> PlanView | None:
        """The secretariat's plan as flows.plan views (only `commitment_ids` when given); None when
        there is no such secretariat. See storage/repositories/plan_load.py."""
        return await load_plan(self._session, secretariat_id, commitment_ids)

    async def view(
        self, commitment: Commitment
    ) -> tuple[CommitmentView, list[MilestoneView], list[IndicatorView], list[SignoffView]]:
        """The commitment and everything under it, as the pure views flows/plan works on."""
        plan = await self.load(commitment.secretariat_id, [commitment.id])
        found = next(c for c in plan.commitments) if plan is not None and plan.commitments else None
        if found is None:
            raise LookupError(f"commitment {commitment.id} is not in secretariat {commitment.secretariat_id}")
        return found, list(found.milestones), list(found.indicators), list(found.signoffs)
