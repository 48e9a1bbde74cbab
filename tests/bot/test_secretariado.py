"""A person in two secretariats (a civil-society organisation in a municipal and a state STL)
picks where they act with /secretariado; everything afterwards acts there, through the loop."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.conversation import Conversation
from flows.inputs import Command, Tap
from flows.loader import load_checked
from storage import UnitOfWork
from storage.models import FlowRun, Membership
from tests.bot.conftest import ChatRunner
from tests.bot.plan_seed import Seeded, seed_plan
from tests.bot.test_conversation import Member

CONTENT = load_checked()
LUCIA = "tg:10"
ANA = "tg:ana-STL Xalapa"  # seed_plan's coordinator of STL Xalapa, in no other secretariat
CONSENTED = datetime(2026, 1, 1, tzinfo=UTC)
XALAPA, VERACRUZ = "Agua con horarios públicos (STL Xalapa)", "Agua con horarios públicos (STL Veracruz)"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("sessions" if request.param == "sqlite" else "pg_sessions")


@pytest.fixture
async def two(db: Any) -> tuple[Seeded, Seeded]:
    """STL Xalapa (joined first) and STL Veracruz, each with its plan; Lucía coordinates in both."""
    xalapa, veracruz = await seed_plan(db, "STL Xalapa", prefix="tg"), await seed_plan(db, "STL Veracruz", prefix="tg")
    async with UnitOfWork(db) as uow:
        lucia = await uow.people.create(LUCIA, name="Lucía")
        lucia.sector, lucia.consent_at = "sociedad_civil", CONSENTED
        for seeded in (xalapa, veracruz):
            secretariat = await uow.secretariats.get(seeded.secretariat_id)
            assert secretariat is not None
            await uow.memberships.add(lucia, secretariat, "coordinator")
    return xalapa, veracruz


@pytest.fixture
def lucia(db: Any) -> Member:
    return Member(Conversation(lambda: CONTENT, db), LUCIA)


async def consented(db: Any, key: str) -> None:
    async with UnitOfWork(db) as uow:
        person = await uow.people.get(key)
        assert person is not None
        person.consent_at = CONSENTED


async def acting(db: Any) -> list[int]:
    async with UnitOfWork(db) as uow:
        person = await uow.people.get(LUCIA)
        assert person is not None
        return list(await uow.session.scalars(select(Membership.secretariat_id).where(
            Membership.person_id == person.id, Membership.acting)))


async def test_a_button_per_secretariat_switches_and_is_remembered(
        db: Any, two: tuple[Seeded, Seeded], lucia: Member) -> None:
    xalapa, veracruz = two
    said = await lucia.send("/secretariado")
    assert "Ahora trabajas en «STL Xalapa»" in said
    assert [b.label for b in lucia.reply.messages[-1].buttons] == ["STL Xalapa ✓", "STL Veracruz"]
    said = await lucia.tap("STL Veracruz")
    assert "Listo: ahora trabajas en «STL Veracruz»" in said
    assert await acting(db) == [veracruz.secretariat_id]
    said = await lucia.send("/compromisos")  # a new update, a new unit of work: remembered
    assert VERACRUZ in said and XALAPA not in said
    said = await lucia.send(Command("secretariado", "1"))  # by its number in the list
    assert "ahora trabajas en «STL Xalapa»" in said
    said = await lucia.send(Command("secretariado", "stl veracruz"))  # by its name, case and accents aside
    assert "ahora trabajas en «STL Veracruz»" in said
    said = await lucia.send(Command("secretariado", "STL Veracruz"))
    assert "Ya trabajas en «STL Veracruz»; no cambié nada." in said


async def test_a_forged_or_unknown_choice_is_refused_and_changes_nothing(
        db: Any, two: tuple[Seeded, Seeded], lucia: Member) -> None:
    xalapa, _ = two
    other = await seed_plan(db, "STL Ajena", prefix="tg")  # she does not belong to it
    said = await lucia.send(Tap(f"#{other.secretariat_id}", "/secretariado"))
    assert "Ese botón es de un secretariado del que no formas parte" in said and "no cambié nada" in said
    said = await lucia.send(Tap("#no-es-un-número", "/secretariado"))
    assert "no formas parte" in said
    said = await lucia.send(Command("secretariado", "7"))
    assert "No encontré «7» entre tus secretariados, así que no cambié nada." in said
    assert [b.label for b in lucia.reply.messages[-1].buttons] == ["STL Xalapa ✓", "STL Veracruz"]
    said = await lucia.send(Command("secretariado", "STL Ajena"))
    assert "No encontré «STL Ajena»" in said
    assert await acting(db) == [xalapa.secretariat_id]  # the first joined, as before
    said = await lucia.send("/compromisos")
    assert XALAPA in said and "STL Ajena" not in said


async def test_with_one_secretariat_it_is_named_and_ayuda_stays_short(db: Any, two: tuple[Seeded, Seeded]) -> None:
    xalapa, _ = two
    await consented(db, ANA)
    ana = Member(Conversation(lambda: CONTENT, db), ANA)
    said = await ana.send("/secretariado")
    assert said == "Trabajas en «STL Xalapa», el único secretariado del que formas parte."
    assert "Trabajas en" not in await ana.send("/ayuda")
    assert "📍" not in await ana.send(Command("continuar", "5"))


async def test_ayuda_and_a_kits_first_message_name_the_acting_secretariat(
        db: Any, two: tuple[Seeded, Seeded], lucia: Member) -> None:
    _, veracruz = two
    said = await lucia.send("/ayuda")
    assert "📍 Trabajas en «STL Xalapa» (formas parte de 2 secretariados). Para cambiar, usa /secretariado." in said
    await lucia.send(Command("secretariado", "2"))
    assert "Trabajas en «STL Veracruz»" in await lucia.send("/ayuda")
    said = await lucia.send(Command("continuar", "5"))
    assert lucia.reply.messages[0].text.startswith("📍 Trabajas en: STL Veracruz\n\n")
    async with UnitOfWork(db) as uow:
        runs = list(await uow.session.scalars(select(FlowRun).where(FlowRun.flow_id == "kit5")))
    assert [r.secretariat_id for r in runs] == [veracruz.secretariat_id]


async def test_a_kit_keeps_its_secretariat_and_continuar_says_where_it_is(
        db: Any, two: tuple[Seeded, Seeded], lucia: Member) -> None:
    xalapa, veracruz = two
    await lucia.send(Command("continuar", "5"))  # Kit 5 in STL Xalapa, on screen
    said = await lucia.send(Command("secretariado", "2"))
    assert "ahora trabajas en «STL Veracruz»" in said
    assert "quedó guardado en «STL Xalapa»" in said
    said = await lucia.send("/continuar")
    assert "es de «STL Xalapa» y ahora trabajas en «STL Veracruz», así que no lo abrí aquí" in said
    assert "/secretariado" in said
    said = await lucia.send(Command("continuar", "5"))  # the same: it does not open the other one here
    assert "no lo abrí aquí" in said
    async with UnitOfWork(db) as uow:
        runs = list(await uow.session.scalars(select(FlowRun).where(FlowRun.flow_id == "kit5")))
    assert [(r.secretariat_id, r.status) for r in runs] == [(xalapa.secretariat_id, "paused")]
    await lucia.send(Command("secretariado", "1"))
    said = await lucia.send("/continuar")
    assert lucia.reply.messages[0].text.startswith("📍 Trabajas en: STL Xalapa")
    assert "no lo abrí" not in said
    async with UnitOfWork(db) as uow:
        runs = list(await uow.session.scalars(select(FlowRun).where(FlowRun.flow_id == "kit5")))
    assert [(r.secretariat_id, r.status) for r in runs] == [(xalapa.secretariat_id, "active")]
    assert veracruz.secretariat_id not in [r.secretariat_id for r in runs]


async def test_nobody_sees_the_other_secretariats_data_after_switching(
        db: Any, two: tuple[Seeded, Seeded], lucia: Member) -> None:
    xalapa, veracruz = two
    for which, mine, theirs, seeded, other in (("1", XALAPA, VERACRUZ, xalapa, veracruz),
                                               ("2", VERACRUZ, XALAPA, veracruz, xalapa)):
        await lucia.send(Command("secretariado", which))
        said = await lucia.send("/compromisos")
        assert mine in said and theirs not in said
        said = await lucia.send("/indicadores")
        name = mine.rsplit("(", 1)[1].rstrip(")")
        assert name in said and theirs.rsplit("(", 1)[1].rstrip(")") not in said
        said = await lucia.send("/grafica")
        assert f"compromiso {seeded.commitment_ids[0]}," in said
        assert f"compromiso {other.commitment_ids[0]}," not in said
        said = await lucia.send(Command("grafica", str(other.indicator_ids[0])))
        assert "No encontré el indicador" in said
        said = await lucia.send("/resumen")
        assert name in said and theirs.rsplit("(", 1)[1].rstrip(")") not in said
        reply = await lucia.conversation.handle(LUCIA, Command("exportar", "json"))
        files = [m.attachment for m in reply.messages if m.attachment is not None]
        assert len(files) == 1
        exported = json.loads(files[0].data)
        text = json.dumps(exported, ensure_ascii=False)
        assert mine in text and theirs not in text


async def test_joining_a_second_secretariat_by_invite_does_not_switch(db: Any, two: tuple[Seeded, Seeded]) -> None:
    xalapa, veracruz = two
    async with UnitOfWork(db) as uow:
        secretariat = await uow.secretariats.get(veracruz.secretariat_id)
        assert secretariat is not None
        _, code = await uow.invites.create(secretariat, "member", uses=1, days=7, created_by=None,
                                           now=datetime.now(UTC))
    await consented(db, ANA)
    ana = Member(Conversation(lambda: CONTENT, db), ANA)
    said = await ana.send(Command("start", code))
    assert "Ya formas parte de «STL Veracruz»" in said
    assert "Sigues trabajando en «STL Xalapa». Para trabajar en «STL Veracruz», usa /secretariado." in said
    said = await ana.send("/compromisos")
    assert XALAPA in said and VERACRUZ not in said


def test_through_the_terminal_a_second_secretariat_is_picked_by_number(run_cocrea: ChatRunner, database: Path) -> None:
    added = run_cocrea("secretariat", "add", "STL Veracruz")
    assert added.returncode == 0, added.stderr
    veracruz = int(added.stdout.strip())
    invite = run_cocrea("invite", "STL Veracruz", "--role", "member")
    code = next(line.split(": ", 1)[1] for line in invite.stdout.splitlines() if line.startswith("código: "))
    typed = f"sí\nAna\n2\n/start {code}\n/secretariado\n2\n/ayuda\n/continuar 5\n"
    result = run_cocrea("chat", "--as", "cli:ana", stdin=typed)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    out = result.stdout
    assert "Sigues trabajando en «STL de prueba». Para trabajar en «STL Veracruz», usa /secretariado." in out
    assert "[1] STL de prueba ✓\n[2] STL Veracruz" in out
    assert "Listo: ahora trabajas en «STL Veracruz»." in out
    assert "quedó guardado" not in out  # the welcome's kit menu is nobody's secretariat's kit
    assert "📍 Trabajas en «STL Veracruz» (formas parte de 2 secretariados)." in out
    assert "📍 Trabajas en: STL Veracruz\n\n" in out
    with sqlite3.connect(database) as db:
        runs = db.execute("SELECT secretariat_id FROM flow_runs WHERE flow_id = 'kit5'").fetchall()
    assert runs == [(veracruz,)]
    again = run_cocrea("chat", "--as", "cli:ana", stdin="/secretariado\n")  # remembered across processes
    assert "Ahora trabajas en «STL Veracruz»" in again.stdout
