"""Where a fleet scan's results go besides the store, with `--out DIR`: `DIR/<name>.json`
(the JSON of `mllens scan --format json`) per repository scanned, and `DIR/fleet.json`, one
line per repository (source, name, commit, status, duration, risk counts, error), rewritten
after each result so an interrupted run leaves it current. Every file is replaced
atomically (mllens.output)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from mllens.errors import InputError
from mllens.output import OutputError, write_atomic

FLEET_FILE = "fleet.json"


class FleetEntry(BaseModel):
    """One repository of a fleet run, as DIR/fleet.json lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    name: str
    commit: str | None
    status: Literal["ok", "failed", "skipped"]
    duration_s: float
    risk_counts: dict[str, int] | None = None
    error: str | None = None


class _FleetFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    repositories: list[FleetEntry]


def read_fleet(out: Path) -> dict[str, FleetEntry]:
    """The entries of DIR/fleet.json by name; none when the file is not there yet."""
    path = out / FLEET_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the last run's summary ({exc})", file=str(path)) from None
    try:
        parsed = _FleetFile.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(f"expected the fleet.json of `mllens fleet scan`: {first['msg']} at {where or 'top'}",
                         file=str(path)) from None  # fmt: skip
    return {entry.name: entry for entry in parsed.repositories}


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise OutputError(path, exc.strerror or type(exc).__name__) from None


def prepare(out: Path) -> None:
    """Create DIR; OutputError when it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, exc.strerror or type(exc).__name__) from None


def write_fleet(out: Path, entries: Iterable[FleetEntry]) -> None:
    data = {"repositories": [entry.model_dump(mode="json") for entry in entries]}
    _write(out / FLEET_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_report(out: Path, name: str, text: str) -> Path:
    path = out / f"{name}.json"
    _write(path, text)
    return path
