"""The storage contract: the same behaviour on SQLite and on PostgreSQL (see conftest.db)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.engine import Connection

from flows.events import AnswerSaved, Event, MessageOut, RecordWritten, RunFinished
from flows.state import RunState
from storage import ConcurrentUpdate, DatabaseUnavailable, NoSecretariat, UnitOfWork
from storage.db import make_engine, make_session_factory
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base, Commitment, FlowRun, Membership, Person, Secretariat

if TYPE_CHECKING:  # the fixture's value; conftest is not imported at run time
    from tests.storage.conftest import Db

KIT = "kit5"


def state(step: str | None = "q1", flow: str = KIT, **changes: object) -> RunState:
    return RunState(flow_id=flow, step_id=step).evolve(**changes)


async def start_run(db: Db, key: str = "tg:1", flow: str = KIT) -> tuple[int, int]:
    """A person with one run; returns (person id, run id)."""
    async with UnitOfWork(db.factory) as uow:
        person = await uow.people.get_or_create(key)
        run = await uow.runs.start(
            person, flow_id=flow, content_version="v1", state=state(flow=flow)
        )
        return person.id, run.id


def id_of(row: FlowRun | Secretariat | None) -> int | None:
    """Rows from two units of work are different objects: compare them by id."""
    return None if row is None else row.id


class TestStorageContract:
    # --- schema ---------------------------------------------------------------------------------

    async def test_migrations_create_every_table_and_stop_at_head(self, db: Db) -> None:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) | {"alembic_version"} <= tables
        assert await asyncio.to_thread(current_revision, db.url) == head_revision() == "0010"

    async def test_migrations_match_the_models(self, db: Db) -> None:
        def differences(conn: Connection) -> list[object]:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, Base.metadata))

        async with db.engine.connect() as conn:
            assert await conn.run_sync(differences) == []

    # --- people, secretariats, memberships -------------------------------------------------------

    async def test_get_or_create_person_is_idempotent_and_reads_the_telegram_id(
        self, db: Db
    ) -> None:
        async with UnitOfWork(db.factory) as uow:
            ana = await uow.people.get_or_create("tg:12345", name="Ana")
            cli = await uow.people.get_or_create("cli:ana")
        async with UnitOfWork(db.factory) as uow:
            again = await uow.people.get_or_create("tg:12345", name="Otra")
            assert await uow.people.get("nadie") is None
        assert (again.id, again.name, again.telegram_id) == (ana.id, "Ana", 12345)
        assert cli.telegram_id is None and cli.id != ana.id
        assert ana.active is True and ana.created_at.tzinfo is not None

    async def test_get_or_create_from_five_workers_makes_one_person(self, db: Db) -> None:
        async def one() -> int:
            async with UnitOfWork(db.factory) as uow:
                return (await uow.people.get_or_create("tg:777")).id

        ids = await asyncio.gather(*(one() for _ in range(5)))
        assert len(set(ids)) == 1

    async def test_a_person_can_be_marked_inactive_and_active_again(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            await uow.people.get_or_create("tg:55")
            await uow.people.get_or_create("tg:56")
        async with UnitOfWork(db.factory) as uow:
            assert await uow.people.set_active("tg:55", False) is True
            assert await uow.people.set_active("tg:nadie", False) is False
        async with UnitOfWork(db.factory) as uow:
            blocked, other = await uow.people.get("tg:55"), await uow.people.get("tg:56")
            assert blocked is not None and other is not None
            assert (blocked.active, other.active) == (False, True)
            assert await uow.people.set_active("tg:55", True) is True
        async with UnitOfWork(db.factory) as uow:
            again = await uow.people.get("tg:55")
            assert again is not None and again.active is True

    async def test_memberships_are_idempotent_and_never_downgrade(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:1")
            stl = await uow.secretariats.add("STL Oaxaca", territory="Oaxaca")
            mesa = await uow.secretariats.add(
                "Mesa Quito", kind="mesa", timezone="America/Guayaquil"
            )
            first = await uow.memberships.add(person, stl, "member")
            assert id_of(await uow.secretariats.acting_for(person)) == stl.id
            await uow.memberships.add(person, mesa, "member")
        async with UnitOfWork(db.factory) as uow:
            promoted = await uow.memberships.add(person, stl, "coordinator")
            kept = await uow.memberships.add(person, stl, "member")
            assert (promoted.id, kept.id) == (first.id, first.id)
            assert await uow.memberships.role_of(person, stl) == "coordinator"
            assert await uow.memberships.role_of(person, mesa) == "member"
            assert id_of(await uow.secretariats.acting_for(person)) == stl.id
            loaded = await uow.secretariats.get(mesa.id)
        assert loaded is not None
        assert (loaded.kind, loaded.timezone) == ("mesa", "America/Guayaquil")
        assert (stl.kind, stl.timezone) == ("stl", "America/Mexico_City")

    async def test_where_a_person_acts_is_remembered_and_only_among_their_secretariats(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:7")
            xalapa, veracruz = await uow.secretariats.add("STL Xalapa"), await uow.secretariats.add("STL Veracruz")
            other = await uow.secretariats.add("STL Otra")
            await uow.memberships.add(person, xalapa, "member")
            await uow.memberships.add(person, veracruz, "member")
            assert id_of(await uow.secretariats.acting_for(person)) == xalapa.id  # the first joined
            assert [s.id for s in await uow.secretariats.of_person(person)] == [xalapa.id, veracruz.id]
            assert await uow.memberships.act_in(person, other.id) is False  # not theirs: nothing changes
            assert id_of(await uow.secretariats.acting_for(person)) == xalapa.id
            assert await uow.memberships.act_in(person, veracruz.id) is True
        async with UnitOfWork(db.factory) as uow:
            arrival = await uow.arrivals.locked("tg:7")
            assert arrival is not None and id_of(arrival.secretariat) == veracruz.id
            assert await uow.memberships.act_in(person, xalapa.id) is True  # and back: one mark a person
            assert await uow.memberships.act_in(person, xalapa.id) is True
        async with UnitOfWork(db.factory) as uow:
            assert id_of(await uow.secretariats.acting_for(person)) == xalapa.id
            marked = await uow.session.scalars(select(Membership.secretariat_id).where(
                Membership.person_id == person.id, Membership.acting))
            assert list(marked) == [xalapa.id]

    # --- runs ------------------------------------------------------------------------------------

    async def test_run_state_round_trips_exactly(self, db: Db) -> None:
        answers = {
            "nombre": "José Ñandú Pérez 🌱",
            "valores": ["transparencia", "participación ciudadana"],
            "entero": 10**15,
            "porcentaje": 12.5,
            "decimal": 0.1,
            "nada": None,
            "sí": False,
            "anidado": {"metas": [1, 2.0, True, None, "ODS 6.1"]},
        }
        saved = state("resumen", answers=answers, history=("q1", "q2"), mode="review")
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:1")
            run = await uow.runs.start(person, flow_id=KIT, content_version="v7", state=saved)
        async with UnitOfWork(db.factory) as uow:
            loaded = await uow.runs.get(run.id)
        assert loaded is not None
        assert RunState.from_json(loaded.state) == saved
        assert (loaded.step_id, loaded.status) == ("resumen", "active")
        assert loaded.content_version == "v7"
        assert loaded.finished_at is None and loaded.started_at.tzinfo == UTC

        done = saved.evolve(step_id=None, status="done", mode=None, return_to="resumen")
        async with UnitOfWork(db.factory) as uow:
            await uow.runs.save(loaded, done)
        async with UnitOfWork(db.factory) as uow:
            finished = await uow.runs.get(run.id)
        assert finished is not None
        assert RunState.from_json(finished.state) == done
        assert (finished.status, finished.step_id) == ("done", None)
        assert finished.finished_at is not None and finished.finished_at.tzinfo == UTC
        assert finished.updated_at >= finished.started_at

    async def test_current_unfinished_and_pause_others(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:1")
            kit1 = await uow.runs.start(
                person, flow_id="kit1", content_version="v1", state=state(flow="kit1")
            )
            kit2 = await uow.runs.start(
                person, flow_id="kit2", content_version="v1", state=state(flow="kit2")
            )
            paused = await uow.runs.pause_others(person, kit2)
        assert [run.id for run in paused] == [kit1.id]
        async with UnitOfWork(db.factory) as uow:
            assert id_of(await uow.runs.current(person)) == kit2.id
            assert id_of(await uow.runs.unfinished(person, "kit1")) == kit1.id
            assert await uow.runs.unfinished(person, "kit3") is None
            assert id_of(await uow.runs.latest_unfinished(person)) == kit2.id
            reloaded = await uow.runs.get(kit1.id)
            assert reloaded is not None and reloaded.status == "paused"
            assert RunState.from_json(reloaded.state).status == "paused"
            await uow.runs.save(kit2, state(None, flow="kit2", status="done"))
        async with UnitOfWork(db.factory) as uow:
            assert await uow.runs.current(person) is None
            assert id_of(await uow.runs.latest_unfinished(person)) == kit1.id
            assert await uow.runs.unfinished(person, "kit2") is None
            assert [run.id for run in await uow.runs.of_person(person)] == [kit1.id, kit2.id]

    async def test_saving_a_run_someone_else_saved_raises_concurrent_update(self, db: Db) -> None:
        _, run_id = await start_run(db)
        async with UnitOfWork(db.factory) as uow:
            mine = await uow.runs.get(run_id)
        async with UnitOfWork(db.factory) as uow:
            theirs = await uow.runs.get(run_id)
        assert mine is not None and theirs is not None

        async with UnitOfWork(db.factory) as uow:
            await uow.runs.save(mine, state("q2", answers={"quien": "primero"}))
        with pytest.raises(ConcurrentUpdate):
            async with UnitOfWork(db.factory) as uow:
                await uow.runs.save(theirs, state("q2", answers={"quien": "segundo"}))

        async with UnitOfWork(db.factory) as uow:
            stored = await uow.runs.get(run_id)
        assert stored is not None and stored.state["answers"] == {"quien": "primero"}

    # --- processed updates -----------------------------------------------------------------------

    async def test_an_update_is_seen_only_after_its_first_time(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            assert await uow.updates.seen("tg", 2**40) is False
        async with UnitOfWork(db.factory) as uow:
            assert await uow.updates.seen("tg", 2**40) is True
            assert await uow.updates.seen("cli", 2**40) is False

    async def test_five_workers_racing_on_one_update_have_one_winner(self, db: Db) -> None:
        async def one() -> bool:
            async with UnitOfWork(db.factory) as uow:
                return await uow.updates.seen("tg", 42)

        results = await asyncio.gather(*(one() for _ in range(5)))
        assert sorted(results) == [False, True, True, True, True]

    # --- applying engine events ------------------------------------------------------------------

    async def test_apply_writes_the_person_record_and_the_run_state(self, db: Db) -> None:
        _, run_id = await start_run(db)
        before = datetime.now(UTC)
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:1")
            run = await uow.runs.get(run_id)
            assert run is not None
            fields = {"name": "Ana López", "sector": "sociedad_civil", "consent": True}
            new = state("q2", answers={"acepto": True})
            await uow.apply(person, run, new, [RecordWritten("person", fields), MessageOut("Hola")])
        async with UnitOfWork(db.factory) as uow:
            stored = await uow.people.get("tg:1")
            stored_run = await uow.runs.get(run_id)
        assert stored is not None and stored_run is not None
        assert (stored.name, stored.sector) == ("Ana López", "sociedad_civil")
        assert stored.consent_at is not None and stored.consent_at >= before.replace(microsecond=0)
        assert stored_run.step_id == "q2" and stored_run.state["answers"] == {"acepto": True}

        async with UnitOfWork(db.factory) as uow:
            await uow.apply(stored, stored_run, new, [RecordWritten("person", {"consent": False})])
        async with UnitOfWork(db.factory) as uow:
            revoked = await uow.people.get("tg:1")
        assert revoked is not None and revoked.consent_at is None and revoked.name == "Ana López"

    async def test_apply_creates_the_commitment_once_and_merges_its_fields(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            person = await uow.people.get_or_create("tg:1")
            stl = await uow.secretariats.add("STL Jalisco")
            await uow.memberships.add(person, stl, "member")
            run = await uow.runs.start(
                person, flow_id=KIT, content_version="v1", state=state(), secretariat_id=stl.id
            )
        first: list[Event] = [
            AnswerSaved("titulo", "Agua para todas", "q1"),
            RecordWritten("commitment", {"title": "Agua para todas", "problem": "Sin agua"}),
            MessageOut("Guardado"),
        ]
        second: list[Event] = [
            RecordWritten("commitment", {"title": "Agua potable", "ods_targets": ["6.1", "6.b"]}),
            RunFinished(),
        ]
        async with UnitOfWork(db.factory) as uow:
            await uow.apply(person, run, state("q2"), first)
        async with UnitOfWork(db.factory) as uow:
            await uow.apply(person, run, state(None, status="done"), second)

        async with UnitOfWork(db.factory) as uow:
            commitments = list(await uow.session.scalars(select(Commitment)))
            stored_run = await uow.runs.get(run.id)
        assert len(commitments) == 1
        commitment = commitments[0]
        assert stored_run is not None and stored_run.commitment_id == commitment.id
        assert stored_run.status == "done"
        assert (commitment.secretariat_id, commitment.created_by) == (stl.id, person.id)
        assert (commitment.title, commitment.status) == ("Agua potable", "borrador")
        assert commitment.fields == {
            "title": "Agua potable",
            "problem": "Sin agua",
            "ods_targets": ["6.1", "6.b"],
        }

    async def test_a_commitment_needs_a_secretariat_and_saves_nothing_without_one(
        self, db: Db
    ) -> None:
        _, run_id = await start_run(db)
        with pytest.raises(NoSecretariat):
            async with UnitOfWork(db.factory) as uow:
                person = await uow.people.get_or_create("tg:1")
                run = await uow.runs.get(run_id)
                assert run is not None
                event = RecordWritten("commitment", {"title": "Sin casa"})
                await uow.apply(person, run, state("q9"), [event])
        async with UnitOfWork(db.factory) as uow:
            assert await uow.session.scalar(select(func.count()).select_from(Commitment)) == 0
            run = await uow.runs.get(run_id)
            assert run is not None and run.step_id == "q1"

    # --- transactions and locking ----------------------------------------------------------------

    async def test_an_error_inside_the_unit_of_work_saves_nothing(self, db: Db) -> None:
        with pytest.raises(RuntimeError, match="falla"):
            async with UnitOfWork(db.factory) as uow:
                person = await uow.people.get_or_create("tg:1")
                await uow.runs.start(person, flow_id=KIT, content_version="v1", state=state())
                await uow.secretariats.add("STL efímero")
                assert await uow.updates.seen("tg", 1) is False
                raise RuntimeError("falla a medio camino")
        async with UnitOfWork(db.factory) as uow:
            for model in (Person, FlowRun):
                count = select(func.count()).select_from(model)
                assert await uow.session.scalar(count) == 0
            assert await uow.updates.seen("tg", 1) is False

    async def test_locking_a_person_makes_a_second_unit_of_work_wait(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            await uow.people.get_or_create("tg:1")
        order: list[str] = []
        first_has_lock = asyncio.Event()
        release = asyncio.Event()
        seen_by_second: list[str | None] = []

        async def first() -> None:
            async with UnitOfWork(db.factory) as uow:
                person = await uow.people.get_or_create("tg:1")
                await uow.people.lock(person)
                order.append("first locked")
                first_has_lock.set()
                await release.wait()
                person.name = "escrito por el primero"
                order.append("first wrote")

        async def second() -> None:
            await first_has_lock.wait()
            async with UnitOfWork(db.factory) as uow:  # SQLite waits here (BEGIN IMMEDIATE)
                person = await uow.people.get_or_create("tg:1")
                await uow.people.lock(person)  # PostgreSQL waits here (FOR UPDATE)
                order.append("second locked")
                seen_by_second.append(person.name)

        tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
        await first_has_lock.wait()
        await asyncio.sleep(0.3)  # room for the second to run ahead if the lock did not hold
        order.append("released")
        release.set()
        await asyncio.gather(*tasks)
        assert order == ["first locked", "released", "first wrote", "second locked"]
        assert seen_by_second == ["escrito por el primero"]

    async def test_a_reader_does_not_wait_for_a_writer_that_holds_its_transaction_open(self, db: Db) -> None:
        # Another person's /ayuda must not wait while someone's unit of work renders an export.
        async with UnitOfWork(db.factory) as uow:
            await uow.people.get_or_create("tg:2", name="Ana")
        writing = asyncio.Event()
        read = asyncio.Event()
        seen: list[str | None] = []

        async def writer() -> None:
            async with UnitOfWork(db.factory) as uow:
                await uow.people.get_or_create("tg:1", name="Lupita")
                writing.set()
                await asyncio.wait_for(read.wait(), timeout=15)  # the long work, until the reader is done

        async def reader() -> None:
            await writing.wait()
            async with UnitOfWork(db.factory, read_only=True) as uow:
                ana, lupita = await uow.people.get("tg:2"), await uow.people.get("tg:1")
                seen.extend([ana.name if ana else None, lupita.name if lupita else "no escrita aún"])
            read.set()

        await asyncio.gather(writer(), reader())
        assert seen == ["Ana", "no escrita aún"]  # what was committed, not the writer's open work
        async with UnitOfWork(db.factory, read_only=True) as uow:
            lupita = await uow.people.get("tg:1")
            assert lupita is not None and lupita.name == "Lupita"

    async def test_a_reader_inside_a_writing_unit_of_work_goes_through(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as outer:
            await outer.people.get_or_create("tg:1", name="Lupita")
            async with UnitOfWork(db.factory, read_only=True) as inner:
                assert await inner.people.get("tg:1") is None  # not committed yet
        async with UnitOfWork(db.factory, read_only=True) as uow:
            assert await uow.people.get("tg:1") is not None

    async def test_many_writers_at_once_all_commit(self, db: Db) -> None:
        async def write(n: int) -> None:
            async with UnitOfWork(db.factory) as uow:
                await uow.people.get_or_create(f"tg:{n}")
                await asyncio.sleep(0)  # others run mid-way; on SQLite they wait for the write lock

        await asyncio.gather(*(write(n) for n in range(12)))
        async with UnitOfWork(db.factory, read_only=True) as uow:
            assert [await uow.people.get(f"tg:{n}") is not None for n in range(12)] == [True] * 12

    async def test_a_connection_in_autocommit_mode_commits_each_statement(self, db: Db) -> None:
        engine = make_engine(db.url, pool_size=1, max_overflow=0)  # one connection, reused below
        sessions = make_session_factory(engine)
        try:
            async with engine.connect() as connection:
                auto = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await auto.execute(insert(Person).values(key="tg:1", name="Lupita"))
            # the same connection, back in the pool, still runs units of work as transactions
            with pytest.raises(RuntimeError, match="falla"):
                async with UnitOfWork(sessions) as uow:
                    await uow.people.get_or_create("tg:2")
                    raise RuntimeError("falla a medio camino")
            async with UnitOfWork(sessions, read_only=True) as uow:
                lupita = await uow.people.get("tg:1")
                assert lupita is not None and lupita.name == "Lupita"
                assert await uow.people.get("tg:2") is None
        finally:
            await engine.dispose()

    async def test_an_unreachable_database_is_reported_as_unavailable(self, db: Db) -> None:
        if db.backend == "sqlite":
            url = f"sqlite:///{db.url.removeprefix('sqlite:///')}.missing/dir/cocrea.db"
        else:
            url = "postgresql://postgres@127.0.0.1:1/test"
        engine = make_engine(url)
        try:
            with pytest.raises(DatabaseUnavailable):
                async with UnitOfWork(make_session_factory(engine)):
                    pass
        finally:
            await engine.dispose()
        with pytest.raises(DatabaseUnavailable):
            await asyncio.to_thread(upgrade, url)
