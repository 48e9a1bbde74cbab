"""The content model: flows made of steps, catalogs of options, and the assistant's own words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flows.glossary import Glossary
from flows.records import DYNAMIC_LISTS, list_items
from flows.text import normalize
from flows.yamlsource import LineDict

FORMAT = 1  # the current content format; the loader upgrades older ones
STEP_ID = re.compile(r"^[a-z0-9_]+$")  # stable ids: saved progress points at them


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Step:
    id: str
    type: str
    data: LineDict
    file: str
    index: int

    @property
    def line(self) -> int:
        return self.data.line

    def line_of(self, key: str) -> int:
        return self.data.line_of(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def save_as(self) -> str:
        return str(self.data.get("save_as") or self.id)

    @property
    def label(self) -> str:
        """A short name for the answer, for summaries and the 'what to correct' menu."""
        return str(self.data.get("label") or self.save_as.replace("_", " ").capitalize())


@dataclass
class Flow:
    id: str
    kind: str  # "kit" or "flow"
    title: str
    file: str
    version: str  # a digest of the file: runs remember which text they started on
    steps: dict[str, Step]
    order: list[str]
    data: LineDict
    number: int | None = None
    purpose: str = ""

    @property
    def first(self) -> str | None:
        return self.order[0] if self.order else None

    def following(self, step_id: str) -> str | None:
        """The step written below `step_id`, where a step without `next` goes."""
        index = self.order.index(step_id)
        return self.order[index + 1] if index + 1 < len(self.order) else None

    def next_of(self, step: Step) -> str | None:
        target = step.get("next")
        return str(target) if target else self.following(step.id)

    def dynamic_lists(self) -> set[str]:
        """The host-provided lists this flow's questions use (the host fills only these)."""
        return {str(s.get("options_from")) for s in self.steps.values()
                if s.type == "question" and str(s.get("options_from")) in DYNAMIC_LISTS}

    @property
    def question_ids(self) -> list[str]:
        return [sid for sid in self.order if self.steps[sid].type == "question"]


@dataclass
class Content:
    directory: str
    flows: dict[str, Flow]
    catalogs: dict[str, tuple[Option, ...]]
    ui: Mapping[str, Any]
    ods: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""
    ui_file: str = "content/ui.yaml"
    glossary: Glossary | None = None  # content/glossary.yaml, when the folder has one

    @cached_property
    def template_catalogs(self) -> dict[str, list[dict[str, str]]]:
        """Catalogs as templates see them; built once per loaded content."""
        return {k: [{"value": o.value, "label": o.label} for o in v] for k, v in self.catalogs.items()}

    @cached_property
    def navigation_words(self) -> dict[str, frozenset[str]]:
        """ui.yaml's navigation words, normalized once per loaded content."""
        groups = self.ui.get("navigation") or {}
        return {group: frozenset(normalize(str(w)) for w in words or ()) for group, words in groups.items()}

    @cached_property
    def template_kits(self) -> list[dict[str, Any]]:
        return [{"id": k.id, "title": k.title, "number": k.number} for k in self.kits()]

    def kits(self) -> list[Flow]:
        kits = [f for f in self.flows.values() if f.kind == "kit"]
        return sorted(kits, key=lambda f: (f.number or 0, f.id))

    def options_for(self, step: Step, lists: Mapping[str, Any] | None = None) -> tuple[Option, ...]:
        """The step's options: written in the step, from a catalog, or from a list the host provides
        at run time (`lists`, see flows/records.py DYNAMIC_LISTS; empty when no host gave it)."""
        source = step.get("options_from")
        if source and str(source) in DYNAMIC_LISTS:
            return tuple(Option(str(i["value"]), str(i.get("label", i["value"])))
                         for i in list_items(lists, str(source)))
        if source:
            return self.catalogs.get(str(source), ())
        found = self._written_options.get(id(step))
        if found is None or found[0] is not step:  # built once per step: a step is asked, read, shown
            options = tuple(
                Option(str(item.get("value")), str(item.get("label", item.get("value"))))
                for item in step.get("options") or ()
                if isinstance(item, Mapping)
            )
            found = self._written_options[id(step)] = (step, options)
        return found[1]

    @cached_property
    def _written_options(self) -> dict[int, tuple[Step, tuple[Option, ...]]]:
        return {}
