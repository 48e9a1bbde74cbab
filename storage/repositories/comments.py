"""Comments on a commitment: written by its secretariat's members, answered, marked by coordination.

A comment is looked up with its secretariat, like every plan row (storage/repositories/plan.py):
one of another secretariat is simply not found. Writing one is audited (`comment_added`,
`comment_marked`): the notices that tell the people concerned are derived from those entries.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import utcnow
from storage.errors import PlanError
from storage.models import COMMENT_STATUSES, Comment, Commitment, CommitmentChange, Person
from storage.repositories._sql import flush
from storage.repositories.plan import Plan

MAX_COMMENT = 2000  # characters: a comment is read in a chat message, beside the card
LATEST = 3  # comments shown on the card


class Comments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, commitment: Commitment, person: Person, text: str, reply_to: Comment | None = None) -> Comment:
        """A comment (or a reply to `reply_to`, a comment on the same commitment) by `person`.

        PlanError («comment_empty», «comment_too_long») for a text that is blank or longer than
        MAX_COMMENT characters: the flow asks again before it gets here, this is the last guard.
        """
        text = (text or "").strip()
        if not text:
            raise PlanError("comment_empty")
        if len(text) > MAX_COMMENT:
            raise PlanError("comment_too_long", {"max": MAX_COMMENT, "length": len(text)})
        if reply_to is not None and reply_to.commitment_id != commitment.id:
            raise ValueError("a reply belongs to the commitment of the comment it answers")
        comment = Comment(secretariat_id=commitment.secretariat_id, commitment_id=commitment.id,
                          reply_to=reply_to.id if reply_to else None, person_id=person.id, name=person.name,
                          text=text)
        self._session.add(comment)
        await flush(self._session)
        await Plan(self._session).audit(commitment.secretariat_id, person, "comment_added", {
            "commitment_id": commitment.id, "comment_id": comment.id,
            "reply_to": reply_to.id if reply_to else None,
            "reply_to_author": reply_to.person_id if reply_to else None,
        })
        return comment

    async def get(self, secretariat_id: int, comment_id: int) -> Comment | None:
        """The comment, or None when it does not exist or belongs to another secretariat."""
        return await self._session.scalar(select(Comment).where(
            Comment.id == comment_id, Comment.secretariat_id == secretariat_id))

    async def latest(self, commitment_id: int, limit: int = LATEST) -> list[Comment]:
        """The newest comments of the commitment, oldest of them first."""
        rows = await self._session.scalars(select(Comment).where(Comment.commitment_id == commitment_id)
                                           .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit))
        return list(reversed(list(rows)))

    async def count(self, commitment_id: int) -> int:
        return int(await self._session.scalar(
            select(func.count()).select_from(Comment).where(Comment.commitment_id == commitment_id)) or 0)

    async def authors(self, commitment_id: int) -> set[int]:
        """Everyone who commented on the commitment."""
        found = await self._session.scalars(select(Comment.person_id).distinct().where(
            Comment.commitment_id == commitment_id, Comment.person_id.is_not(None)))
        return {p for p in found if p is not None}

    async def change(self, commitment_id: int, change_id: int) -> CommitmentChange | None:
        """A recorded field change of this commitment (what «incorporado» links to)."""
        return await self._session.scalar(select(CommitmentChange).where(
            CommitmentChange.id == change_id, CommitmentChange.commitment_id == commitment_id))

    async def mark(self, comment: Comment, status: str, person: Person,
                   change: CommitmentChange | None = None) -> None:
        """Coordination's answer to a comment: «incorporado» (the change that took it in) or «respondido»."""
        if status not in COMMENT_STATUSES or status == "abierto":
            raise ValueError(f"unknown comment mark {status!r}")
        self._session.add(comment)
        comment.status = status
        comment.change_id = change.id if change is not None else None
        comment.marked_by, comment.marked_at = person.id, utcnow()
        await flush(self._session)
        await Plan(self._session).audit(comment.secretariat_id, person, "comment_marked", {
            "commitment_id": comment.commitment_id, "comment_id": comment.id, "status": status,
            "change_id": change.id if change is not None else None, "author": comment.person_id,
        })
