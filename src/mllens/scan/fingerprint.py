"""What a finding is, as one stable fingerprint: the SARIF report and the CI gate both use
this module, so a result code scanning tracks and a finding the gate calls new or known are
the same thing.

A finding is a piece of evidence that contradicts a practice. Its fingerprint hashes the
rule (a retired id resolved to today's rule), practice, check, file and message, and how
many identical findings came before it in the evidence list. It leaves out the line, so an
edit above a finding keeps it known, and it reads every run of digits in the message as
one placeholder: messages carry counts, sizes and cell numbers ("2 Python modules and no
test files", "cell 3"), and one more module or a cell inserted above is not a new finding.

Identical findings (same rule, practice, check, file and message) are told apart by their
order, so two scans agree on them as counts: one more identical finding is one new
fingerprint, wherever it was inserted. Everything hashed is in the evidence of `mllens scan
--format json`, whose order is the review's, so a baseline file gives the same fingerprints
as the scan that wrote it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mllens.scan.evidence import Evidence

FINGERPRINT_KEY = "mllensFinding/v2"  # the SARIF partialFingerprints key; bump it if the hash changes


@dataclass(frozen=True)
class Finding:
    """Contradicting evidence (its rule id made current) and its fingerprint."""

    evidence: Evidence
    fingerprint: str


_DIGITS = re.compile(r"\d+")


def message_key(message: str) -> str:
    """The message as the fingerprint reads it: every number is the same number."""
    return _DIGITS.sub("#", message)


def fingerprint(item: Evidence, occurrence: int) -> str:
    """The hash of what `item` found; `occurrence` counts identical findings before it (0 first)."""
    key = "\x1f".join((item.rule, item.practice, item.check, item.file, message_key(item.message), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def current_rule_ids() -> dict[str, str]:
    """Every rule id, retired ones included, mapped to the id of the rule it is today."""
    from mllens.scan.registry import all_rules  # loads the detector families: only when asked

    return {rid: r.id for rid, r in all_rules().items()}


def findings(evidence: Iterable[Evidence], *, rule_ids: Mapping[str, str] | None = None) -> list[Finding]:
    """Every piece of contradicting evidence, in order, with its fingerprint. `rule_ids`
    (default: the installed rules) maps retired rule ids to current ones; an id it does not
    know is kept as it is."""
    ids = current_rule_ids() if rule_ids is None else rule_ids
    seen: dict[tuple[str, ...], int] = {}
    out: list[Finding] = []
    for item in evidence:
        if item.outcome != "contradicts":
            continue
        rule = ids.get(item.rule, item.rule)
        if rule != item.rule:
            item = item.model_copy(update={"rule": rule})
        key = (item.rule, item.practice, item.check, item.file, message_key(item.message))
        seen[key] = seen.get(key, -1) + 1
        out.append(Finding(item, fingerprint(item, seen[key])))
    return out


def known_fingerprints(evidence: Iterable[Evidence], *, rule_ids: Mapping[str, str] | None = None) -> frozenset[str]:
    """The fingerprints of the findings in `evidence` (a baseline's)."""
    return frozenset(f.fingerprint for f in findings(evidence, rule_ids=rule_ids))
