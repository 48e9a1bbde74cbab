"""/compromisos: the secretariat's commitments with status and progress; /compromiso N: one card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.commands._plan import (
    catalog_labels,
    day,
    find_commitment,
    last_value,
    moment,
    parse_number,
    sector_label,
    sectors_text,
    split_args,
    title_of,
)
from bot.commands._versions import field_text, history, page_of
from bot.commands.registry import COMMAND_BUTTON, MEMBER, MEMBER_MENU, command
from bot.export.labels import FIELD_LABELS, actor_lines
from flows.answers.plain import flat
from flows.events import Button, MessageOut
from flows.plan import lifecycle, readiness, versions
from flows.plan.progress import commitment_progress, latest_progress, progress_bar
from flows.text import normalize
from storage.models import Commitment

if TYPE_CHECKING:
    from bot.context import Context
    from flows.inputs import Command


@command("compromisos", role=MEMBER, menu=MEMBER_MENU, menu_order=5)
async def compromisos(ctx: Context, inp: Command) -> None:
    word, _ = split_args(inp.args)
    if word:  # /compromisos 3 is the card too
        await show_card(ctx, word)
        return
    secretariat = await ctx.secretariat()
    commitments = await ctx.repos.plan.commitments_of(secretariat.id)
    if not commitments:
        ctx.say("plan_none")
        return
    lines = [ctx.text("plan_list_header", secretariat=secretariat.name)]
    plan = await ctx.repos.plan.load(secretariat.id)
    views = {c.id: c for c in plan.commitments} if plan is not None else {}
    for commitment in commitments:
        view = views[commitment.id]
        milestones, indicators = view.milestones, view.indicators
        lines.append(ctx.text(
            "plan_list_line", number=commitment.id, title=title_of(ctx, commitment),
            status=lifecycle.label(commitment.status),
            bar=progress_bar(commitment_progress(milestones, indicators)),
        ))
    lines.append(ctx.text("plan_list_footer", example=commitments[0].id))
    ctx.send(MessageOut("\n".join(lines)))


@command("compromiso", role=MEMBER)
async def compromiso(ctx: Context, inp: Command) -> None:
    word, rest = split_args(inp.args)
    what, page = split_args(rest)
    if normalize(what) == "historial":
        await show_history(ctx, word, page)
        return
    await show_card(ctx, word)


async def show_history(ctx: Context, word: str, page_word: str) -> None:
    """/compromiso N historial [página]: versions, signatures, amendments and changes, newest last, a
    phone screen a page; without a page, the newest one."""
    commitment = await find_commitment(ctx, word, "compromiso")
    if commitment is None:
        return
    lines = await history(ctx, commitment)
    pages = page_of(lines, 1)[1]
    page = parse_number(page_word) if page_word.strip() else pages  # the newest page first
    shown, _ = page_of(lines, page or 1)
    if not page or not shown:
        ctx.say("history_no_page", number=commitment.id, pages=pages)
        return
    header = ctx.text("history_header", title=flat(title_of(ctx, commitment)), number=commitment.id, page=page,
                      pages=pages)
    footer = [ctx.text("history_pages", number=commitment.id, earlier=page - 1 if page > 1 else None,
                       later=page + 1 if page < pages else None)] if pages > 1 else []
    ctx.send(MessageOut("\n".join([header, *shown, *footer])))


async def show_card(ctx: Context, word: str) -> None:
    commitment = await find_commitment(ctx, word, "compromiso")
    if commitment is not None:
        ctx.send(MessageOut(await card(ctx, commitment), buttons=await comment_buttons(ctx, commitment),
                            step_id=f"{COMMAND_BUTTON}comentar"))


async def comment_buttons(ctx: Context, commitment: Commitment) -> tuple[Button, ...]:
    """«Comentar», and «Responder» to each comment shown: /comentar N (#C)."""
    latest = await ctx.repos.comments.latest(commitment.id)
    replies = tuple(Button(ctx.text("card_button_reply", number=c.id, name=flat(c.name or "") or "—"),
                           f"{commitment.id} #{c.id}") for c in latest)
    return (Button(ctx.text("card_button_comment"), str(commitment.id)), *replies)


async def comment_lines(ctx: Context, commitment: Commitment) -> list[str]:
    """The latest comments, oldest of them first, each with its number, author, time and mark."""
    latest = await ctx.repos.comments.latest(commitment.id)
    if not latest:
        return [ctx.text("card_no_comments", number=commitment.id)]
    lines = [ctx.text("card_comments", count=await ctx.repos.comments.count(commitment.id), shown=len(latest))]
    for c in latest:
        lines.append(ctx.text("card_comment", number=c.id, name=flat(c.name or "") or "—",
                              when=await moment(ctx, c.created_at), text=flat(c.text), reply_to=c.reply_to,
                              mark=c.status if c.status != "abierto" else ""))
    return lines


ON_THE_CARD = frozenset({"title", "problem", "objective", "ogp_values", "ods_targets", "start_date", "end_date",
                         "self_completion", "opened_government", "lessons_learned"})


def other_fields(ctx: Context, fields: Mapping[str, Any]) -> list[str]:
    """Every other field a kit wrote, under its Spanish label (bot/export/labels.py), in its order."""
    lines = []
    for key, label in FIELD_LABELS.items():
        value = fields.get(key)
        if key in ON_THE_CARD or value in (None, "", [], {}):
            continue
        if key == "actors":  # Kit 7's map: one line an actor
            lines.append(ctx.text("card_actors", label=label))
            lines.extend(ctx.text("card_actor", line=flat(line)) for line in actor_lines(value))
            continue
        lines.append(ctx.text("card_field", label=label, value=field_text(ctx, key, value)))
    return lines


async def version_lines(ctx: Context, commitment: Commitment) -> list[str]:
    """Which version is in review or approved, and an open amendment (the card shows the working text)."""
    store = ctx.repos.plan.versions
    amendment = await ctx.repos.plan.amendment(commitment)
    approved = await store.approved(commitment.id)
    in_review = await store.open(commitment.id)
    lines = []
    if in_review is not None and await ctx.repos.plan.stage(commitment) == "en_revision":
        lines.append(ctx.text("card_version_review", version=in_review.number, short=versions.short(in_review.digest),
                              amendment=amendment.number if amendment is not None else None))
    elif approved is not None and amendment is None:
        lines.append(ctx.text("card_version_approved", version=approved.number, short=versions.short(approved.digest)))
    if amendment is not None:
        lines.append(ctx.text("card_amendment", amendment=amendment.number, stage=lifecycle.label(amendment.stage),
                              reason=flat(amendment.reason), version=approved.number if approved else "—"))
    if lines or await store.of(commitment.id):
        lines.append(ctx.text("card_history", number=commitment.id))
    return lines


async def card(ctx: Context, commitment: Commitment) -> str:
    """Everything about one commitment, as a person reads it."""
    view, milestones, indicators, signoffs = await ctx.repos.plan.view(commitment)
    fields = view.fields
    t = ctx.text
    lines = [
        t("card_title", number=commitment.id, title=flat(title_of(ctx, commitment))),
        t("card_status", status=lifecycle.label(view.status),
          completion=lifecycle.IRM_LABELS.get(view.irm_completion, view.irm_completion)),
        t("card_progress", bar=progress_bar(commitment_progress(milestones, indicators))),
        *await version_lines(ctx, commitment),
        t("card_problem", value=fields.get("problem") or "—"),
        t("card_objective", value=fields.get("objective") or "—"),
        t("card_ogp", value=catalog_labels(ctx, "ogp_values", fields.get("ogp_values")) or "—"),
        t("card_ods", value=catalog_labels(ctx, "ods_targets", fields.get("ods_targets")) or "—"),
        *other_fields(ctx, fields),
    ]
    if view.start_date or view.end_date:
        lines.append(t("card_dates", start=day(view.start_date), end=day(view.end_date)))
    if fields.get("self_completion") or fields.get("opened_government"):  # Kit 8's self-assessment
        lines.append(t("card_self_assessment",
                       completion=catalog_labels(ctx, "irm_completion", fields.get("self_completion")).lower() or "—",
                       opened=catalog_labels(ctx, "irm_opened_government",
                                             fields.get("opened_government")).lower() or "—"))
    if fields.get("lessons_learned"):
        lines.append(t("card_lessons", value=flat(str(fields["lessons_learned"]))))
    lines.append("")
    if milestones:
        lines.append(t("card_milestones"))
        for m in milestones:
            lines.append(t("card_milestone", mark="✔" if m.done else "○", output=flat(m.output),
                           due=day(m.due_date), responsible=flat(m.responsible or "") or "—"))
    else:
        lines.append(t("card_no_milestones"))
    if indicators:
        lines.append(t("card_indicators"))
        for i in indicators:
            lines.append(t("card_indicator", name=flat(i.name), last=last_value(ctx, i),
                           bar=progress_bar(latest_progress(i))))
            if i.baseline is None and i.baseline_due is not None:
                lines.append(t("card_baseline_pending", due=day(i.baseline_due)))
    else:
        lines.append(t("card_no_indicators"))
    if signoffs:
        lines.append(t("card_signoffs"))
        for s in lifecycle.latest_decisions(signoffs):
            key = "card_signoff" if s.decision == "aprueba" else "card_dissent"
            lines.append(t(key, name=flat(s.name or "") or "—", sector=sector_label(ctx, s.sector),
                           when=await moment(ctx, s.signed_at), reason=flat(s.reason or "") or "—"))
    lines.append("")
    lines.extend(await comment_lines(ctx, commitment))
    if await ctx.repos.plan.stage(commitment) == "en_revision":  # the commitment's review or its amendment's
        quorum = await ctx.repos.plan.quorum(commitment)
        lines.append("")
        if quorum.met:
            lines.append(t("card_quorum_met", number=commitment.id))
        else:
            lines.append(t("card_quorum_missing", number=commitment.id,
                           sectors=sectors_text(ctx, quorum.missing_sectors) or t("approve_anyone")))
    if view.status == "borrador":
        result = readiness.check(view, milestones, indicators)
        lines.append("")
        if result.missing:
            lines.append(t("card_missing_header"))
            lines.extend(t("card_missing_line", item=item) for item in result.missing)
        else:
            lines.append(t("card_ready", number=commitment.id))
        lines.append(t("card_completeness", completeness=result.completeness, points=result.points,
                       total=readiness.SIGNALS))
    return "\n".join(lines)
