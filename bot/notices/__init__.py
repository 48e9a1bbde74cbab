"""Notices: what changed in a unit of work, told through the outbox to those who should hear of it.

Every plan event is an audit entry (storage Plan.audit). Before the unit of work commits, the loop
that ran it calls `write_notices`: each entry written during it is matched against RULES
(rules.py) and becomes outbox rows (kind 'notice'), grouped per address and commitment. An action
without a rule tells nobody, so a new kind of event is told by adding one Rule.
"""

from bot.notices.rules import KINDS, RULES, Rule
from bot.notices.writer import WINDOW, write_notices

__all__ = ["KINDS", "RULES", "WINDOW", "Rule", "write_notices"]
