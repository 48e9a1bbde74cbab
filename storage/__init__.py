"""Cocrea's storage: SQLAlchemy models, repositories, one unit of work per update, migrations.

Imports sqlalchemy, alembic and `flows` (for RunState and events); never bot, telegram or the
scheduler.

Exceptions::

    StorageError             base of every error raised here
    ├── DatabaseUnavailable  cannot connect, open the file, lost the connection, busy too long
    ├── ConcurrentUpdate     a row changed since it was loaded (optimistic lock): retry the step
    ├── NoSecretariat        a commitment written by someone in no secretariat (Spanish text)
    └── PlanError            a plan change that cannot be made as asked (Spanish text)
        ├── NothingDue       an indicator report when every period is already reported
        │   └── PeriodTaken  a report for the period chosen, which someone else reported first
        ├── SignoffRefused   a sign-off outside review, without a sector, or a dissent without reason
        └── QuorumNotMet     approval before every required sector signed

Bad arguments (an unsupported URL, an unknown kind, role or time zone) raise ValueError.
"""

from storage.db import async_url, make_engine, make_session_factory
from storage.errors import ConcurrentUpdate, DatabaseUnavailable, NoSecretariat, StorageError
from storage.uow import Repositories, UnitOfWork

__all__ = [
    "ConcurrentUpdate",
    "DatabaseUnavailable",
    "NoSecretariat",
    "StorageError",
    "Repositories",
    "UnitOfWork",
    "async_url",
    "make_engine",
    "make_session_factory",
]
