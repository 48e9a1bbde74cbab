"""The JSON Schema of a flow file, built from the registered step kinds and answer types.

`cocrea content schema` writes it to content/schema/flow.schema.json; each YAML file points at it
(`# yaml-language-server: $schema=…`) so editors validate and complete as admins type.
"""

from __future__ import annotations

from typing import Any

from flows.model import FORMAT, STEP_ID
from flows.steps import REGISTRY, STRING

SCHEMA_FILE = "schema/flow.schema.json"
COMMON_STEP_KEYS: dict[str, Any] = {
    "id": {"type": "string", "pattern": STEP_ID.pattern, "description": "id estable del paso"},
    "next": {"type": "string", "description": "id del paso siguiente (por defecto, el de abajo)"},
    "replaces": {"type": "array", "items": STRING, "description": "ids de pasos quitados que este reemplaza"},
}


def step_keys(kind: str) -> set[str]:
    """Every key a step of this kind may carry."""
    return {"type", *COMMON_STEP_KEYS, *REGISTRY[kind].properties}


def _step_schema(name: str) -> dict[str, Any]:
    kind = REGISTRY[name]
    return {
        "type": "object",
        "title": name,
        "required": ["id", "type", *kind.required],
        "additionalProperties": False,
        "properties": {"type": {"const": name}, **COMMON_STEP_KEYS, **kind.properties},
    }


def flow_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cocrea.mx/schema/flow.schema.json",
        "title": "Kit o flujo de Cocrea",
        "type": "object",
        "required": ["format", "id", "kind", "title", "steps"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "id": {"type": "string", "pattern": STEP_ID.pattern},
            "kind": {"enum": ["kit", "flow"]},
            "number": {"type": "integer", "minimum": 1, "maximum": 8},
            "title": STRING,
            "purpose": STRING,
            "moved_to": {"type": "object", "additionalProperties": STRING},
            "steps": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["id", "type"],
                    "properties": {"type": {"enum": sorted(REGISTRY)}},
                    "allOf": [
                        {"if": {"properties": {"type": {"const": name}}}, "then": _step_schema(name)}
                        for name in sorted(REGISTRY)
                    ],
                },
            },
        },
    }
