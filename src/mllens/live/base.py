"""The live-reader interface and its registry (one reader per cloud: `--live aws`).

A reader returns the resources it found, grouped by the resource they belong to (its ARN:
the "file" every value and every piece of evidence names), and the calls it could not make,
as diagnostics naming the action. A reader never writes to the account."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from mllens.errors import InputError
from mllens.scan.model.kinds import Resource
from mllens.scan.result import Diagnostic


@dataclass
class LiveRead:
    """What one reader found: resource id (ARN) -> the model's resources at that id."""

    resources: dict[str, list[Resource]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, resource: Resource) -> None:
        self.resources.setdefault(resource.file, []).append(resource)


class LiveReader(Protocol):
    name: str  # as given to --live

    def read(self) -> LiveRead: ...


# name -> "module:factory" (explicit; Vertex AI and Azure ML readers slot in here)
READERS: dict[str, str] = {
    "aws": "mllens.live.aws_sagemaker:AwsSageMakerReader",
}


def reader_for(name: str) -> LiveReader:
    """The registered reader called `name`; InputError naming the known ones otherwise."""
    target = READERS.get(name.lower())
    if target is None:
        raise InputError(f"expected a live account provider, one of {', '.join(sorted(READERS))}; got {name!r}",
                         field="--live")
    module, _, attr = target.partition(":")
    factory: Callable[[], LiveReader] = getattr(importlib.import_module(module), attr)
    return factory()
