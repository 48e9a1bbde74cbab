"""`cocrea db copy`: an SQLite installation moves to another database with every row intact."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from storage import UnitOfWork
from storage.copy import CopyRefused, copy_database
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Commitment, Indicator, Milestone, Person, Secretariat


async def seed(url: str) -> None:
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            secretariat = await uow.secretariats.add("STL Zapopan", timezone="America/Mexico_City")
            person = await uow.people.get_or_create("tg:42", name="Ana Pérez")
            await uow.memberships.add(person, secretariat, "coordinator")
            commitment = await uow.commitments.create(secretariat.id, created_by=person.id)
            await uow.commitments.update_fields(commitment, {"title": "Agua potable en colonias", "causes": "Fugas"})
            uow.session.add(Milestone(commitment_id=commitment.id, output="Mapa de fugas publicado",
                                      due_date=date(2027, 3, 31), responsible="SIAPA"))
            uow.session.add(Indicator(commitment_id=commitment.id, name="Colonias con servicio diario",
                                      unit="colonias", baseline=12, target=40, frequency="trimestral",
                                      first_due=date(2027, 3, 31), dates=[]))
    finally:
        await engine.dispose()


async def read_back(url: str) -> tuple[str | None, dict[str, object], str | None, int]:
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            commitment = (await uow.session.scalars(select(Commitment))).one()
            person = (await uow.session.scalars(select(Person))).one()
            milestones = len((await uow.session.scalars(select(Milestone))).all())
            # A row added after the copy gets a fresh id: the sequences moved past the copied ones.
            added = await uow.secretariats.add("STL Mérida")
            assert added.id > (await uow.session.scalars(select(Secretariat.id).order_by(Secretariat.id))).first()
            return commitment.title, commitment.fields, person.name, milestones
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_source(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'origen.db'}"
    upgrade(url)
    asyncio.run(seed(url))
    return url


@pytest.fixture
def postgres_target(own_postgres: str) -> str:
    return own_postgres


def test_copy_to_sqlite_keeps_every_row(sqlite_source: str, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'destino.db'}"
    copied = copy_database(sqlite_source, target)
    assert copied["commitments"] == 1 and copied["milestones"] == 1 and copied["indicators"] == 1
    title, fields, name, milestones = asyncio.run(read_back(target))
    assert title == "Agua potable en colonias"
    assert fields["causes"] == "Fugas"
    assert name == "Ana Pérez"
    assert milestones == 1


def test_copy_to_postgresql_round_trips(sqlite_source: str, postgres_target: str) -> None:
    copied = copy_database(sqlite_source, postgres_target)
    assert copied["people"] == 1 and copied["indicators"] == 1
    title, fields, name, _ = asyncio.run(read_back(postgres_target))
    assert (title, fields["causes"], name) == ("Agua potable en colonias", "Fugas", "Ana Pérez")


def test_a_target_with_data_is_refused_and_left_alone(sqlite_source: str, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'destino.db'}"
    copy_database(sqlite_source, target)
    with pytest.raises(CopyRefused, match="ya tiene datos"):
        copy_database(sqlite_source, target)
    title, _, _, milestones = asyncio.run(read_back(target))
    assert milestones == 1 and title == "Agua potable en colonias"


def test_cli_copies_and_reports_counts(
    sqlite_source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COCREA_DATABASE_URL", sqlite_source)
    target = f"sqlite:///{tmp_path / 'destino.db'}"
    assert main(["db", "copy", "--to", target]) == 0
    out = capsys.readouterr().out
    assert "commitments: 1" in out and "copia terminada" in out
    assert main(["db", "copy", "--to", target]) == 1
    assert "ya tiene datos" in capsys.readouterr().err
