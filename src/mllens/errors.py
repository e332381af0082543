"""Errors that reach the user: each names the file (and the field) it is about."""

from __future__ import annotations


class MllensError(Exception):
    """Base of every error mllens reports to a user (CLI exit code 2)."""


class InputError(MllensError):
    """A file the user gave us is malformed. `file` and `field` say where."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None) -> None:
        self.file = file
        self.field = field
        self.detail = message
        where = ": ".join(part for part in (file, field) if part)
        super().__init__(f"{where}: {message}" if where else message)


class LensError(InputError):
    """A lens file (ours or an AWS custom lens) is invalid."""


class AnswersError(InputError):
    """An answers file (mllens.yaml) is invalid."""
