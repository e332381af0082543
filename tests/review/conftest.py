"""Fixtures of the review tests: a small hand-built lens, the shipped lens, evidence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mllens.lens import Lens, load_lens, load_shipped_lens
from mllens.scan.evidence import Evidence

MINI_LENS = Path(__file__).parent / "data" / "mini_lens"

MakeEvidence = Callable[..., Evidence]


@pytest.fixture(scope="session")
def mini() -> Lens:
    return load_lens(MINI_LENS)


@pytest.fixture(scope="session")
def shipped() -> Lens:
    return load_shipped_lens()


@pytest.fixture
def ev() -> MakeEvidence:
    """`ev("SEC1-A", "encrypted", "supports")`: one finding, the rest filled in."""

    def make(practice: str, check: str, outcome: str, *, file: str = "infra/main.tf", line: int = 1) -> Evidence:
        return Evidence(
            rule="test.rule",
            practice=practice,
            check=check,
            outcome=outcome,  # type: ignore[arg-type]
            file=file,
            line=line,
            message=f"{check} {outcome}",
            confidence=0.9,
        )

    return make
