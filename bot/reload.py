"""Live reload: the content in force behind a callable, swapped only for content that passes the check.

- `ContentHolder()` is the content now. `reload()` loads and checks the folder; with no errors it
  swaps the new content in with one assignment, so an update in flight (which read the content
  once, at its start) finishes on the content it started with. With errors nothing changes.
- `Watcher` polls the folder's files (modification times and sizes) every few seconds as an
  asyncio task of `cocrea run`; a change triggers a reload, and a failed reload is told to the
  admins once per distinct failure.
- Every loaded flow version is recorded in the database (`content_versions`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.texts import ui_text
from flows.checker import check
from flows.errors import ContentInvalid, Problem
from flows.loader import load
from flows.model import Content, Flow
from flows.stats import flow_stats
from storage import UnitOfWork

log = logging.getLogger(__name__)

POLL_SECONDS = 3.0
Fingerprint = dict[str, tuple[int, int]]


def fingerprint(directory: Path) -> Fingerprint:
    """Every content file's (mtime, size); editors' hidden and backup files do not count."""
    found: Fingerprint = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts) or path.name.endswith("~"):
            continue
        with contextlib.suppress(OSError):  # deleted while we looked: the next poll sees it
            if path.is_file():
                stat = path.stat()
                found[str(relative)] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass(frozen=True)
class Change:
    flow_id: str
    old: str | None  # None: a new flow
    new: str | None  # None: a flow that is gone


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    content: Content  # the content in force after this attempt
    errors: tuple[Problem, ...] = ()
    changes: tuple[Change, ...] = ()
    repeated: bool = False  # the same errors as the previous failed attempt


def changes_between(old: Content, new: Content) -> tuple[Change, ...]:
    ids = sorted(set(old.flows) | set(new.flows))
    versions = [(i, old.flows[i].version if i in old.flows else None,
                 new.flows[i].version if i in new.flows else None) for i in ids]
    return tuple(Change(i, a, b) for i, a, b in versions if a != b)


def load_clean(directory: Path) -> tuple[Content, list[Problem]]:
    """The folder's content and its errors (warnings never refuse content)."""
    content, problems = load(directory)
    return content, sorted({p for p in problems + check(content) if p.severity == "error"})


class ContentHolder:
    """The content in force; call it to get it. Thread-safe: reloads run in a worker thread."""

    def __init__(self, directory: Path, content: Content | None = None) -> None:
        self.directory = Path(directory)
        self.seen = fingerprint(self.directory)  # the files as the last (attempted) load saw them
        if content is None:
            content, errors = load_clean(self.directory)
            if errors:
                raise ContentInvalid(errors)
        self._content = content
        self._lock = threading.Lock()
        self._last_errors: tuple[Problem, ...] = ()

    def __call__(self) -> Content:
        return self._content

    def changed(self) -> bool:
        """Whether any file differs from what the last load saw."""
        return fingerprint(self.directory) != self.seen

    def reload(self) -> ReloadResult:
        """Load and check the folder; swap it in only when it has no errors."""
        with self._lock:
            seen = fingerprint(self.directory)  # before reading: a write during the load shows next time
            content, errors = load_clean(self.directory)
            self.seen = seen
            if errors:
                repeated = tuple(errors) == self._last_errors
                self._last_errors = tuple(errors)
                return ReloadResult(False, self._content, tuple(errors), repeated=repeated)
            self._last_errors = ()
            changes = changes_between(self._content, content)
            self._content = content  # the swap: one assignment
            return ReloadResult(True, content, changes=changes)


# -- versions ------------------------------------------------------------------------------------
def summary_of(flow: Flow) -> str:
    stats = flow_stats(flow)
    questions = f"{stats.questions} pregunta{'' if stats.questions == 1 else 's'}"
    return f"{flow.title[:120]} · {stats.steps} pasos, {questions}"


def versions_of(content: Content) -> list[tuple[str, str, str]]:
    return [(f.id, f.version, summary_of(f)) for f in content.flows.values()]


