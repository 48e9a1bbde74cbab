"""Every version of a flow file the bot has loaded: which text a run could have been on, and when."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ContentVersion
from storage.repositories._sql import insert_or_ignore


class ContentVersions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, versions: Iterable[tuple[str, str, str]]) -> list[str]:
        """Record `(flow_id, version, summary)` rows; the flow ids whose version is new.

        A version already recorded keeps its first `loaded_at`, so restarts and reloads of the
        same files add nothing; two workers starting at once never fail.
        """
        new = []
        for flow_id, version, summary in versions:
            values = {"flow_id": flow_id, "version": version, "summary": summary[:200]}
            if await insert_or_ignore(self._session, ContentVersion, values):
                new.append(flow_id)
        return new

    async def all(self) -> list[ContentVersion]:
        """Every recorded version, by flow and then oldest first."""
        statement = select(ContentVersion).order_by(
            ContentVersion.flow_id, ContentVersion.loaded_at, ContentVersion.id
        )
        return list(await self._session.scalars(statement))
