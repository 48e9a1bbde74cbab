"""The exceptions of the storage package (the tree is drawn in storage/__init__.py).

Callers above storage (bot/, the CLI) catch these instead of SQLAlchemy's or a driver's exceptions,
so they never need to know which database is behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm.exc import StaleDataError

from flows.plan.refusals import Refused


class StorageError(Exception):
    """Base of every error raised by the storage package."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or opened: down, wrong URL, unreadable file, busy too long."""


class ConcurrentUpdate(StorageError):
    """Someone else saved the same row since we loaded it.

    The transaction is spoiled: leave the unit of work, then reload and redo the step in a new one.
    """


class RefusalError(StorageError):
    """Something a person asked that storage will not write: their situation, not a fault.

    `key` names its sentence in content/ui.yaml (`bot:` texts) and `params` holds the values it
    shows (see flows/plan/refusals.py); the channel renders it, so no Spanish lives in storage.
    """

    def __init__(self, key: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(key)
        self.key, self.params = key, dict(params or {})

    @classmethod
    def of(cls, refused: Refused) -> Self:
        return cls(refused.key, refused.params)


class NoSecretariat(RefusalError):
    """A commitment was written for a person who belongs to no secretariat."""


class PlanError(RefusalError):
    """A change to the plan that cannot be made as asked."""


class NothingDue(PlanError):
    """An indicator report when every period of the indicator is already reported."""


class PeriodTaken(NothingDue):
    """A report for a period someone else reported first: nothing is saved, nor moved elsewhere."""


class SignoffRefused(PlanError):
    """A sign-off that cannot be recorded: not in review, no sector, a dissent without reason."""


class RecordRefused(PlanError):
    """Answers a flow cannot write: another secretariat's commitment, an unknown indicator, …"""


class Frozen(PlanError):
    """A change to a commitment's signed text while it is in review or approved (flows/plan/versions.py)."""


class StaleSignatures(PlanError):
    """Approval asked while a counted signature is on another text than the one in review now."""


class FieldsChanged(PlanError):
    """A kit's record would replace fields someone else changed since the kit read them (two members
    at once): nothing is written; the kit asks again with what the record holds now."""


class QuorumNotMet(PlanError):
    """Approval asked before every required sector signed; `missing` holds those sectors."""

    def __init__(self, key: str, params: Mapping[str, Any] | None = None, missing: tuple[str, ...] = ()) -> None:
        super().__init__(key, params)
        self.missing = missing


STALE_ROW = "Otro proceso guardó este registro mientras lo usábamos; vuelve a intentarlo."

# What a failed connection attempt looks like from asyncpg, aiosqlite and SQLAlchemy.
_CONNECT_ERRORS = (OSError, sa_exc.DBAPIError)


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for an error message or a log line."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url.split("://", 1)[0] + "://…"


@contextmanager
def unavailable_on_connect(url: str) -> Iterator[None]:
    """Turn any failure while connecting into DatabaseUnavailable naming the (masked) URL."""
    try:
        yield
    except _CONNECT_ERRORS as exc:
        raise DatabaseUnavailable(
            f"No se puede usar la base de datos {safe_url(url)}: {_first_line(exc)}"
        ) from exc


def translated(exc: BaseException) -> StorageError | None:
    """The storage error that stands for `exc` raised mid-transaction, or None to keep it as is."""
    if isinstance(exc, StaleDataError):
        return ConcurrentUpdate(STALE_ROW)
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return DatabaseUnavailable(f"Se perdió la conexión a la base de datos: {_first_line(exc)}")
    if isinstance(exc, sa_exc.OperationalError) and "database is locked" in str(exc.orig):
        return DatabaseUnavailable("La base de datos SQLite sigue bloqueada por otro proceso.")
    return None


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy's concurrency and disconnect errors as storage errors."""
    try:
        yield
    except Exception as exc:
        mapped = translated(exc)
        if mapped is None:
            raise
        raise mapped from exc


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
    return text.strip().splitlines()[0]
