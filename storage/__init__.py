"""Cocrea's storage: SQLAlchemy models, repositories, one unit of work per update, migrations.

Imports sqlalchemy, alembic and `flows` (for RunState and events); never bot, telegram or the
scheduler.

Exceptions::

    StorageError             base of every error raised here
    ├── DatabaseUnavailable  cannot connect, open the file, lost the connection, busy too long
    ├── ConcurrentUpdate     a row changed since it was loaded (optimistic lock): retry the step
    └── RefusalError         something a person asked that is not written: `key` (a content/ui.yaml
        │                    `bot:` text) and `params`; the channel says the sentence
        ├── NoSecretariat    a commitment written by someone in no secretariat
        └── PlanError        a plan change that cannot be made as asked (rules: flows/plan/refusals.py)
            ├── NothingDue   an indicator report when every period is already reported
            │   └── PeriodTaken  a report for the period chosen, which someone else reported first
            ├── SignoffRefused   a sign-off outside review, without a sector, or a dissent without reason
            ├── RecordRefused    a flow's record for another secretariat, or missing what it needs
            ├── Frozen           a change to the signed text in review or after approval (an amendment)
            ├── StaleSignatures  approval while a counted signature is on another version
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
