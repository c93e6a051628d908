"""Validating an exported OParl tree against the official OParl 1.1 schemas.

The schemas (``../shared/oparl-1.1-schema/`` next to the repository, or the folder in
``DELIBERATION_OPARL_SCHEMA_DIR``) go into a ``referencing`` registry; every object is
validated against the schema its ``type`` names, and every embedded object against
the schema the spec's own ``schema`` key names on that property, recursively.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_ENV = "DELIBERATION_OPARL_SCHEMA_DIR"
OPARL = "https://schema.oparl.org/1.1/"


def schema_dir(repo_root: Path) -> Path:
    return Path(os.environ.get(SCHEMA_ENV) or repo_root.parent / "shared" / "oparl-1.1-schema")


class OparlValidator:
    def __init__(self, folder: Path) -> None:
        self.schemas = {
            path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.json"))
        }
        self.registry: Registry[Any] = Registry().with_resources(
            (name, Resource.from_contents(schema, default_specification=DRAFT4))
            for name, schema in self.schemas.items()
        )
        self.counts: dict[str, int] = {}

    def errors(self, obj: Any, where: str, expected: str | None = None) -> Iterator[str]:
        """Every problem of ``obj`` and of the objects embedded in it."""
        if not isinstance(obj, dict) or not str(obj.get("type", "")).startswith(OPARL):
            yield f"{where}: kein OParl-Objekt ({str(obj)[:80]})"
            return
        name = obj["type"].removeprefix(OPARL) + ".json"
        if expected is not None and name != expected:
            yield f"{where}: {name} statt {expected} eingebettet"
        if name not in self.schemas:
            yield f"{where}: unbekannter Typ {obj['type']}"
            return
        self.counts[name] = self.counts.get(name, 0) + 1
        validator = Draft4Validator({"$ref": name}, registry=self.registry)
        for error in validator.iter_errors(obj):
            yield f"{where} ({name}) {'/'.join(map(str, error.path))}: {error.message}"
        for key, spec in self.schemas[name]["properties"].items():
            if key not in obj:
                continue
            value = obj[key]
            if spec.get("type") == "object" and "schema" in spec:
                yield from self.errors(value, f"{where}.{key}", spec["schema"])
            items = spec.get("items", {})
            if spec.get("type") == "array" and "schema" in items and isinstance(value, list):
                for n, item in enumerate(value):
                    yield from self.errors(item, f"{where}.{key}[{n}]", items["schema"])

    def page_errors(self, page: Any, where: str) -> Iterator[str]:
        """A list page: ``data`` (each object validated), ``pagination`` and ``links``."""
        if set(page) != {"data", "pagination", "links"}:
            yield f"{where}: Liste mit Schlüsseln {sorted(page)}"
            return
        for n, obj in enumerate(page["data"]):
            yield from self.errors(obj, f"{where}.data[{n}]")
        pagination = page["pagination"]
        for key in ("totalElements", "elementsPerPage", "currentPage", "totalPages"):
            if not isinstance(pagination.get(key), int):
                yield f"{where}: pagination.{key} fehlt"
        if "first" not in page["links"] or "last" not in page["links"]:
            yield f"{where}: links.first/last fehlen"
