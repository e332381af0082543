"""Reporters: one module per output format behind one signature, and a name -> reporter map.

Every reporter is `render(review, *, scan=None, baseline=None, options) -> str`. Formats
that come later (html, sarif, pdf) add one line to REPORTERS; nothing registers itself
by being imported.
"""

from __future__ import annotations

from mllens.errors import InputError
from mllens.report import json as json_report
from mllens.report import markdown, terminal
from mllens.report.base import Reporter, ReportOptions

REPORTERS: dict[str, Reporter] = {
    "terminal": terminal.render,
    "markdown": markdown.render,
    "json": json_report.render,
}


def get_reporter(name: str) -> Reporter:
    """The reporter for a format name; an unknown name lists the known ones."""
    try:
        return REPORTERS[name]
    except KeyError:
        known = ", ".join(REPORTERS)
        raise InputError(f"unknown report format {name!r} (expected one of: {known})") from None


__all__ = ["REPORTERS", "ReportOptions", "Reporter", "get_reporter"]