async def record_versions(sessions: Any, content: Content) -> list[str]:
    """Record every flow version of `content`; the flow ids seen in a new version."""
    async with UnitOfWork(sessions) as uow:
        return await uow.content_versions.record(versions_of(content))


# -- words -----------------------------------------------------------------------------------------
def describe(result: ReloadResult) -> str:
    """What an admin is told about a reload, in Spanish: the changes, or every error."""
    content = result.content
    if not result.ok:
        lines = [ui_text(content, "reload_failed", count=len(result.errors))]
        return "\n".join(lines + [str(p) for p in result.errors])
    lines = [ui_text(content, "reload_ok", kits=len(content.kits()), flows=len(content.flows))]
    if not result.changes:
        lines.append(ui_text(content, "reload_unchanged"))
    for change in result.changes:
        if change.old is None:
            lines.append(ui_text(content, "reload_new_flow", flow=change.flow_id, version=change.new))
        elif change.new is None:
            lines.append(ui_text(content, "reload_gone_flow", flow=change.flow_id))
        else:
            lines.append(ui_text(content, "reload_changed_flow", flow=change.flow_id,
                                 old=change.old, new=change.new))
    return "\n".join(lines)


# -- the watcher -----------------------------------------------------------------------------------
Notify = Callable[[str], Awaitable[None]]


class Watcher:
    """Reloads the holder when its files change; `check()` is one poll (tests call it directly)."""

    def __init__(self, holder: ContentHolder, *, sessions: Any = None, notify: Notify | None = None,
                 interval: float = POLL_SECONDS) -> None:
        self.holder, self.sessions, self.notify, self.interval = holder, sessions, notify, interval
        self._task: asyncio.Task[None] | None = None

    async def check(self) -> ReloadResult | None:
        """Reload if a file changed since the last load; None when nothing changed."""
        if not await asyncio.to_thread(self.holder.changed):
            return None
        result = await asyncio.to_thread(self.holder.reload)
        if result.ok:
            log.warning("content reloaded: %s", ", ".join(c.flow_id for c in result.changes) or "no flow changed")
            if self.sessions is not None:
                await record_versions(self.sessions, result.content)
        else:
            log.warning("content reload refused, the previous content stays:\n%s",
                        "\n".join(str(p) for p in result.errors))
            if self.notify is not None and not result.repeated:
                await self.notify(describe(result))
        return result

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # a bad poll must not stop the next one
                log.exception("content watcher: the check failed")

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="content-watcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def attach_watcher(app: Any, holder: ContentHolder, sessions: Any, admins: frozenset[int]) -> Watcher:
    """Start the watcher with python-telegram-bot's application and stop it before the application
    stops; record the versions loaded at start-up. Failed reloads are told to every admin."""

    async def notify(text: str) -> None:
        for admin in sorted(admins):
            try:
                await app.bot.send_message(admin, text[:4000])  # plain text: errors quote YAML
            except Exception:  # an admin that cannot be reached must not stop the others
                log.warning("could not tell admin %s about the content", admin, exc_info=True)

    watcher = Watcher(holder, sessions=sessions, notify=notify)
    previous_init, previous_stop = app.post_init, app.post_stop

    async def post_init(application: Any) -> None:
        if previous_init is not None:
            await previous_init(application)
        await record_versions(sessions, holder())
        watcher.start()

    async def post_stop(application: Any) -> None:
        await watcher.stop()
        if previous_stop is not None:
            await previous_stop(application)

    app.post_init, app.post_stop = post_init, post_stop
    return watcher


async def loaded_versions(database_url: str, content: Content | None) -> list[tuple[str, str, str, str, bool]]:
    """(flow, version, loaded at, summary, in the folder now) for every recorded version."""
    from storage import make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            rows = await uow.content_versions.all()
    finally:
        await engine.dispose()
    current = {f.id: f.version for f in content.flows.values()} if content else {}
    return [(r.flow_id, r.version, r.loaded_at.strftime("%Y-%m-%d %H:%M"), r.summary,
             current.get(r.flow_id) == r.version) for r in rows]
