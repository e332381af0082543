"""Reporters: one module per output format behind one signature, and a name -> reporter map.

Every reporter is `render(review, *, scan=None, baseline=None, options) -> str`; the
binary ones (pdf) return bytes. A new format adds one line to REPORTERS or
BINARY_REPORTERS; nothing registers itself by being imported.
"""

from __future__ import annotations

from mllens.errors import InputError
from mllens.report import html, markdown, pdf, sarif, terminal
from mllens.report import json as json_report
from mllens.report.base import BinaryReporter, Reporter, ReportOptions

REPORTERS: dict[str, Reporter] = {
    "terminal": terminal.render,
    "markdown": markdown.render,
    "json": json_report.render,
    "html": html.render,
    "sarif": sarif.render,
}
# Formats whose output is bytes: the caller writes them to a file (`-o`), never to a terminal.
BINARY_REPORTERS: dict[str, BinaryReporter] = {
    "pdf": pdf.render,
}
FORMATS = (*REPORTERS, *BINARY_REPORTERS)


def get_reporter(name: str) -> Reporter:
    """The reporter for a format name; an unknown name lists the known ones."""
    try:
        return REPORTERS[name]
    except KeyError:
        if name in BINARY_REPORTERS:
            raise InputError(f"format {name!r} writes a binary file: use get_binary_reporter") from None
        known = ", ".join(FORMATS)
        raise InputError(f"unknown report format {name!r} (expected one of: {known})") from None


def get_binary_reporter(name: str) -> BinaryReporter:
    """The reporter of a binary format (pdf); an unknown name lists the known ones."""
    try:
        return BINARY_REPORTERS[name]
    except KeyError:
        known = ", ".join(BINARY_REPORTERS)
        raise InputError(f"{name!r} is not a binary report format (binary formats: {known})") from None


__all__ = [
    "BINARY_REPORTERS",
    "FORMATS",
    "REPORTERS",
    "BinaryReporter",
    "ReportOptions",
    "Reporter",
    "get_binary_reporter",
    "get_reporter",
]
