"""The tables. Schema changes go through Alembic: update storage/migrations/versions too.

No relationships are mapped: with asyncio a lazy load would fail at run time, so repositories
query what they need explicitly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.columns import UTCDateTime, utcnow

# Named constraints let Alembic alter them later (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KINDS = ("stl", "mesa")
ROLES = ("member", "coordinator")
RUN_STATUSES = ("active", "paused", "done")
DEFAULT_TIMEZONE = "America/Mexico_City"
# The lifecycle of a commitment (flows/plan decides which moves are allowed).
COMMITMENT_STATUSES = ("borrador", "en_revision", "aprobado", "en_implementacion", "concluido", "cancelado")
IRM_COMPLETION = ("no_iniciado", "limitado", "sustancial", "completo")
FREQUENCIES = ("unica", "mensual", "bimestral", "trimestral", "semestral", "anual", "fechas")
DECISIONS = ("aprueba", "disiente")
DEFAULT_SIGNOFF_SECTORS = "gobierno,sociedad_civil"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, server_default=text("CURRENT_TIMESTAMP"))


class Secretariat(Base):
    """An STL or a mesa técnica: the group that co-creates one plan."""

    __tablename__ = "secretariats"
    __table_args__ = (CheckConstraint("kind IN ('stl', 'mesa')", name="kind"),)
    __mapper_args__ = {"eager_defaults": False}  # see data_controller

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(8), default="stl", server_default="stl")
    territory: Mapped[str | None] = mapped_column(String)
    timezone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIMEZONE, server_default=DEFAULT_TIMEZONE
    )
    digest_schedule: Mapped[str | None] = mapped_column(String(100))
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # Approval needs one sign-off from a member of each of these sectors.
    # Comma-separated sector ids, e.g. "gobierno,sociedad_civil".
    signoff_sectors: Mapped[str] = mapped_column(
        String(200), default=DEFAULT_SIGNOFF_SECTORS, server_default=DEFAULT_SIGNOFF_SECTORS
    )
    quiet_hours: Mapped[str] = mapped_column(String(11), default="09:00-19:00", server_default="09:00-19:00")
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=14, server_default=text("14"))
    # Who is responsible for the members' personal data, as the privacy notice names it
    # («la Contraloría del Estado»); empty: the notice says «la coordinación de <name>». A server
    # default that inserts leave out and do not fetch back (eager_defaults off): read it with
    # `Secretariats.data_controller`, never as an attribute of a row just inserted.
    data_controller: Mapped[str] = mapped_column(String(200), server_default=text("''"))
    created_at: Mapped[datetime] = _created()


class Person(Base):
    """Someone who talks to Cocrea; `key` is the channel identity ('tg:12345', 'cli:ana')."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str | None] = mapped_column(String)
    sector: Mapped[str | None] = mapped_column(String(100))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = _created()


class PersonAddress(Base):
    """Where a person can be reached: `(channel, address)`, e.g. ('telegram', '123'), ('terminal', 'ana').

    Written when the person first writes from it (storage/repositories/addresses.py); the outbox
    targets one of them. An address belongs to one person; a person may have several.
    """

    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = _created()
    last_used_at: Mapped[datetime] = _created()


class Membership(Base):
    """A person's role in one secretariat; `acting` marks the one they work in (/secretariado).

    At most one acting membership a person; with none marked, they act in the one joined first.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("person_id", "secretariat_id"),
        CheckConstraint("role IN ('member', 'coordinator')", name="role"),
        Index("uq_memberships_person_acting", "person_id", unique=True,
              sqlite_where=text("acting"), postgresql_where=text("acting")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    secretariat_id: Mapped[int] = mapped_column(
        ForeignKey("secretariats.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    acting: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joined_at: Mapped[datetime] = _created()


class Invite(Base):
    """An invitation code; only its SHA-256 is stored, so a leaked database leaks no codes."""

    __tablename__ = "invites"
    __table_args__ = (CheckConstraint("role IN ('member', 'coordinator')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secretariat_id: Mapped[int] = mapped_column(
        ForeignKey("secretariats.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    uses_left: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()


class RasaLink(Base):
    """A Rasa sender linked to a person, through a one-time code the person asked for on Telegram.

    A row starts as a code waiting to be used (only its SHA-256 is kept, like invites); using it
    sets `linked_at` once and then `sender`. A sender speaks for at most one person; a person may
    link several senders (a web widget, another Rasa channel).
    """

    __tablename__ = "rasa_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sender: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = _created()


class Commitment(Base):
    """A compromiso of the plan; the kits fill its `fields` over time (one record, many kits)."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secretariat_id: Mapped[int] = mapped_column(ForeignKey("secretariats.id"), index=True)
    title: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(32), default="borrador", server_default="borrador")
    irm_completion: Mapped[str] = mapped_column(
        String(16), default="no_iniciado", server_default="no_iniciado"
    )
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )


