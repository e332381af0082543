"""The JSON report: the report form of a Review (see mllens.review.serialise, which writes
and reads it for the reporter, the gate's baseline and the store), two-space indented."""

from __future__ import annotations

import json

from mllens.report.base import ReportOptions
from mllens.review.model import Review
from mllens.review.serialise import CONTRACT_KEYS, EXTRA_KEYS, review_to_data
from mllens.scan.result import ScanResult


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as one JSON object (keys in contract order, two-space indent)."""
    return json.dumps(review_to_data(review, scan=scan), indent=2, ensure_ascii=False) + "\n"


__all__ = ["CONTRACT_KEYS", "EXTRA_KEYS", "render"]
