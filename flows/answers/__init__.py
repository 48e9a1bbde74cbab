"""Answer types of questions, registered by name; one small module per family.

Each type reads what the person typed (or tapped) and returns a JSON-friendly value, or raises
`Rejected` with the key of a Spanish explanation in ui.yaml. What the types share (`Spec`,
`AnswerType`, `register`) lives in `registry.py`.
"""

from __future__ import annotations

# Importing a type's module registers it; the types import the registry module, never this package.
from flows.answers import choices, contacts, dates, files, numbers, texts
from flows.answers.registry import REGISTRY, AnswerType, Spec, get, register

__all__ = ["REGISTRY", "AnswerType", "Spec", "choices", "contacts", "dates", "files", "get", "numbers",
           "register", "texts"]
