"""Schema of `mllens.yaml`: the workload, the team's answers, accepted risks.

```yaml
workload: {name: fraud-detection, owner: ml-platform@acme.example, environment: production,
           description: ..., regions: [eu-west-1]}
lens: ml                       # optional; the shipped ML lens by default
answers:
  MLSEC03-BP02:                # either numbering (MLSEC-04 works too)
    status: partial            # implemented | partial | missing | not_applicable
    checks: {private_networking: met, no_root_access: not_met}
    notes: "..."
  MLSEC05-BP01: {status: not_applicable, reason: out_of_scope, notes: "..."}
questions:
  MLPERF05: {applicable: false, reason: architecture_constraints, notes: "..."}
accepted_risks:
  - {practice: MLSEC05-BP01, reason: "...", owner: alice, expires: 2027-03-31}
scan:
  exclude: [tests/, "examples/*", "!examples/keep/"]   # gitignore-style, from the project root
  vendored: [lambda/score/acme_client/]   # files that are not ours: visible, never deciding
  project: [examples/serving/]            # files that are ours, whatever they look like
```
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

AnswerStatus = Literal["implemented", "partial", "missing", "not_applicable"]
CheckAnswer = Literal["met", "not_met", "not_applicable", "unknown"]
NAReason = Literal["out_of_scope", "business_priorities", "architecture_constraints", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Workload(_Strict):
    name: str = Field(min_length=1, max_length=100)
    owner: str | None = None
    environment: str | None = None
    description: str | None = None
    # AWS Regions it runs in (`mllens aws push` sets the tool's AwsRegions); None when not said.
    regions: list[str] | None = None


class PracticeAnswer(_Strict):
    status: AnswerStatus | None = None
    checks: dict[str, CheckAnswer] = {}
    notes: str | None = None
    reason: NAReason | None = None

    @model_validator(mode="after")
    def _reason_goes_with_not_applicable(self) -> PracticeAnswer:
        if self.reason is not None and self.status != "not_applicable":
            raise ValueError("'reason' is only for status not_applicable")
        return self


class QuestionAnswer(_Strict):
    applicable: bool = True
    reason: NAReason | None = None
    notes: str | None = None


class AcceptedRisk(_Strict):
    practice: str
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date


def _exclude_pattern(pattern: str) -> str:
    from mllens.scan.walk import exclude_rules  # the walker's own check, loaded at use only

    try:
        exclude_rules([pattern])
    except ValueError:
        raise ValueError("expected a gitignore-style pattern") from None  # the value is added to the message
    return pattern


Pattern = Annotated[str, AfterValidator(_exclude_pattern)]


class ScanSettings(_Strict):
    """How `mllens scan` reads this project; gitignore-style patterns, relative to the
    project root. `exclude`: files and folders the scan does not walk (before --exclude's).
    `vendored` and `project`: files the scan classes as vendored (their evidence decides
    nothing) or as the project's own, whatever the signals say (mllens.scan.classify);
    `project` wins where both match."""

    exclude: list[Pattern] = []
    vendored: list[Pattern] = []
    project: list[Pattern] = []


class AnswersFile(_Strict):
    workload: Workload
    lens: str = "ml"
    answers: dict[str, PracticeAnswer] = {}
    questions: dict[str, QuestionAnswer] = {}
    accepted_risks: list[AcceptedRisk] = []
    scan: ScanSettings = ScanSettings()
