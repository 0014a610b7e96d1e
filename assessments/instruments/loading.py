"""Loading definition files into a registry, once (ASM-5).

Files are ``<id>-v<version>.yaml`` in the shipped ``definitions/`` directory and in any
directory named in ``settings.ERS_INSTRUMENT_DIRS`` (a licensed provider's configuration, or
an instrument the Partnership agrees later). Adding an instrument is adding a file. Every
version stays loaded, so a reading taken with version 1 is still scored and shown with it.

A bad file stops loading with an ``InstrumentDefinitionError`` naming the file and the field.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from pydantic import ValidationError

from assessments.instruments.schema import Definition

BUILT_IN_DIR = Path(__file__).resolve().parent / "definitions"
FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9_-]*)-v(?P<version>[1-9][0-9]*)\.ya?ml$")


class InstrumentDefinitionError(ValueError):
    """A definition file that cannot be used; the message names the file and the field."""


class UnknownInstrument(LookupError):
    pass


def _where(loc: tuple, data: Any) -> str:
    """``items[q9].options[1].score`` rather than ``items.8.options.1.score``: the item's id
    where the file gives one, so the message points at the line to fix."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = str(part)
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = node["id"]
            else:
                node = None
            parts[-1:] = [f"{parts[-1]}[{label}]"] if parts else [f"[{label}]"]
        else:
            node = node.get(part) if isinstance(node, dict) else None
            parts.append(str(part))
    return ".".join(parts)


def _message(path: Path, error: ValidationError, data: Any) -> str:
    lines = []
    for problem in error.errors():
        # The model-level checks raise with the field in the message; the loc then ends in a
        # validator name that helps nobody.
        loc = tuple(part for part in problem["loc"] if not str(part).startswith(("function-", "_")))
        where = _where(loc, data)
        text = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {text}" if where else text)
    return f"{path}: " + "; ".join(lines)


def load_definition(path: Path) -> Definition:
    """One file, checked. Its name must match the id and version inside it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InstrumentDefinitionError(f"{path}: cannot be read as YAML ({error})") from error
    if not isinstance(data, dict):
        raise InstrumentDefinitionError(f"{path}: a definition is a mapping of fields, not {type(data).__name__}")
    try:
        definition = Definition.model_validate(data)
    except ValidationError as error:
        raise InstrumentDefinitionError(_message(path, error, data)) from error
    expected = f"{definition.id}-v{definition.version}"
    if path.stem != expected:
        raise InstrumentDefinitionError(
            f"{path}: the file for id {definition.id!r} version {definition.version} must be named {expected}.yaml"
        )
    return definition


class Registry:
    """Every version of every instrument found, by id and version."""

    def __init__(self, definitions: Iterable[tuple[Path, Definition]]):
        self._by_key: dict[tuple[str, int], Definition] = {}
        self._files: dict[tuple[str, int], Path] = {}
        for path, definition in definitions:
            if definition.key in self._by_key:
                raise InstrumentDefinitionError(
                    f"{path}: {definition.id} version {definition.version} is also defined in "
                    f"{self._files[definition.key]}"
                )
            self._by_key[definition.key] = definition
            self._files[definition.key] = path
        for key, definition in self._by_key.items():
            self._check_links(self._files[key], definition)

    def _check_links(self, path: Path, definition: Definition) -> None:
        linked = [threshold.leads_to for threshold in definition.thresholds if threshold.leads_to]
        linked += [definition.carries_answers_from] if definition.carries_answers_from else []
        for target in linked:
            if not self.versions(target):
                raise InstrumentDefinitionError(f"{path}: refers to the instrument {target!r}, which is not defined")

    def versions(self, instrument_id: str) -> list[int]:
        return sorted(version for (found, version) in self._by_key if found == instrument_id)

    def get(self, instrument_id: str, version: int | None = None) -> Definition:
        """The definition at that version; the latest when no version is given."""
        versions = self.versions(instrument_id)
        if not versions:
            raise UnknownInstrument(f"No instrument {instrument_id!r}")
        chosen = versions[-1] if version is None else version
        if chosen not in versions:
            raise UnknownInstrument(f"No version {version} of {instrument_id!r} (versions: {versions})")
        return self._by_key[(instrument_id, chosen)]

    def latest(self) -> list[Definition]:
        """The newest version of each instrument, by title: what a new reading uses."""
        ids = {instrument_id for instrument_id, _ in self._by_key}
        return sorted((self.get(instrument_id) for instrument_id in ids), key=lambda found: found.title)

    def file_of(self, definition: Definition) -> Path:
        return self._files[definition.key]


def _apply_overrides(definition: Definition, overrides: Mapping[str, int], source: str) -> Definition:
    """A service may move a cut-off (AUDIT-C positive at 4, say) without editing the file:
    ``ERS_INSTRUMENT_THRESHOLDS = {"audit-c": {"positive": 4}}``. Checked like the file."""
    data = definition.model_dump()
    known = {threshold["id"] for threshold in data["thresholds"]}
    for threshold_id, at_least in overrides.items():
        if threshold_id not in known:
            raise InstrumentDefinitionError(f"{source}: {definition.id} has no threshold {threshold_id!r}")
        for threshold in data["thresholds"]:
            if threshold["id"] == threshold_id:
                threshold["at_least"] = at_least
    try:
        return Definition.model_validate(data)
    except ValidationError as error:
        raise InstrumentDefinitionError(_message(Path(source), error, data)) from error


@functools.lru_cache(maxsize=8)
def _build(directories: tuple[str, ...], overrides_json: str) -> Registry:
    overrides: dict[str, dict[str, int]] = json.loads(overrides_json)
    found = []
    for directory in directories:
        folder = Path(directory)
        if not folder.is_dir():
            raise InstrumentDefinitionError(f"{folder}: instrument directory not found (ERS_INSTRUMENT_DIRS)")
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml"):
                if not FILE_NAME.match(path.name):
                    raise InstrumentDefinitionError(f"{path}: definition files are named <id>-v<version>.yaml")
                found.append((path, load_definition(path)))
    adjusted = [
        (path, _apply_overrides(definition, overrides[definition.id], "ERS_INSTRUMENT_THRESHOLDS"))
        if definition.id in overrides
        else (path, definition)
        for path, definition in found
    ]
    return Registry(adjusted)


def registry() -> Registry:
    """The registry for the current settings, loaded once and cached. Changing
    ``ERS_INSTRUMENT_DIRS`` or ``ERS_INSTRUMENT_THRESHOLDS`` (a test's override_settings)
    gives a registry of its own."""
    extra = tuple(str(Path(directory)) for directory in getattr(settings, "ERS_INSTRUMENT_DIRS", ()) or ())
    overrides = getattr(settings, "ERS_INSTRUMENT_THRESHOLDS", {}) or {}
    return _build((str(BUILT_IN_DIR), *extra), json.dumps(overrides, sort_keys=True))
