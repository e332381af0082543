"""Pipeline parameters, read from params.yaml so DVC tracks every value a stage uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def load(section: str, path: str = "params.yaml") -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)[section])
