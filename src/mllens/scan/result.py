"""What a scan returns to the review engine and the reports: types only. The scan itself is
mllens.scan.run.run_scan; nothing here reaches back into the scanner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from mllens.scan.evidence import Evidence


class Diagnostic(BaseModel):
    """A file the scan could not read or parse, or a rule that failed on it.

    The scan goes on; diagnostics are shown apart from evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    kind: str  # e.g. too_large, binary, not_utf8, parse_error, symlink_outside, rule_error
    message: str
    rule: str | None = None
    line: int | None = None


class FolderClass(BaseModel):
    """Files of one folder that share a class and the reason for it (`--explain-files`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: str  # "." for the project root
    file_class: str
    reason: str
    files: int


class ScanResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: str
    files_scanned: int
    duration_s: float
    evidence: list[Evidence] = []
    diagnostics: list[Diagnostic] = []
    # Which ML lifecycle stages the files showed, for the HTML lifecycle diagram: stage
    # (mllens.lens.model.LIFECYCLE_STAGES) -> "file:line what" notes (mllens.scan.lifecycle).
    lifecycle: dict[str, list[str]] = {}
    exclude: list[str] = []  # the gitignore-style patterns of files left out of the walk
    # whose files they are (mllens.scan.classify): files per class, and why, folder by folder
    files_by_class: dict[str, int] = {}
    folders: list[FolderClass] = []
    not_walked: list[tuple[str, str]] = []  # (folder, why): skipped whole (VCS, venvs, vendor/, ...)

