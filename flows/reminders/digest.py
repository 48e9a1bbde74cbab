"""A secretariat's week for its coordinators, as plain data and then as text.

The host gathers `DigestInput` from the database; `digest_context` turns it into the names the
digest template uses (see content/reminders.yaml), and `render_digest` writes the text. A week in
which nothing is due, late, reported or new gets the one-line `empty` text instead.

Each item of the digest is one line, so what people typed (titles, names, units) is placed as one
line (`flat`): a name with a line break cannot add a line of its own. The channel escapes the text
for its markup, as for any message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flows.answers.plain import flat
from flows.plan.lifecycle import STATUS_LABELS
from flows.plan.progress import commitment_progress, indicator_due, late_items, progress_bar
from flows.plan.views import IndicatorView, MilestoneView
from flows.reminders.config import RemindersConfig, format_date
from flows.templating import render

FOLLOWED = ("aprobado", "en_implementacion")  # the statuses whose dates are followed up
STATUS_ORDER = ("en_implementacion", "aprobado", "en_revision", "borrador", "concluido", "cancelado")


@dataclass(frozen=True)
class DigestCommitment:
    id: int
    title: str
    status: str
    milestones: tuple[MilestoneView, ...] = ()
    indicators: tuple[IndicatorView, ...] = ()


@dataclass(frozen=True)
class ReceivedReport:
    indicator: str
    value: float
    unit: str | None
    period: date
    person: str | None
    sector: str | None


@dataclass(frozen=True)
class DigestInput:
    secretariat: str
    week: date  # the Monday of the digest's week (local)
    today: date  # local
    escalate_after_days: int
    commitments: tuple[DigestCommitment, ...] = ()
    reports: tuple[ReceivedReport, ...] = ()  # received since the previous digest
    members_by_sector: Mapping[str, int] = field(default_factory=dict)
    new_members: tuple[str, ...] = ()  # joined since the previous digest
    folded: int = 0  # reminders that were too late to send since the previous digest
    sector_labels: Mapping[str, str] = field(default_factory=dict)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def digest_context(data: DigestInput) -> dict[str, Any]:
    today, week_end = data.today, data.today + timedelta(days=6)
    groups: dict[str, list[dict[str, Any]]] = {}
    due_this_week: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    for c in sorted(data.commitments, key=lambda c: (STATUS_ORDER.index(c.status)
                                                     if c.status in STATUS_ORDER else 99, c.title, c.id)):
        fraction = commitment_progress(c.milestones, c.indicators)
        title = flat(c.title)
        groups.setdefault(c.status, []).append({"title": title, "progress": progress_bar(fraction),
                                                "fraction": fraction})
        if c.status not in FOLLOWED:
            continue
        for m in c.milestones:
            if not m.done and m.due_date is not None and today <= m.due_date <= week_end:
                due_this_week.append({"kind": "hito", "name": flat(m.output), "commitment": title,
                                      "due": format_date(m.due_date), "date": m.due_date})
        for i in c.indicators:
            reported = {r.period_due for r in i.reports}
            for d in indicator_due(i):
                if d not in reported and today <= d <= week_end:
                    due_this_week.append({"kind": "indicador", "name": flat(i.name), "commitment": title,
                                          "due": format_date(d), "date": d})
        for late in late_items(c.milestones, c.indicators, today):
            days_late = (today - late.due).days
            overdue.append({"kind": late.kind, "name": flat(late.name), "commitment": title,
                            "due": format_date(late.due), "days_late": days_late, "missed": late.missed,
                            "escalated": days_late > data.escalate_after_days})
    due_this_week.sort(key=lambda d: (d["date"], d["kind"], d["name"]))
    overdue.sort(key=lambda o: (not o["escalated"], -o["days_late"], o["name"]))
    reports_by_sector = Counter(r.sector or "" for r in data.reports)
    sectors = sorted(set(data.members_by_sector) | set(reports_by_sector))
    label = data.sector_labels
    return {
        "secretariat": {"name": flat(data.secretariat)},
        "week": format_date(data.week),
        "commitments": [
            {"status": STATUS_LABELS.get(status, status), "count": len(items), "entries": items}
            for status, items in groups.items()
        ],
        "due_this_week": due_this_week,
        "overdue": overdue,
        "reports": [
            {"indicator": flat(r.indicator), "value": number(r.value), "unit": flat(r.unit or ""),
             "period": format_date(r.period), "person": flat(r.person or "") or "alguien"}
            for r in data.reports
        ],
        "sectors": [
            {"sector": label.get(s, s.replace("_", " ")) if s else "sin sector",
             "members": data.members_by_sector.get(s, 0), "reports": reports_by_sector.get(s, 0)}
            for s in sectors
        ],
        "new_members": [flat(name) for name in data.new_members if flat(name)],
        "folded": data.folded,
        "escalate_after_days": data.escalate_after_days,
    }


def is_quiet(context: Mapping[str, Any]) -> bool:
    """Nothing due, late, reported, new or missed this week."""
    return not any(context[k] for k in ("due_this_week", "overdue", "reports", "new_members", "folded"))


def render_digest(config: RemindersConfig, data: DigestInput) -> tuple[str, bool]:
    """The digest's text, and whether the week was quiet (the one-line text)."""
    context = digest_context(data)
    quiet = is_quiet(context)
    text = render(config.digest_empty if quiet else config.digest_text, context)
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), quiet
