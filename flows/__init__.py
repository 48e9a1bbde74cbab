"""The pure flow engine: content model, loader and checker, step kinds, answers, templates.

Nothing here performs I/O beyond reading content files, and nothing imports telegram,
sqlalchemy, apscheduler, rasa_sdk, storage or bot: a test, a terminal or another channel
drives it with plain Python values.

Exceptions::

    FlowsError
    ├── ContentInvalid   content that fails the check (carries every Problem found)
    └── Rejected         an answer that does not fit its question (carries a UI text key)
"""

from flows.errors import ContentInvalid, FlowsError, Rejected

__all__ = ["ContentInvalid", "FlowsError", "Rejected"]