class CommitmentChange(Base):
    """One field of a commitment (or of one of its milestones or indicators: «hito 3 · fecha») changed by
    one person: who wrote what, when, and through which kit and step (None when not through a kit)."""

    __tablename__ = "commitment_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = _created()
    kit: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))


class Signoff(Base):
    """A member's decision on a commitment in review, on behalf of their sector."""

    __tablename__ = "signoffs"
    __table_args__ = (
        # One decision a person counts in the current round; lapsed ones stay as history.
        Index("uq_signoffs_commitment_id_person_id", "commitment_id", "person_id", unique=True,
              sqlite_where=text("lapsed_at IS NULL"), postgresql_where=text("lapsed_at IS NULL")),
        CheckConstraint("decision IN ('aprueba', 'disiente')", name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String)  # as it was when they signed
    sector: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime] = _created()
    # The version (the text sent to review) this decision was taken on; None before versions existed.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("commitment_versions.id", ondelete="SET NULL"))
    # When the decision stopped counting: the round closed (returned to draft) or an amendment opened.
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CommitmentVersion(Base):
    """One text of a commitment sent to review: its number, digest and snapshot (flows/plan/versions.py),
    and what became of it (returned to draft, or approved)."""

    __tablename__ = "commitment_versions"
    __table_args__ = (UniqueConstraint("commitment_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # «versión 3»: the third text sent to review
    digest: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment_amendments.id", ondelete="SET NULL"))
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = _created()
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Amendment(Base):
    """An enmienda: a change to an approved commitment, opened with its reason, then edited, sent to
    review, signed and approved like the original (`stage`: borrador, en_revision, aprobada)."""

    __tablename__ = "commitment_amendments"
    __table_args__ = (
        UniqueConstraint("commitment_id", "number"),
        CheckConstraint("stage IN ('borrador', 'en_revision', 'aprobada')", name="stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # «enmienda 1»
    reason: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(16), default="borrador", server_default="borrador")
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = _created()
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Milestone(Base):
    """A hito: a verifiable output, a due date and who answers for it."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    output: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str | None] = mapped_column(String)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()


class Indicator(Base):
    """How progress is measured: from `baseline` towards `target`, reported at each due date."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(
            "frequency IN ('unica', 'mensual', 'bimestral', 'trimestral', 'semestral', 'anual', 'fechas')",
            name="frequency",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String)
    unit: Mapped[str | None] = mapped_column(String(100))
    baseline: Mapped[float | None] = mapped_column(Float)
    # No baseline yet («pendiente de medir»): the date the group agreed to measure it (migration 0014).
    baseline_due: Mapped[date | None] = mapped_column(Date)
    target: Mapped[float | None] = mapped_column(Float)
    frequency: Mapped[str] = mapped_column(String(16), default="trimestral", server_default="trimestral")
    first_due: Mapped[date | None] = mapped_column(Date)
    last_due: Mapped[date | None] = mapped_column(Date)  # default: the commitment's end date
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates when frequency is 'fechas'
    responsible: Mapped[str | None] = mapped_column(String)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()


class IndicatorReport(Base):
    """A value reported for one due period of an indicator, with its note and evidence.

    One report per period: a second one for the same period is refused (migration 0004)."""

    __tablename__ = "indicator_reports"
    __table_args__ = (UniqueConstraint("indicator_id", "period_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period_due: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_kind: Mapped[str | None] = mapped_column(String(16))  # photo | document | link
    evidence: Mapped[str | None] = mapped_column(Text)  # a Telegram file id or a URL
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = _created()


class AuditEntry(Base):
    """Who did what that matters: invites, reviews, approvals, exports, deletions."""

    __tablename__ = "audit_log"
    # Counting one person's recent actions (wrong invite codes) stays cheap as the log grows.
    __table_args__ = (Index("ix_audit_log_person_action_at", "person_id", "action", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secretariat_id: Mapped[int | None] = mapped_column(
        ForeignKey("secretariats.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = _created()


class FlowRun(Base):
    """One person's progress through one flow; `state` is RunState.to_json().

    `lock_version` is bumped by every UPDATE, which only succeeds if nobody bumped it first.
    """

    __tablename__ = "flow_runs"
    __table_args__ = (
        Index("ix_flow_runs_person_status_updated", "person_id", "status", "updated_at"),
        CheckConstraint("status IN ('active', 'paused', 'done')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    secretariat_id: Mapped[int | None] = mapped_column(
        ForeignKey("secretariats.id", ondelete="SET NULL")
    )
    flow_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="SET NULL")
    )
    lock_version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    started_at: Mapped[datetime] = _created()
    # When the person last moved in this run (Runs.save); pausing it from elsewhere does not count.
    updated_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": lock_version}


class ContentVersion(Base):
    """A version of a flow file that the bot loaded once (at start-up or by a reload)."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("flow_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(200), default="")
    loaded_at: Mapped[datetime] = _created()


class ProcessedUpdate(Base):
    """An update id already handled, so a redelivered webhook or poll is answered only once."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = _created()


COMMENT_STATUSES = ("abierto", "incorporado", "respondido")


class Comment(Base):
    """A member's comment on a commitment of their secretariat, or a reply to one (`reply_to`).

    Coordination marks it «incorporado» (`change_id`: the commitment_changes row that took it in)
    or «respondido». `name` is the author's name as it was when they wrote.
    """

    __tablename__ = "comments"
    __table_args__ = (CheckConstraint("status IN ('abierto', 'incorporado', 'respondido')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secretariat_id: Mapped[int] = mapped_column(ForeignKey("secretariats.id", ondelete="CASCADE"))
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    reply_to: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="abierto", server_default="abierto")
    change_id: Mapped[int | None] = mapped_column(ForeignKey("commitment_changes.id", ondelete="SET NULL"))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created()


class NoticeMute(Base):
    """A kind of notice a person chose not to receive (/avisos)."""

    __tablename__ = "notice_mutes"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = _created()


OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "cancelled", "folded")
OUTBOX_KINDS = ("reminder", "digest", "broadcast", "notice")


class OutboxMessage(Base):
    """A message for someone else's chat (a reminder, a digest, a /difundir broadcast), sent by
    whichever worker claims it.

    `key` is unique per recipient, item, period and rule, so planning twice inserts nothing new.
    `status`: pending → sending (claimed) → sent; or failed (no retry left), cancelled (the plan
    no longer wants it: reported, done, moved), folded (too late to send: shown in the next digest).
    A row left in `sending` by a worker that died is claimed again after the lease runs out.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_outbox_channel_address", "channel", "address"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'folded')", name="status"
        ),
        CheckConstraint("kind IN ('reminder', 'digest', 'broadcast', 'notice')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    secretariat_id: Mapped[int] = mapped_column(ForeignKey("secretariats.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(32))  # the address it goes to: ('telegram', '-100…')
    address: Mapped[str] = mapped_column(String(255))
    item_kind: Mapped[str] = mapped_column(String(16))  # indicator | milestone | digest | broadcast
    item_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[date | None] = mapped_column(Date)  # the due date (reminders) or the week (digests)
    rule: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)  # the message, rendered when planned
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)  # a PNG chart (digests), a document (notices)
    attachment_name: Mapped[str | None] = mapped_column(String(100))  # a document's file name; None: the chart
    buttons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # [{label, step_id, value}]: «Firmar»
    events: Mapped[list[int] | None] = mapped_column(JSON)  # the audit entries a notice tells (joined once)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created()



class SecretariatPlanning(Base):
    """Whether a secretariat's reminders need planning: `dirty` (something they are made of changed;
    set with `version` by the triggers of migration 0010, in the changing transaction) or `plan_at`
    (its planning horizon moves then). `claimed_by`/`lease_until`: the process planning it now."""

    __tablename__ = "secretariat_planning"
    __table_args__ = (
        Index("ix_secretariat_planning_dirty", "secretariat_id", sqlite_where=text("dirty"),
              postgresql_where=text("dirty")),
        Index("ix_secretariat_planning_plan_at", "plan_at"),
        Index("ix_secretariat_planning_lease_until", "lease_until"),
    )

    secretariat_id: Mapped[int] = mapped_column(
        ForeignKey("secretariats.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    plan_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanningRules(Base):
    """One row: the reminder rules and texts (a hash) the last planning pass used, and the latest clock
    a pass planned at; when the rules change, or a pass plans at an earlier clock (`cocrea reminders
    tick --now` tried a later date), every secretariat is planned again."""

    __tablename__ = "planning_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_key: Mapped[str] = mapped_column(String(64))
    clock: Mapped[datetime | None] = mapped_column(UTCDateTime())


__all__ = [
    "COMMITMENT_STATUSES",
    "DECISIONS",
    "DEFAULT_SIGNOFF_SECTORS",
    "DEFAULT_TIMEZONE",
    "FREQUENCIES",
    "IRM_COMPLETION",
    "KINDS",
    "OUTBOX_KINDS",
    "OUTBOX_STATUSES",
    "ROLES",
    "RUN_STATUSES",
    "Amendment",
    "COMMENT_STATUSES",
    "AuditEntry",
    "Base",
    "Comment",
    "Commitment",
    "CommitmentChange",
    "CommitmentVersion",
    "ContentVersion",
    "FlowRun",
    "Indicator",
    "IndicatorReport",
    "Invite",
    "Membership",
    "Milestone",
    "NoticeMute",
    "OutboxMessage",
    "Person",
    "PersonAddress",
    "PlanningRules",
    "ProcessedUpdate",
    "Secretariat",
    "SecretariatPlanning",
    "Signoff",
]
