"""The plan as Markdown (content/templates/plan.md.j2), and one OGP-template document per commitment."""

from __future__ import annotations

from pathlib import Path

from bot.export.labels import Labels
from bot.export.snapshot import PlanSnapshot
from bot.export.views import commitment_view, plan_view
from flows.loader import default_content_dir
from flows.model import Content
from flows.templating import render_document

PLAN_TEMPLATE = "plan.md.j2"
OGP_TEMPLATE = "compromiso_ogp.md.j2"


def template(content: Content, name: str) -> str:
    """The content's own template, or the one shipped with Cocrea when that content has none."""
    for folder in (Path(content.directory), default_content_dir()):
        path = folder / "templates" / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no existe la plantilla templates/{name}")


def plan_markdown(snapshot: PlanSnapshot, content: Content) -> str:
    return render_document(template(content, PLAN_TEMPLATE), {"plan": plan_view(snapshot, Labels(content))})


def ogp_documents(snapshot: PlanSnapshot, content: Content) -> list[tuple[str, str]]:
    """(file name, Markdown) for each commitment, in the shape of OGP's commitment template."""
    labels, source = Labels(content), template(content, OGP_TEMPLATE)
    secretariat = plan_view(snapshot, labels)["secretariat"]
    return [
        (f"compromiso-{c.id}.md",
         render_document(source, {"c": commitment_view(c, labels), "secretariat": secretariat}))
        for c in snapshot.commitments
    ]
