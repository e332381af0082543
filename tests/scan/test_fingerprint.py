"""A finding's fingerprint: what it hashes, what it leaves out, and how identical findings
are told apart (the SARIF report and the CI gate both rely on it)."""

from __future__ import annotations

from mllens.scan.evidence import Evidence
from mllens.scan.fingerprint import FINGERPRINT_KEY, findings, fingerprint, known_fingerprints

KEY = Evidence(rule="secrets.aws_access_key", practice="MLSEC03-BP02", check="no_secrets_in_code",
               outcome="contradicts", file="src/settings.py", line=3, message="AWS access key id: AKIA... (20 chars)",
               confidence=0.95)
NO_IDS: dict[str, str] = {}


def test_only_contradicting_evidence_is_a_finding_and_order_is_kept() -> None:
    other = KEY.model_copy(update={"file": "src/app.py"})
    support = KEY.model_copy(update={"outcome": "supports"})
    info = KEY.model_copy(update={"outcome": "info", "file": "x.py"})
    assert [f.evidence for f in findings([other, support, info, KEY], rule_ids=NO_IDS)] == [other, KEY]


def test_the_line_is_not_part_of_a_fingerprint_but_every_other_field_is() -> None:
    base = fingerprint(KEY, 0)
    assert fingerprint(KEY.model_copy(update={"line": 90}), 0) == base
    assert fingerprint(KEY.model_copy(update={"line": None, "confidence": 0.5}), 0) == base
    for changed in ({"rule": "secrets.generic_secret"}, {"practice": "MLSEC03-BP01"}, {"check": "other"},
                    {"file": "src/other.py"}, {"message": "AWS secret access key: AKIA... (20 chars)"}):
        assert fingerprint(KEY.model_copy(update=changed), 0) != base, changed
    assert fingerprint(KEY, 1) != base


def test_identical_findings_are_numbered_in_order_so_one_more_is_one_new() -> None:
    twice = [KEY, KEY.model_copy(update={"line": 40})]
    first, second = (f.fingerprint for f in findings(twice, rule_ids=NO_IDS))
    assert (first, second) == (fingerprint(KEY, 0), fingerprint(KEY, 1))
    assert known_fingerprints(twice, rule_ids=NO_IDS) - known_fingerprints([KEY], rule_ids=NO_IDS) == {second}


def test_a_retired_rule_id_is_fingerprinted_as_the_rule_it_became() -> None:
    old = KEY.model_copy(update={"rule": "secrets.aws_key"})
    renamed = {"secrets.aws_key": "secrets.aws_access_key", "secrets.aws_access_key": "secrets.aws_access_key"}
    (found,) = findings([old], rule_ids=renamed)
    assert found.evidence == KEY and found.fingerprint == fingerprint(KEY, 0)
    (unknown,) = findings([old], rule_ids=NO_IDS)  # an id nobody knows is kept as it is
    assert unknown.evidence.rule == "secrets.aws_key"


def test_by_default_ids_resolve_through_the_installed_rules() -> None:
    assert findings([KEY]) == findings([KEY], rule_ids=NO_IDS)


def test_numbers_in_a_message_do_not_make_a_finding_new() -> None:
    """Project-wide findings name counts and sizes; notebook findings name their cell."""
    no_tests = KEY.model_copy(update={"rule": "data.no_tests", "file": ".",
                                      "message": "2 Python modules and no test files"})
    more = no_tests.model_copy(update={"message": "3 Python modules and no test files"})
    assert fingerprint(more, 0) == fingerprint(no_tests, 0)
    cell = KEY.model_copy(update={"file": "nb.ipynb", "message": "token in cell 3"})
    assert fingerprint(cell.model_copy(update={"message": "token in cell 4"}), 0) == fingerprint(cell, 0)
    assert fingerprint(cell.model_copy(update={"message": "token in the cell 4"}), 0) != fingerprint(cell, 0)


def test_the_v2_hash_is_pinned() -> None:
    """Code scanning and stored baselines keep these values: changing the hash needs a new
    FINGERPRINT_KEY (mllensFinding/v3), not a silent edit."""
    assert FINGERPRINT_KEY == "mllensFinding/v2"
    assert fingerprint(KEY, 0) == "a19b2ed482ba3e1401aa63925a25cca2"  # what SARIF logs carry
    shorter = KEY.model_copy(update={"message": "AWS access key id: AKIA... (7 chars)"})
    assert fingerprint(KEY, 0) == fingerprint(shorter, 0)
