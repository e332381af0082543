"""Reviews the HTML, SARIF and PDF tests render: the example project (real scan), an empty
project, and a small hostile one whose notes and file names carry markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mllens.review.model import Review
from mllens.scan.evidence import Evidence
from mllens.scan.result import Diagnostic, ScanResult
from mllens.workflow import review_project

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "fraud-detection"
TODAY = dt.date(2026, 6, 1)
Reviewed = tuple[Review, ScanResult]

HOSTILE_FILE = 'src/<script>alert("file")</script>.py'
HOSTILE_YAML = """\
workload:
  name: "<b>fraud</b> & co"
  description: "<img src=https://evil.example/x.png>"
answers:
  MLSEC03-BP02:
    checks: {private_networking: met}
    notes: "<script>alert('note')</script> reviewed by ops"
  MLREL05-BP01: {status: missing}
accepted_risks:
  - {practice: MLREL05-BP01, reason: "<i>one</i> replica is enough", owner: bob, expires: 2026-05-01}
  - {practice: MLSEC05-BP01, reason: internal inputs only, owner: alice, expires: 2027-03-31}
"""


class FakeScan:
    """Stands in for the scanner: fixed evidence, diagnostics and lifecycle notes."""

    def __init__(self, evidence: list[Evidence], **extra: object) -> None:
        self.evidence = evidence
        self.extra = extra

    def __call__(self, path: str, *, use_cache: bool = True, progress: bool = False, **options: object) -> ScanResult:
        return ScanResult(root=path, files_scanned=4, duration_s=0.1, evidence=self.evidence, **self.extra)  # type: ignore[arg-type]


def finding(rule: str, practice: str, check: str, outcome: str, file: str, line: int | None, message: str) -> Evidence:
    return Evidence(
        rule=rule, practice=practice, check=check, outcome=outcome,  # type: ignore[arg-type]
        file=file, line=line, message=message, confidence=0.9,
    )


HOSTILE_EVIDENCE = [
    finding("terraform.ml_private_networking", "MLSEC03-BP02", "private_networking", "contradicts",
            "infra/main.tf", 48, "aws_sagemaker_model.fraud has no vpc_config"),
    finding("terraform.kms_key_rotation", "MLSEC03-BP02", "storage_encrypted_cmk", "supports",
            "infra/main.tf", 16, "aws_kms_key.ml sets enable_key_rotation = true"),
    finding("python_code.unsafe_model_load", "MLREL05-BP01", "endpoint_autoscaling", "contradicts",
            HOSTILE_FILE, 3, "single instance <script>alert('msg')</script>"),
]


@pytest.fixture(scope="session")
def example() -> Reviewed:
    """The bundled example project, scanned for real (no cache), judged on a fixed day."""
    return review_project(EXAMPLE, use_cache=False, today=TODAY)


@pytest.fixture(scope="session")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """A project folder with nothing in it."""
    project = tmp_path_factory.mktemp("empty-project")
    return review_project(project, use_cache=False, today=TODAY)


@pytest.fixture(scope="session")
def hostile_file() -> str:
    """The file name with markup in it that the hostile project's evidence points at."""
    return HOSTILE_FILE


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """Markup in the workload, a note, an accepted risk, a file name and a message; one
    acceptance expired, one active; one check where the files and the team disagree."""
    project = tmp_path_factory.mktemp("hostile")
    (project / "mllens.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    scan = FakeScan(
        HOSTILE_EVIDENCE,
        diagnostics=[Diagnostic(file="nb/<svg onload=x>.ipynb", kind="parse_error", message="bad JSON <b>")],
        lifecycle={"deployment": ["infra/main.tf:48 <em>endpoint</em> model"], "training": ["src/train.py:3 fit"]},
    )
    return review_project(project, scan=scan, today=TODAY)
