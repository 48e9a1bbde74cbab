"""Comments, notice mutes and notice rows on every backend: scoping, limits, marks, grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import UnitOfWork
from storage.errors import PlanError
from storage.models import AuditEntry, OutboxMessage
from storage.repositories.comments import MAX_COMMENT
from storage.repositories.outbox import Notice
from tests.storage.conftest import Db

NOW = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)


async def _setup(db: Db) -> tuple[int, int, int]:
    """STL Oaxaca with a commitment by Ana, STL Puebla; returns (secretariat, other, commitment) ids."""
    async with UnitOfWork(db.factory) as uow:
        stl = await uow.secretariats.add("STL Oaxaca")
        other = await uow.secretariats.add("STL Puebla")
        ana = await uow.people.get_or_create("tg:1", name="Ana")
        beto = await uow.people.get_or_create("tg:2", name="Beto")
        await uow.memberships.add(ana, stl, "coordinator")
        await uow.memberships.add(beto, stl, "member")
        commitment = await uow.commitments.create(stl.id, created_by=ana.id)
        return stl.id, other.id, commitment.id


class TestStorageContract:
    async def test_comments_and_replies_are_kept_and_audited(self, db: Db) -> None:
        stl, other, commitment_id = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            beto = await uow.people.get("tg:2")
            ana = await uow.people.get("tg:1")
            commitment = await uow.plan.commitment(stl, commitment_id)
            assert beto is not None and ana is not None and commitment is not None
            first = await uow.comments.add(commitment, beto, "  ¿Y el presupuesto?  ")
            reply = await uow.comments.add(commitment, ana, "Lo vemos el lunes.", first)
            written = [(e.action, e.detail) for e in uow.audit.written()]
        assert written[-2:] == [
            ("comment_added", {"commitment_id": commitment_id, "comment_id": first.id, "reply_to": None,
                               "reply_to_author": None}),
            ("comment_added", {"commitment_id": commitment_id, "comment_id": reply.id, "reply_to": first.id,
                               "reply_to_author": beto.id}),
        ]
        async with UnitOfWork(db.factory) as uow:
            latest = await uow.comments.latest(commitment_id)
            assert [(c.text, c.name, c.reply_to) for c in latest] == [
                ("¿Y el presupuesto?", "Beto", None), ("Lo vemos el lunes.", "Ana", first.id)]
            assert await uow.comments.get(other, first.id) is None  # another secretariat finds nothing
            assert await uow.comments.count(commitment_id) == 2
            assert await uow.comments.authors(commitment_id) == {beto.id, ana.id}

    @pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_COMMENT + 1)])
    async def test_an_empty_or_too_long_comment_is_refused_and_nothing_is_saved(self, db: Db, text: str) -> None:
        stl, _, commitment_id = await _setup(db)
        with pytest.raises(PlanError) as refused:
            async with UnitOfWork(db.factory) as uow:
                beto = await uow.people.get("tg:2")
                commitment = await uow.plan.commitment(stl, commitment_id)
                assert beto is not None and commitment is not None
                await uow.comments.add(commitment, beto, text)
        assert refused.value.key in ("comment_empty", "comment_too_long")
        async with UnitOfWork(db.factory) as uow:
            assert await uow.comments.count(commitment_id) == 0

    async def test_coordination_marks_a_comment_with_the_change_that_took_it_in(self, db: Db) -> None:
        stl, _, commitment_id = await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana, beto = await uow.people.get("tg:1"), await uow.people.get("tg:2")
            commitment = await uow.plan.commitment(stl, commitment_id)
            assert ana is not None and beto is not None and commitment is not None
            comment = await uow.comments.add(commitment, beto, "El objetivo debe medir algo.")
            await uow.plan.set_fields(commitment, {"objective": "Reducir a la mitad los días sin agua."}, ana)
            [change] = await uow.plan.history(commitment_id)
            assert await uow.comments.change(commitment_id, change.id) is not None
            await uow.comments.mark(comment, "incorporado", ana, change)
        async with UnitOfWork(db.factory) as uow:
            [marked] = await uow.comments.latest(commitment_id)
            assert (marked.status, marked.change_id, marked.marked_by) == ("incorporado", change.id, ana.id)
            entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment_marked"))
            assert entry is not None and entry.detail["author"] == beto.id

    async def test_mutes_are_per_person_and_kind_and_idempotent(self, db: Db) -> None:
        await _setup(db)
        async with UnitOfWork(db.factory) as uow:
            ana, beto = await uow.people.get("tg:1"), await uow.people.get("tg:2")
            assert ana is not None and beto is not None
            await uow.mutes.mute(ana, "comentarios")
            await uow.mutes.mute(ana, "comentarios")
            await uow.mutes.mute(ana, "firmas")
        async with UnitOfWork(db.factory) as uow:
            assert ana is not None and beto is not None
            assert await uow.mutes.of(ana) == {"comentarios", "firmas"}
            assert await uow.mutes.of_people([ana.id, beto.id]) == {ana.id: {"comentarios", "firmas"}}
            await uow.mutes.unmute(ana, "firmas")
        async with UnitOfWork(db.factory) as uow:
            assert await uow.mutes.of(ana) == {"comentarios"}

    async def test_notices_of_one_address_and_commitment_are_grouped_and_never_twice(self, db: Db) -> None:
        stl, _, commitment_id = await _setup(db)
        window = timedelta(minutes=10)

        def notice(event: int, line: str, to: str = "1") -> Notice:
            return Notice(event_id=event, secretariat_id=stl, commitment_id=commitment_id, person_id=None,
                          to=("telegram", to), rule="test", header="🔔 STL Oaxaca", line=line)

        async with UnitOfWork(db.factory) as uow:
            assert await uow.outbox.add_notice(notice(1, "• uno"), now=NOW, window=window) == "new"
            assert await uow.outbox.add_notice(notice(2, "• dos"), now=NOW + timedelta(minutes=2),
                                               window=window) == "joined"
            assert await uow.outbox.add_notice(notice(2, "• dos"), now=NOW, window=window) == "seen"
            assert await uow.outbox.add_notice(notice(3, "• otro", to="2"), now=NOW, window=window) == "new"
        async with UnitOfWork(db.factory) as uow:
            rows = list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            assert [(r.address, r.body, r.events) for r in rows] == [
                ("1", "🔔 STL Oaxaca\n• uno\n• dos", [1, 2]), ("2", "🔔 STL Oaxaca\n• otro", [3])]
            rows[0].status = "sent"
        async with UnitOfWork(db.factory) as uow:
            assert await uow.outbox.add_notice(notice(4, "• cuatro"), now=NOW + timedelta(minutes=5),
                                               window=window) == "new"
            row = await uow.session.scalar(select(OutboxMessage).where(OutboxMessage.key.like("notice:4:%")))
            assert row is not None and row.due_at == NOW + window  # after the window of the one sent
