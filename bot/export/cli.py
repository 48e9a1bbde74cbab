"""`cocrea export SECRETARIAT --format md|csv|xlsx|json|ogp [-o FILE]`.

Text formats go to standard output unless -o is given. XLSX is a file: -o names it, or it is
written as plan-<id>.xlsx in the current folder. OGP documents go one after another, separated
by a `---` line; with -o pointing at a folder (one that exists, or a path ending in /), each
commitment gets its own compromiso-<id>.md there.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.export import OGP_SEPARATOR, ExportFile, load_snapshot, render
from flows.model import Content


async def export_files(settings: Any, which: str, fmt: str, content: Content) -> list[ExportFile]:
    """The files of secretariat `which` (id or exact name); ValueError (Spanish) when there is none."""
    from bot.invites import find_secretariat
    from storage import UnitOfWork, make_engine, make_session_factory
    from storage.migrate import upgrade

    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            secretariat = await find_secretariat(uow, which)
            snapshot = await load_snapshot(uow.plan, secretariat.id, datetime.now(UTC))
            assert snapshot is not None
            await uow.plan.audit(secretariat.id, None, "export", {
                "format": fmt, "channel": "cli", "commitments": len(snapshot.commitments)})
    finally:
        await engine.dispose()
    return render(snapshot, fmt, content)


def _text(file: ExportFile) -> str:
    return file.data.decode("utf-8-sig")


def write(files: list[ExportFile], fmt: str, output: str | None, out: TextIO) -> list[Path]:
    """Write or print the files as the docstring says; the paths written."""
    if fmt == "ogp" and output and (output.endswith(("/", "\\")) or Path(output).is_dir()):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for file in files:
            (folder / file.filename).write_bytes(file.data)
        return [folder / f.filename for f in files]
    if fmt == "ogp":
        files = [ExportFile("compromisos-ogp.md", OGP_SEPARATOR.join(_text(f).rstrip("\n") for f in files)
                            .encode() + b"\n")] if files else []
    if output is None and fmt != "xlsx":
        for file in files:
            out.write(_text(file))
        return []
    paths = []
    for file in files:
        path = Path(output) if output else Path(file.filename)
        path.write_bytes(file.data)
        paths.append(path)
    return paths


def run_export(settings: Any, content: Content, which: str, fmt: str, output: str | None) -> int:
    try:
        files = asyncio.run(export_files(settings, which, fmt, content))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    if fmt == "ogp" and not files:
        print("Este secretariado todavía no tiene compromisos: no hay documentos OGP que exportar.",
              file=sys.stderr)
        return 0
    for path in write(files, fmt, output, sys.stdout):
        print(f"plan exportado en {path}", file=sys.stderr if output is None and fmt != "xlsx" else sys.stdout)
    return 0
