"""Reminders, digests and broadcasts: plan the outbox rows, then send the due ones, exactly once.

Broadcasts (/difundir) are not planned here: the confirming turn writes them (bot/commands/difundir.py).

    planner.plan_all     sync the reminder rows of the secretariats that changed (or whose time came); add due digests
    dispatcher.Dispatcher  claim due rows atomically, send them (rate-limited), mark the outcome
    tick.tick            one pass of both: what `cocrea reminders tick` and the job in `cocrea run` do
    jobs.start_scheduler   APScheduler: a tick every 30 s inside `cocrea run`; every process plans, the leader sends

Delivery is at least once per claim and exactly once in the table: a row is marked `sending` and
committed before the message goes out, and `sent` right after. If the worker dies between the
send and that mark, the row is claimed again once its lease runs out (LEASE) and the person may
get that one message twice; a row is never lost and never sent by two live workers. Rows of a
worker of this host whose process is gone are claimed again at once (dispatcher.orphaned).
"""

from bot.scheduler.dispatcher import Dispatcher, DispatchStats
from bot.scheduler.limiter import RateLimiter
from bot.scheduler.tick import TickStats, tick

__all__ = ["DispatchStats", "Dispatcher", "RateLimiter", "TickStats", "tick"]
