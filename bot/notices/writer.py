"""The audit entries of one unit of work as notice rows in the outbox (see bot/notices/__init__.py).

Who hears: the rule's audience, minus the person who caused the event, minus anyone not a member
of the event's secretariat (a notice never crosses secretariats), minus people inactive, without
an address that can be written to, or who muted that kind of notice. Each address gets at most
one line per event; rows are grouped per address and commitment (Outbox.add_notice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.channel import Address, sendable
from bot.commands._plan import number_text, sector_label_in
from bot.commands.registry import COMMAND_BUTTON
from bot.notices.rules import GROUP, LAPSED, REPLIED, SECTORS, SIGNERS, WRITERS, Rule, rules_for
from bot.texts import ui_text
from flows.answers.plain import flat
from flows.model import Content
from flows.plan import lifecycle
from flows.plan.readiness import parse_date
from flows.plan.views import CommitmentView, PlanView
from storage import Repositories
from storage.models import AuditEntry, Commitment
from storage.repositories.outbox import Notice

WINDOW = timedelta(minutes=10)  # at most one notice an address per commitment in this long
Acta = Callable[[Commitment], Awaitable[str | None]]


async def write_notices(repos: Repositories, content: Content, now: datetime, *, acta: Acta | None = None) -> int:
    """Turn the plan events written so far in this unit of work into notice rows; how many rows
    were written or joined. Call it last, before the commit."""
    written = 0
    for entry in repos.audit.written():
        rules = rules_for(entry.action, entry.detail or {})
        if rules and entry.secretariat_id is not None:
            written += await _tell(repos, content, now, entry, rules, acta)
    return written


async def _tell(repos: Repositories, content: Content, now: datetime, entry: AuditEntry, rules: list[Rule],
                acta: Acta | None) -> int:
    detail = entry.detail or {}
    assert entry.secretariat_id is not None
    commitment = await repos.plan.commitment(entry.secretariat_id, int(detail.get("commitment_id") or 0))
    plan = await repos.plan.load(entry.secretariat_id, [commitment.id]) if commitment is not None else None
    if commitment is None or plan is None or not plan.commitments:
        return 0
    view = plan.commitments[0]
    secretariat = await repos.secretariats.get(entry.secretariat_id)
    members = {m.person_id: m.role for m in plan.members}
    addresses = await repos.addresses.of_people(members)
    muted = await repos.mutes.of_people(members)
    params = await _params(repos, content, entry, plan, view)
    header = ui_text(content, "notice_header", secretariat=plan.name, number=view.id,
                     title=flat(view.title or str(view.fields.get("title") or "")) or ui_text(content, "plan_untitled"))
    told: set[Address] = set()
    count = 0
    for rule in rules:
        line = ui_text(content, rule.line, **params)
        document = await acta(commitment) if rule.acta and acta is not None else None
        for person_id, to in await _audience(repos, rule, entry, plan, view, members, addresses, secretariat):
            if to in told or (person_id is not None and rule.kind in muted.get(person_id, set())):
                continue
            told.add(to)
            buttons: tuple[dict[str, str], ...] = ()
            if rule.button is not None and person_id is not None:
                label, command = rule.button
                buttons = ({"label": ui_text(content, label), "step_id": f"{COMMAND_BUTTON}{command}",
                            "value": str(view.id)},)
            notice = Notice(event_id=entry.id, secretariat_id=plan.secretariat_id, commitment_id=view.id,
                            person_id=person_id, to=to, rule=rule.line.removeprefix("notice_"), header=header,
                            line=line, buttons=buttons,
                            attachment=document.encode("utf-8") if document else None,
                            attachment_name=f"acta-compromiso-{view.id}.md" if document else None)
            if await repos.outbox.add_notice(notice, now=now, window=WINDOW) != "seen":
                count += 1
    return count


async def _audience(repos: Repositories, rule: Rule, entry: AuditEntry, plan: PlanView, view: CommitmentView,
                    members: dict[int, str], addresses: dict[int, Any], secretariat: Any,
                    ) -> list[tuple[int | None, Address]]:
    """Who hears of `entry` by `rule`: (person id, address), or (None, the group's chat)."""
    detail = entry.detail or {}
    wanted: list[int] = []
    found: list[tuple[int | None, Address]] = []
    for role in rule.audience:
        if role == GROUP:
            if secretariat is not None and secretariat.group_chat_id is not None:
                found.append((None, ("telegram", str(secretariat.group_chat_id))))
            else:
                wanted += [pid for pid, r in members.items() if r == "coordinator"]
        elif role == WRITERS:
            wanted += [view.created_by] if view.created_by is not None else []
            wanted += [c.person_id for c in await repos.plan.history(view.id) if c.person_id is not None]
        elif role == SIGNERS:
            wanted += [s.person_id for s in view.signoffs if s.person_id is not None]
        elif role == SECTORS:
            required = set(lifecycle.required_sectors(secretariat.signoff_sectors if secretariat else None))
            wanted += [pid for pid in members if (p := plan.people.get(pid)) is not None and p.sector in required]
        elif role == LAPSED:
            wanted += [int(p) for p in detail.get("lapsed") or [] if str(p).isdigit()]
        elif role == REPLIED:
            author = detail.get("reply_to_author", detail.get("author"))
            wanted += [int(author)] if author is not None else []
    seen: set[int] = set()
    for person_id in wanted:
        person = plan.people.get(person_id)
        if person_id in seen or person_id == entry.person_id or person_id not in members or person is None \
                or not person.active:
            continue  # never the one who did it, never someone of another secretariat
        seen.add(person_id)
        to = sendable(addresses.get(person_id, ()))
        if to is not None:
            found.append((person_id, to))
    return found


def _day(iso: Any) -> str:
    found = parse_date(iso)
    return found.strftime("%d/%m/%Y") if found is not None else "—"


async def _params(repos: Repositories, content: Content, entry: AuditEntry, plan: PlanView,
                  view: CommitmentView) -> dict[str, Any]:
    """What a line may say: who did it, and the event's own values in words."""
    detail = entry.detail or {}
    actor = plan.people.get(entry.person_id) if entry.person_id is not None else None
    params: dict[str, Any] = {
        "who": flat(actor.name or "") if actor and actor.name else ui_text(content, "notice_someone"),
        "number": view.id,
        "before": lifecycle.label(str(detail.get("from") or "")),
        "after": lifecycle.label(str(detail.get("to") or "")),
        "sector": sector_label_in(content, detail.get("sector")),
        "status": detail.get("status"),
        "amendment": detail.get("amendment"),
        "reason": flat(str(detail.get("reason") or "")),
    }
    if entry.action == "commitment_signed":
        signoff = next((s for s in reversed(view.signoffs) if s.person_id == entry.person_id), None)
        params["reason"] = flat(signoff.reason or "") if signoff and signoff.reason else ""
    if entry.action == "indicator_reported":
        indicator = next((i for i in view.indicators if i.id == detail.get("indicator_id")), None)
        params.update(indicator=flat(indicator.name) if indicator else "",
                      unit=(indicator.unit or "") if indicator else "",
                      value=number_text(float(detail.get("value") or 0)), period=_day(detail.get("period")),
                      evidence=bool(detail.get("evidence_kind")))
    if entry.action in ("comment_added", "comment_marked"):
        comment = await repos.comments.get(plan.secretariat_id, int(detail.get("comment_id") or 0))
        text = flat(comment.text) if comment else ""
        params["comment"] = text if len(text) <= 300 else text[:299] + "…"
    return params
