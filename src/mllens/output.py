"""The one writer for every file mllens writes: reports (`-o`, `--html`), lens exports and
imports, mllens.yaml.

A file is replaced atomically: the text goes to a temporary file beside the target, is
flushed to disk, then `os.replace`d over it, so a crash or a full disk leaves the old file
or the new one, never half of one. A destination that cannot be written is one
OutputError, `<path>: cannot write (<reason>)`, which the CLI prints as one line and exits
2. Each written file is announced the same way on stderr: `wrote <path>`.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from mllens.errors import MllensError


class OutputError(MllensError):
    """A file mllens was asked to write cannot be written. `path` and `reason` say why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: cannot write ({reason})")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text is written as UTF-8, newlines as given) so that a
    crash at any point leaves the old or the new file, never half of one. The old file's
    permissions are kept; a symbolic link is followed (the link stays a link). A device or
    a pipe (`/dev/stdout`) is written in place: it cannot be replaced. OSError as raised."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        with open(target, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        return
    if mode is not None and stat.S_ISREG(mode) and not os.access(target, os.W_OK):
        raise PermissionError(13, os.strerror(13), str(target))  # replacing would bypass the file's mode
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None and stat.S_ISREG(mode) else 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def announce(path: Path | str, detail: str = "") -> None:
    """Say on stderr that a file was written: `wrote <path>` (then `detail` in brackets)."""
    sys.stderr.write(f"wrote {path}{f' ({detail})' if detail else ''}\n")
    sys.stderr.flush()


def write_output(path: Path | str, data: str | bytes, *, detail: str = "", quiet: bool = False) -> None:
    """Write one output file atomically and announce it (unless `quiet`); a destination
    that cannot be written raises OutputError naming it and the reason."""
    path = Path(path)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    if not quiet:
        announce(path, detail)


def make_directory(path: Path | str) -> None:
    """Create a directory for outputs (and its parents); OutputError if it cannot be."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
