"""Planning that costs what changed: `secretariat_planning`, one row a secretariat, marked by triggers.

A change to anything a secretariat's reminders are made of bumps its `version` and sets `dirty`,
in the same transaction as the change, from database triggers (the reasons: storage/repositories/
planning.py). Tables and what marks:

    secretariats         an update (its name, time zone, quiet hours, digest schedule, group)
    commitments          insert, update, delete (status, dates, title)
    milestones           insert, update, delete (through their commitment)
    indicators           insert, update, delete (through their commitment)
    indicator_reports    insert, update, delete (through indicator and commitment)
    memberships          insert, update, delete
    people               an update of name or active (every secretariat they are a member of)
    addresses            insert, delete; an update that moves it to someone else, or changes which
                         of a person's several addresses was used last

A new secretariat gets its row (dirty) from a trigger too; existing ones are backfilled dirty,
so the first pass after the upgrade plans everything once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

_MARK = "UPDATE secretariat_planning SET version = version + 1, dirty = TRUE WHERE secretariat_id {where}"

# How each table names the secretariats a row of it belongs to ({r}: NEW or OLD).
_OWNER = {
    "commitments": "= {r}.secretariat_id",
    "milestones": "= (SELECT secretariat_id FROM commitments WHERE id = {r}.commitment_id)",
    "indicators": "= (SELECT secretariat_id FROM commitments WHERE id = {r}.commitment_id)",
    "indicator_reports": ("= (SELECT c.secretariat_id FROM indicators i JOIN commitments c ON c.id = i.commitment_id"
                          " WHERE i.id = {r}.indicator_id)"),
    "memberships": "= {r}.secretariat_id",
    "people": "IN (SELECT secretariat_id FROM memberships WHERE person_id = {r}.id)",
    "addresses": "IN (SELECT secretariat_id FROM memberships WHERE person_id = {r}.person_id)",
    "secretariats": "= {r}.id",
}
_EVERY_CHANGE = ("commitments", "milestones", "indicators", "indicator_reports", "memberships", "addresses")
# Updates that matter; any other column of theirs feeds no reminder (an address's last use matters
# only when the person has another address to choose from).
_PEOPLE_WHEN = "OLD.name IS DISTINCT FROM NEW.name OR OLD.active IS DISTINCT FROM NEW.active"
_ADDRESS_WHEN = ("OLD.person_id <> NEW.person_id OR OLD.channel <> NEW.channel OR OLD.address <> NEW.address"
                 " OR EXISTS (SELECT 1 FROM addresses other WHERE other.person_id = NEW.person_id"
                 " AND other.id <> NEW.id)")
_NEW_ROW = "INSERT INTO secretariat_planning (secretariat_id, version, dirty) VALUES (NEW.id, 0, TRUE)"


def mark(table: str, row: str) -> str:
    return _MARK.format(where=_OWNER[table].format(r=row))


def _sqlite_triggers() -> list[str]:
    found = []
    for table in _EVERY_CHANGE:
        found.append(f"CREATE TRIGGER plan_mark_{table}_ins AFTER INSERT ON {table} BEGIN {mark(table, 'NEW')}; END")
        found.append(f"CREATE TRIGGER plan_mark_{table}_del AFTER DELETE ON {table} BEGIN {mark(table, 'OLD')}; END")
    for table, when in (("commitments", None), ("milestones", None), ("indicators", None),
                        ("indicator_reports", None), ("memberships", None), ("people", _PEOPLE_WHEN),
                        ("addresses", _ADDRESS_WHEN), ("secretariats", None)):
        condition = f" WHEN {when.replace('IS DISTINCT FROM', 'IS NOT')}" if when else ""
        found.append(f"CREATE TRIGGER plan_mark_{table}_upd AFTER UPDATE ON {table} FOR EACH ROW{condition}"
                     f" BEGIN {mark(table, 'OLD')}; {mark(table, 'NEW')}; END")
    found.append(f"CREATE TRIGGER plan_new_secretariat AFTER INSERT ON secretariats BEGIN {_NEW_ROW}; END")
    return found


def _sqlite_names() -> list[str]:
    names = [f"plan_mark_{t}_{op_}" for t in _EVERY_CHANGE for op_ in ("ins", "del")]
    names += [f"plan_mark_{t}_upd" for t in _OWNER]
    return names + ["plan_new_secretariat"]


def _pg_function(table: str, when: str | None) -> str:
    guard = f"IF TG_OP = 'UPDATE' AND NOT ({when}) THEN RETURN NULL; END IF;" if when else ""
    return (f"CREATE FUNCTION plan_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {guard}"
            f" IF TG_OP <> 'INSERT' THEN {mark(table, 'OLD')}; END IF;"
            f" IF TG_OP <> 'DELETE' THEN {mark(table, 'NEW')}; END IF;"
            " RETURN NULL; END $$")


def _pg_statements() -> list[str]:
    found = []
    for table in _OWNER:
        when = {"people": _PEOPLE_WHEN, "addresses": _ADDRESS_WHEN}.get(table)
        found.append(_pg_function(table, when))
        events = "INSERT OR UPDATE OR DELETE" if table in _EVERY_CHANGE else "UPDATE"
        found.append(f"CREATE TRIGGER plan_mark_{table} AFTER {events} ON {table}"
                     f" FOR EACH ROW EXECUTE FUNCTION plan_mark_{table}()")
    found.append("CREATE FUNCTION plan_new_secretariat() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 f" {_NEW_ROW}; RETURN NULL; END $$")
    found.append("CREATE TRIGGER plan_new_secretariat AFTER INSERT ON secretariats"
                 " FOR EACH ROW EXECUTE FUNCTION plan_new_secretariat()")
    return found


def upgrade() -> None:
    op.create_table(
        "secretariat_planning",
        sa.Column("secretariat_id", sa.Integer(), sa.ForeignKey("secretariats.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("dirty", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("plan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_secretariat_planning_dirty", "secretariat_planning", ["secretariat_id"],
                    sqlite_where=sa.text("dirty"), postgresql_where=sa.text("dirty"))
    op.create_index("ix_secretariat_planning_plan_at", "secretariat_planning", ["plan_at"])
    op.create_index("ix_secretariat_planning_lease_until", "secretariat_planning", ["lease_until"])
    op.create_table(
        "planning_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_key", sa.String(64), nullable=False),
        sa.Column("clock", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute("INSERT INTO secretariat_planning (secretariat_id, version, dirty) SELECT id, 0, TRUE FROM secretariats")
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _pg_statements() if postgres else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _OWNER:
            op.execute(f"DROP TRIGGER IF EXISTS plan_mark_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS plan_mark_{table}()")
        op.execute("DROP TRIGGER IF EXISTS plan_new_secretariat ON secretariats")
        op.execute("DROP FUNCTION IF EXISTS plan_new_secretariat()")
    else:
        for name in _sqlite_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("planning_rules")
    op.drop_index("ix_secretariat_planning_lease_until", table_name="secretariat_planning")
    op.drop_index("ix_secretariat_planning_plan_at", table_name="secretariat_planning")
    op.drop_index("ix_secretariat_planning_dirty", table_name="secretariat_planning")
    op.drop_table("secretariat_planning")
