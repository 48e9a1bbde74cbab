"""Exports of a secretariat's plan: Markdown, CSV, XLSX, JSON, and OGP-template documents.

`snapshot.load_snapshot` turns one secretariat's plan (storage's `Plan.load`, as flows.plan views)
into plain values in the secretariat's time zone; each format is a small module over that
snapshot; `render` gives the files a format produces (`ogp`: one per commitment).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.export.snapshot import PlanSnapshot, load_snapshot
from flows.model import Content

FORMATS = ("md", "csv", "xlsx", "json", "ogp")
TEXT_FORMATS = frozenset({"md", "csv", "json", "ogp"})
OGP_SEPARATOR = "\n\n---\n\n"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    data: bytes


def render(snapshot: PlanSnapshot, fmt: str, content: Content) -> list[ExportFile]:
    """The files of format `fmt`; ValueError for an unknown format."""
    from bot.export import jsondoc, markdown, tables, workbook
    from bot.export.labels import Labels

    stem = f"plan-{snapshot.secretariat_id}"
    if fmt == "md":
        return [ExportFile(f"{stem}.md", markdown.plan_markdown(snapshot, content).encode())]
    if fmt == "csv":
        # A byte-order mark, so Excel opens the accents right; the csv module reads it with utf-8-sig.
        return [ExportFile(f"{stem}.csv", tables.plan_csv(snapshot).encode("utf-8-sig"))]
    if fmt == "xlsx":
        return [ExportFile(f"{stem}.xlsx", workbook.plan_xlsx(snapshot, Labels(content)))]
    if fmt == "json":
        return [ExportFile(f"{stem}.json", jsondoc.plan_json(snapshot).encode())]
    if fmt == "ogp":
        return [ExportFile(name, text.encode()) for name, text in markdown.ogp_documents(snapshot, content)]
    raise ValueError(f"unknown export format {fmt!r}")


__all__ = ["FORMATS", "OGP_SEPARATOR", "TEXT_FORMATS", "ExportFile", "PlanSnapshot", "load_snapshot", "render"]
