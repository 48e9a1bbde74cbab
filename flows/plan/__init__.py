"""The plan's domain rules, pure: views of commitments, due dates, progress, lifecycle, readiness,
and why a change is refused (refusals.py: a ui.yaml key and its values, which storage raises).

Storage converts its rows into the frozen views of `views.py`; everything here works on those
plain values, so a test, the bot or an export can use the same rules without a database.

Exceptions::

    FlowsError (flows.errors)
    └── LifecycleError   a move the lifecycle does not allow; its message is Spanish, for people
"""

from flows.plan.lifecycle import LifecycleError

__all__ = ["LifecycleError"]
