"""Every fixture case of every detector family, compared exactly with its expected.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.scan.harness import FixtureCase, all_cases, differences

FIXTURES = Path(__file__).parent / "detectors" / "fixtures"
CASES = all_cases(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: FixtureCase) -> None:
    problems = differences(case)
    assert not problems, f"{case.id}:\n  " + "\n  ".join(problems)


def test_every_family_has_fixtures() -> None:
    families_with_cases = {c.family for c in CASES}
    assert {"python_code", "notebooks"} <= families_with_cases
