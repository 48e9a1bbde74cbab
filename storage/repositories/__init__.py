"""One repository per aggregate; each wraps the unit of work's session and never commits."""

from storage.repositories.commitments import Commitments
from storage.repositories.invites import Invites
from storage.repositories.memberships import Memberships
from storage.repositories.people import People
from storage.repositories.plan import Plan
from storage.repositories.runs import Runs
from storage.repositories.secretariats import Secretariats
from storage.repositories.updates import Updates

__all__ = ["Commitments", "Invites", "Memberships", "People", "Plan", "Runs", "Secretariats", "Updates"]
