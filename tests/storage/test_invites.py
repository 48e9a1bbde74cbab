"""Invites on every backend: hashed codes, uses counted atomically, expiry."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from storage import UnitOfWork
from storage.models import Invite, Membership
from storage.repositories.invites import EXPIRED, UNKNOWN, USED_UP, hash_code

if TYPE_CHECKING:
    from tests.storage.conftest import Db

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def make_invite(db: Db, role: str = "member", uses: int = 1, days: int = 7) -> tuple[int, str]:
    """A secretariat with one invite; returns (secretariat id, code)."""
    async with UnitOfWork(db.factory) as uow:
        secretariat = await uow.secretariats.add("STL Xalapa")
        _, code = await uow.invites.create(secretariat, role, uses=uses, days=days, now=NOW)
        return secretariat.id, code


class TestStorageContract:
    async def test_only_the_hash_of_a_code_is_stored(self, db: Db) -> None:
        _, code = await make_invite(db)
        assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", code)
        async with UnitOfWork(db.factory) as uow:
            stored = list(await uow.session.scalars(select(Invite)))
        assert [i.code_hash for i in stored] == [hash_code(code)]
        assert code not in stored[0].code_hash

    async def test_codes_are_different_every_time(self, db: Db) -> None:
        codes = {(await make_invite(db))[1] for _ in range(5)}
        assert len(codes) == 5

    async def test_a_redeemed_code_says_where_and_as_what(self, db: Db) -> None:
        secretariat_id, code = await make_invite(db, role="coordinator", uses=2)
        async with UnitOfWork(db.factory) as uow:
            invite = await uow.invites.redeem(code, NOW)
        assert invite is not None
        assert (invite.secretariat_id, invite.role, invite.uses_left) == (secretariat_id, "coordinator", 1)

    async def test_a_single_use_code_works_once(self, db: Db) -> None:
        _, code = await make_invite(db)
        async with UnitOfWork(db.factory) as uow:
            assert await uow.invites.redeem(code, NOW) is not None
        async with UnitOfWork(db.factory) as uow:
            assert await uow.invites.redeem(code, NOW) is None
            assert (await uow.invites.lookup(code, NOW)).problem == USED_UP

    async def test_expired_unknown_and_good_codes_are_told_apart(self, db: Db) -> None:
        _, code = await make_invite(db, days=3)
        later = NOW + timedelta(days=3, seconds=1)
        async with UnitOfWork(db.factory) as uow:
            assert (await uow.invites.lookup(code, NOW)).problem is None
            assert (await uow.invites.lookup(code, later)).problem == EXPIRED
            assert (await uow.invites.lookup("no-such-code", NOW)).problem == UNKNOWN
            assert await uow.invites.redeem(code, later) is None
            assert await uow.invites.redeem("no-such-code", NOW) is None
        async with UnitOfWork(db.factory) as uow:  # the expired attempt used nothing
            assert (await uow.invites.lookup(code, NOW)).invite.uses_left == 1  # type: ignore[union-attr]

    async def test_bad_arguments_are_refused_in_spanish(self, db: Db) -> None:
        async with UnitOfWork(db.factory) as uow:
            secretariat = await uow.secretariats.add("STL")
            for role, uses, days in (("admin", 1, 7), ("member", 0, 7), ("member", 1, 0)):
                try:
                    await uow.invites.create(secretariat, role, uses=uses, days=days, now=NOW)
                except ValueError as exc:
                    assert str(exc)[0].isupper()
                else:
                    raise AssertionError(f"{role}, {uses}, {days} was accepted")

    async def test_a_single_use_code_opened_twice_at_once_joins_once(self, db: Db) -> None:
        secretariat_id, code = await make_invite(db)

        async def join(key: str) -> bool:
            async with UnitOfWork(db.factory) as uow:
                person = await uow.people.get_or_create(key)
                invite = await uow.invites.redeem(code, NOW)
                if invite is None:
                    return False
                secretariat = await uow.secretariats.get(invite.secretariat_id)
                assert secretariat is not None
                await uow.memberships.add(person, secretariat, invite.role)
                return True

        results = await asyncio.gather(*(join(f"tg:{n}") for n in range(1, 6)))
        assert sorted(results) == [False] * 4 + [True]
        async with UnitOfWork(db.factory) as uow:
            members = list(await uow.session.scalars(
                select(Membership).where(Membership.secretariat_id == secretariat_id)))
        assert len(members) == 1

    async def test_claim_by_id_counts_like_a_code(self, db: Db) -> None:
        _, code = await make_invite(db, uses=1)
        async with UnitOfWork(db.factory) as uow:
            found = await uow.invites.lookup(code, NOW)
            assert found.invite is not None
            invite_id = found.invite.id
        async with UnitOfWork(db.factory) as uow:
            assert await uow.invites.claim(invite_id, NOW) is not None
        async with UnitOfWork(db.factory) as uow:
            assert await uow.invites.claim(invite_id, NOW) is None
            assert await uow.invites.redeem(code, NOW) is None
