"""One call from a project folder to a Review: lens + mllens.yaml + scan -> evaluate.

The CLI, the web app and CI all go through `review_project`, so they agree on what a
project's review is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from mllens.answers.io import ANSWERS_FILE, AnswersDocument, read_answers
from mllens.answers.model import AnswersFile, Workload
from mllens.errors import AnswersError, InputError
from mllens.lens.load import SHIPPED, load_shipped_lens, shipped_lens_dir
from mllens.lens.model import Lens
from mllens.review.evaluate import evaluate
from mllens.review.model import Review
from mllens.scan.result import ScanResult
from mllens.scan.walk import exclude_rules


class ScanFn(Protocol):
    """The scan `review_project` calls: `mllens.scan.run.run_scan` fits it (tests and
    embedders pass a fake one)."""

    def __call__(
        self,
        path: str,
        *,
        use_cache: bool = ...,
        progress: bool = ...,
        exclude: Sequence[str] = ...,
        project: Sequence[str] = ...,
        vendored: Sequence[str] = ...,
    ) -> ScanResult: ...


def project_folder(path: Path | str) -> Path:
    """`path` as a project folder; InputError saying what it is when it is not one."""
    root = Path(path)
    if root.is_dir():
        return root
    if not root.exists():
        raise InputError("does not exist (expected a project folder)", file=str(path))
    if root.is_file():
        raise InputError("is a file, expected a project folder", file=str(path))
    raise InputError("is not a folder, expected a project folder", file=str(path))


def default_workload_name(root: Path) -> str:
    """A workload without mllens.yaml is named after its folder."""
    return root.resolve().name[:100] or "workload"


def _lens_named(lens_id: str, *, file: str) -> Lens:
    if not (shipped_lens_dir(lens_id) / "lens.yaml").is_file():
        raise AnswersError(
            f"{lens_id!r} is not a lens shipped with mllens (shipped: {SHIPPED})",
            file=file,
            field="lens",
        )
    return load_shipped_lens(lens_id)


def open_answers(root: Path, *, lens: Lens | None = None) -> tuple[AnswersDocument | None, Lens]:
    """The project's mllens.yaml (None when it has none), validated against `lens`, or,
    when no lens is given, against the shipped lens the file names (default `ml`)."""
    path = root / ANSWERS_FILE
    if not path.exists() and not path.is_symlink():  # a folder or a broken link there is an error
        return None, lens or load_shipped_lens()
    if lens is None:
        # Read once without a lens to learn which lens the file answers.
        first = read_answers(path)
        lens = _lens_named(first.answers.lens, file=first.display)
    return read_answers(path, lens=lens), lens


def read_project_answers(root: Path, *, lens: Lens | None = None) -> tuple[AnswersFile, Lens]:
    """The project's answers, or an empty set named after its folder, and their lens."""
    doc, lens = open_answers(root, lens=lens)
    if doc is None:
        return AnswersFile(workload=Workload(name=default_workload_name(root)), lens=lens.id), lens
    return doc.answers, lens


def review_project(
    path: Path | str,
    *,
    lens: Lens | None = None,
    use_cache: bool = True,
    progress: bool = False,
    today: dt.date | None = None,
    scan: ScanFn | None = None,
    exclude: Sequence[str] = (),
) -> tuple[Review, ScanResult]:
    """Scan the project at `path`, read its mllens.yaml, and review it against the lens.

    The scan leaves out the files of mllens.yaml's `scan.exclude` patterns, then those of
    `exclude` (the command line's: later patterns win, so a `!pattern` given there takes
    back one of the file's), and classes files by its `scan.vendored` and `scan.project`."""
    root = project_folder(path)
    try:
        exclude_rules(exclude)
    except ValueError as exc:
        raise InputError(str(exc), field="--exclude") from None
    answers, lens = read_project_answers(root, lens=lens)
    patterns = [*answers.scan.exclude, *exclude]
    # the class patterns only when set: a scan function written before them keeps working
    classes = {key: value for key, value in answers.scan.model_dump(include={"project", "vendored"}).items() if value}
    if scan is None:
        from mllens.scan.run import run_scan  # the scanner's modules load only when a scan runs

        scan = run_scan
    result = scan(str(root), use_cache=use_cache, progress=progress, exclude=patterns, **classes)
    return evaluate(lens, result.evidence, answers, today=today), result
