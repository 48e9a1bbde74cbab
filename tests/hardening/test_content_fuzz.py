"""Broken kit files: the loader and checker report, never raise; `cocrea content check` exits 1 with
`file:line: message` lines and no traceback; a running bot's reload refuses them and keeps its content.

Targeted mutations (a deleted key, a wrong type, a dangling `next`, a broken or malicious Jinja template,
random bytes, a duplicated id, a huge file) must each be refused. Random mutations (hypothesis) must
never make the loader raise, and whatever has errors is never swapped in. A load takes ~0.5 s, so CI
tries 10 random ones (COCREA_HARDENING_EXAMPLES raises it).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reload import ContentHolder
from flows.loader import default_content_dir
from tests.bot.conftest import cocrea_command, cocrea_env
from tests.hardening.conftest import EXAMPLES, HARDENING

KITS = sorted(p.name for p in (default_content_dir() / "kits").glob("*.yaml"))
PROBLEM_LINE = re.compile(r"^[\w./-]+\.ya?ml:\d+: ", re.MULTILINE)
Mutation = Callable[[dict[str, Any], random.Random], Any]


def _step(flow: dict[str, Any], rng: random.Random, kind: str | None = None) -> dict[str, Any]:
    if not isinstance(flow.get("steps"), list):  # an earlier mutation replaced the list
        flow["steps"] = [{"id": "nuevo", "type": kind or "message"}]
    steps = [s for s in flow["steps"] if isinstance(s, dict) and (kind is None or s.get("type") == kind)]
    if not steps:
        flow["steps"].append({"id": "nuevo", "type": kind or "message", "text": "x"})
        return _step(flow, rng, kind)
    return steps[rng.randrange(len(steps))]


def delete_key(flow: dict[str, Any], rng: random.Random) -> None:
    step = _step(flow, rng, "question")
    del step[rng.choice([k for k in ("id", "type", "text", "answer") if k in step])]


def wrong_type(flow: dict[str, Any], rng: random.Random) -> None:
    flow["steps"] = {"no": "una lista"} if rng.random() < 0.3 else flow["steps"]
    if isinstance(flow["steps"], list):
        _step(flow, rng, "question")["answer"] = rng.choice([12, ["choice"], None, "telepatia"])


def dangling_next(flow: dict[str, Any], rng: random.Random) -> None:
    _step(flow, rng)["next"] = "paso_que_no_existe"


def broken_template(flow: dict[str, Any], rng: random.Random) -> None:
    _step(flow, rng, "message")["text"] = rng.choice(["Hola {{ person.name ", "{% if %}x", "{{ nada_definido }}"])


def sandbox_trick(flow: dict[str, Any], rng: random.Random) -> None:
    _step(flow, rng, "message")["text"] = rng.choice([
        "{{ ''.__class__.__mro__ }}", "{{ answers.__class__ }}", "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}", "{{ person.__class__.__base__.__subclasses__() }}"])


def duplicate_id(flow: dict[str, Any], rng: random.Random) -> None:
    _step(flow, rng)
    flow["steps"].append(dict(flow["steps"][0]))
    first, second = rng.sample(range(len(flow["steps"])), 2)
    flow["steps"][second]["id"] = flow["steps"][first]["id"]


def unknown_kind(flow: dict[str, Any], rng: random.Random) -> None:
    _step(flow, rng)["type"] = "teletransporte"


STRUCTURED: dict[str, Mutation] = {f.__name__: f for f in (
    delete_key, wrong_type, dangling_next, broken_template, sandbox_trick, duplicate_id, unknown_kind)}


def random_bytes(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 40)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data) + b"\n\xff\xfe: [")


def huge_file(path: Path, rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + ("  - id: x\n    type: message\n    text: " + "a" * 1000 + "\n") * 3000)


def truncated(path: Path, rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: rng.randrange(1, len(text) // 2)])


RAW = {f.__name__: f for f in (random_bytes, huge_file, truncated)}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(default_content_dir(), target)
    return target


@pytest.fixture(scope="module")
def holder(pristine: Path) -> ContentHolder:
    return ContentHolder(pristine)


def mutate(directory: Path, kit: str, name: str, seed: int) -> None:
    rng, path = random.Random(seed), directory / "kits" / kit
    if name in RAW:
        RAW[name](path, rng)
        return
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    STRUCTURED[name](flow, rng)
    path.write_text(yaml.safe_dump(flow, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def mutated(pristine: Path) -> Iterator[Callable[[str, str, int], None]]:
    """Mutates one kit of the shared copy; the file is put back afterwards."""
    saved: dict[Path, bytes] = {}

    def apply(kit: str, name: str, seed: int) -> None:
        path = pristine / "kits" / kit
        saved.setdefault(path, path.read_bytes())
        mutate(pristine, kit, name, seed)

    yield apply
    for path, data in saved.items():
        path.write_bytes(data)


def assert_refused(holder: ContentHolder, where: str) -> None:
    before = holder()
    result = holder.reload()
    assert not result.ok and result.errors, f"{where}: se aceptó contenido roto"
    assert holder() is before and result.content is before, where
    assert all(PROBLEM_LINE.match(str(p)) for p in result.errors), f"{where}: {[str(p) for p in result.errors]}"


@pytest.mark.parametrize("name", [*STRUCTURED, *RAW])
def test_each_kind_of_breakage_is_reported_and_never_loaded(name: str, holder: ContentHolder,
                                                            mutated: Callable[[str, str, int], None]) -> None:
    kit = KITS[sorted([*STRUCTURED, *RAW]).index(name) % len(KITS)]
    mutated(kit, name, 7)
    assert_refused(holder, f"{name} en {kit}")


def test_the_pristine_copy_loads(holder: ContentHolder) -> None:
    assert holder.reload().ok


@settings(HARDENING, max_examples=max(EXAMPLES, 40) // 4)
@given(kit=st.sampled_from(KITS), name=st.sampled_from([*STRUCTURED, *RAW]), seed=st.integers(0, 2**32),
       extra=st.sampled_from([None, *STRUCTURED]))
def test_random_breakage_never_raises_and_is_never_loaded(kit: str, name: str, seed: int, extra: str | None,
                                                          pristine: Path) -> None:
    path = pristine / "kits" / kit
    original = path.read_bytes()
    try:
        mutate(pristine, kit, name, seed)
        if extra is not None and name not in RAW:
            mutate(pristine, kit, extra, seed + 1)
        holder = ContentHolder(pristine, content=object())  # type: ignore[arg-type]
        result = holder.reload()  # loads and checks: must not raise
        assert result.ok or (holder() is result.content and all(PROBLEM_LINE.match(str(p)) for p in result.errors))
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("name", ["random_bytes", "dangling_next", "sandbox_trick", "duplicate_id"])
def test_content_check_exits_1_with_file_line_and_no_traceback(name: str, tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(default_content_dir(), directory)
    mutate(directory, KITS[0], name, 3)
    done = subprocess.run(cocrea_command("content", "check", str(directory)), capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env=cocrea_env(tmp_path / "x.db"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert PROBLEM_LINE.search(done.stdout), done.stdout
