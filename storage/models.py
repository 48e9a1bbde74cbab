"""The tables. Schema changes go through Alembic: update storage/migrations/versions too.

No relationships are mapped: with asyncio a lazy load would fail at run time, so repositories
query what they need explicitly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, server_default=text("CURRENT_TIMESTAMP"))


class Secretariat(Base):
    """An STL or a mesa técnica: the group that co-creates one plan."""

    __tablename__ = "secretariats"
    __table_args__ = (CheckConstraint("kind IN ('stl', 'mesa')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(8), default="stl", server_default="stl")
    territory: Mapped[str | None] = mapped_column(String)
    timezone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIMEZONE, server_default=DEFAULT_TIMEZONE
    )
    digest_schedule: Mapped[str | None] = mapped_column(String(100))
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger)
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


class Membership(Base):
    """A person's role in one secretariat."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("person_id", "secretariat_id"),
        CheckConstraint("role IN ('member', 'coordinator')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    secretariat_id: Mapped[int] = mapped_column(
        ForeignKey("secretariats.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    joined_at: Mapped[datetime] = _created()


class Commitment(Base):
    """A compromiso of the plan; the kits fill its `fields` over time (one record, many kits)."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secretariat_id: Mapped[int] = mapped_column(ForeignKey("secretariats.id"), index=True)
    title: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(32), default="borrador", server_default="borrador")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )


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


class ProcessedUpdate(Base):
    """An update id already handled, so a redelivered webhook or poll is answered only once."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = _created()


__all__ = [
    "DEFAULT_TIMEZONE",
    "KINDS",
    "ROLES",
    "RUN_STATUSES",
    "Base",
    "Commitment",
    "FlowRun",
    "Membership",
    "Person",
    "ProcessedUpdate",
    "Secretariat",
]
