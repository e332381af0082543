"""A project folder as what push and pull need: its review, lens document and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mllens.answers.io import AnswersDocument
from mllens.aws.wa_answers import WaAnswer, desired_answers
from mllens.aws.wa_plan import WorkloadSettings, environment_of
from mllens.lens.model import Lens
from mllens.lens.wa_format import export_lens
from mllens.workflow import ScanFn, open_answers, review_project

DEFAULT_DESCRIPTION = "Machine-learning workload reviewed with mllens"


@dataclass
class Prepared:
    lens: Lens
    lens_json: str
    answers: list[WaAnswer]
    settings: WorkloadSettings
    document: AnswersDocument | None
    commit: str | None


def head_commit(root: Path) -> str | None:
    """The checked-out commit, read from .git as text (no git process), or None."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if head.startswith("ref: "):
            head = (git / head[5:]).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return head if len(head) == 40 and all(c in "0123456789abcdef" for c in head) else None


def prepare(
    root: Path,
    *,
    workload: str | None = None,
    regions: tuple[str, ...] = (),
    description: str | None = None,
    owner: str | None = None,
    environment: str | None = None,
    lens_alias: str | None = None,
    milestone: str | None = None,
    scan: ScanFn | None = None,
    use_cache: bool = True,
    progress: bool = False,
) -> Prepared:
    review, _ = review_project(root, scan=scan, use_cache=use_cache, progress=progress)
    document, lens = open_answers(root)
    answers = document.answers if document is not None else None
    exported = export_lens(lens, fold=True)
    wl = review.workload
    owner = owner or wl.owner  # a flag wins over mllens.yaml, as --region does
    settings = WorkloadSettings(
        name=workload or wl.name,
        description=(description or wl.description or DEFAULT_DESCRIPTION)[:250].ljust(3, "."),
        environment=environment_of(environment or wl.environment),
        owner=owner if owner and len(owner) >= 3 else None,
        regions=regions or tuple(wl.regions or ()),  # --region wins over mllens.yaml
        lens_alias=lens_alias,
        milestone=milestone,
    )
    return Prepared(
        lens=lens,
        lens_json=exported.text,
        answers=desired_answers(review, lens, answers),
        settings=settings,
        document=document,
        commit=head_commit(root),
    )
