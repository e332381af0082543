"""One file's class and why (mllens.scan.classify decides it; the walker's shape signals in
mllens.scan.classify_shape give it too, without importing the classifier)."""

from __future__ import annotations

from typing import NamedTuple

from mllens.scan.evidence import FileClass


class Decision(NamedTuple):
    cls: FileClass
    reason: str
    where: str  # the folder (or file) the decision was made for; "." for the root
