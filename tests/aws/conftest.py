"""Shared inputs of the push/pull tests: the example project's review, planned once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.aws.wa_project import Prepared, prepare

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"


@pytest.fixture(scope="session")
def example() -> Prepared:
    return prepare(EXAMPLE)
