"""Step kinds, one small module each, registered by name.

A kind is entered when the run arrives at a step; a kind that waits (question, summary) then
receives the person's inputs. Each returns where the run goes next. What the kinds share (the
outcomes, `StepKind`, `register`) lives in `registry.py`.
"""

from __future__ import annotations

# Importing a kind's module registers it; the kinds import the registry module, never this package.
from flows.steps import branch, commitment_summary, end, message, question, record, summary
from flows.steps.registry import (
    REGISTRY,
    STAY,
    STOP,
    STRING,
    TEMPLATE,
    Go,
    Outcome,
    Stay,
    StepKind,
    Stop,
    problem,
    register,
)

__all__ = ["REGISTRY", "STAY", "STOP", "STRING", "TEMPLATE", "Go", "Outcome", "Stay", "StepKind", "Stop", "branch",
           "commitment_summary", "end", "message", "problem", "question", "record", "register", "summary"]
