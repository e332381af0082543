"""The plan of a push: the ordered Well-Architected Tool calls that bring the tool to the
review, as `{"operation": <API operation>, "params": {<boto3 keyword arguments>}}`.

A pure function of the review, the lens document, the workload settings and what the tool
holds now (None: nothing known, planned as for a new workload). The dry run prints this
list and the real run executes it, so the two cannot differ. Ids the tool hands out during
the run (a new workload's id, a new lens's ARN) stand as placeholders that the runner
fills in from the earlier call's response.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from mllens.aws.wa_answers import WaAnswer

Call = dict[str, Any]
# 32 characters, like the id it stands for (WorkloadId is exactly 32 long).
NEW_WORKLOAD_ID = "<WorkloadId from CreateWorkload>"
NEW_LENS_ARN = "<LensArn from ImportLens>"
Environment = Literal["PRODUCTION", "PREPRODUCTION"]


@dataclass(frozen=True)
class WorkloadSettings:
    name: str
    description: str
    environment: Environment
    owner: str | None = None
    regions: tuple[str, ...] = ()
    lens_alias: str | None = None  # a lens already in the tool, used as it is
    milestone: str | None = None


@dataclass(frozen=True)
class WorkloadMeta:
    """The workload's settings a push writes, as the tool holds them (GetWorkload)."""

    description: str = ""
    environment: str = ""
    owner: str | None = None
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ToolState:
    """What the tool holds now, as far as a push cares (read by wa_push.read_state)."""

    workload_id: str | None = None
    lens_arn: str | None = None  # our custom lens, when imported before
    lens_version: str | None = None  # its latest published version name
    associated: bool = False
    answers: dict[str, WaAnswer] = field(default_factory=dict)
    milestones: tuple[str, ...] = ()
    workload: WorkloadMeta | None = None  # None: not read, so not compared


def token(*parts: str) -> str:
    """A ClientRequestToken that is the same for the same request (retries are safe)."""
    return "mllens-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def lens_version_name(lens_version: str, lens_json: str) -> str:
    """The version name published for a lens document: ours plus a digest of the text,
    so a changed document gets a new version and an unchanged one none (at most 32)."""
    digest = hashlib.sha256(lens_json.encode()).hexdigest()[:8]
    return f"{lens_version[:23]}-{digest}"


def environment_of(value: str | None) -> Environment:
    """mllens.yaml's free-text environment in the tool's two values."""
    return "PRODUCTION" if (value or "production").strip().lower() in ("production", "prod") else "PREPRODUCTION"


def _workload_update(settings: WorkloadSettings, workload_id: str, held: WorkloadMeta | None) -> list[Call]:
    """UpdateWorkload with only the settings that changed (none: no call). An owner or
    Regions mllens does not know (unset in mllens.yaml and flags) are left as the tool has them."""
    if held is None:
        return []
    changed: dict[str, Any] = {}
    if held.description != settings.description:
        changed["Description"] = settings.description
    if held.environment != settings.environment:
        changed["Environment"] = settings.environment
    if settings.owner and held.owner != settings.owner:
        changed["ReviewOwner"] = settings.owner
    if settings.regions and sorted(held.regions) != sorted(settings.regions):
        changed["AwsRegions"] = list(settings.regions)
    if not changed:
        return []
    return [{"operation": "UpdateWorkload", "params": {"WorkloadId": workload_id, **changed}}]


def _workload_calls(settings: WorkloadSettings, state: ToolState) -> tuple[list[Call], str]:
    if state.workload_id is not None:
        return _workload_update(settings, state.workload_id, state.workload), state.workload_id
    params: dict[str, Any] = {
        "WorkloadName": settings.name,
        "Description": settings.description,
        "Environment": settings.environment,
        "Lenses": ["wellarchitected"],
        "ClientRequestToken": token("CreateWorkload", settings.name),
    }
    if settings.owner:
        params["ReviewOwner"] = settings.owner
    if settings.regions:
        params["AwsRegions"] = list(settings.regions)
    return [{"operation": "CreateWorkload", "params": params}], NEW_WORKLOAD_ID


def _lens_calls(lens_json: str, lens_version: str, state: ToolState) -> tuple[list[Call], str]:
    version = lens_version_name(lens_version, lens_json)
    if state.lens_arn is not None and state.lens_version == version:
        return [], state.lens_arn
    imported: dict[str, Any] = {"JSONString": lens_json, "ClientRequestToken": token("ImportLens", version)}
    if state.lens_arn is not None:
        imported["LensAlias"] = state.lens_arn  # a new draft over our published lens
    alias = state.lens_arn or NEW_LENS_ARN
    publish = {
        "LensAlias": alias,
        "LensVersion": version,
        "IsMajorVersion": False,
        "ClientRequestToken": token("CreateLensVersion", version),
    }
    return [
        {"operation": "ImportLens", "params": imported},
        {"operation": "CreateLensVersion", "params": publish},
    ], alias


def build_plan(
    answers: list[WaAnswer],
    lens_json: str,
    *,
    lens_version: str,
    settings: WorkloadSettings,
    state: ToolState | None,
    commit: str | None = None,
) -> list[Call]:
    """The calls, in order; none at all when the tool already holds all of it."""
    state = state or ToolState()
    calls, workload_id = _workload_calls(settings, state)
    if settings.lens_alias is not None:
        alias = settings.lens_alias
    else:
        lens_calls, alias = _lens_calls(lens_json, lens_version, state)
        calls += lens_calls
    if not state.associated or workload_id != state.workload_id:
        calls.append({"operation": "AssociateLenses", "params": {"WorkloadId": workload_id, "LensAliases": [alias]}})
    writes = [a for a in answers if state.answers.get(a.question) != a]
    for answer in writes:
        calls.append(
            {"operation": "UpdateAnswer", "params": answer.update_params(workload_id=workload_id, lens_alias=alias)}
        )
    name = milestone_name(settings.milestone, commit, answers)
    if calls and name not in state.milestones:
        calls.append(
            {
                "operation": "CreateMilestone",
                "params": {
                    "WorkloadId": workload_id,
                    "MilestoneName": name,
                    "ClientRequestToken": token("CreateMilestone", workload_id, name),
                },
            }
        )
    return calls


def milestone_name(milestone: str | None, commit: str | None, answers: list[WaAnswer]) -> str:
    """The mllens milestone's name, else the commit's, else a digest of the answers."""
    if milestone:
        return milestone[:100].ljust(3, "_")
    if commit:
        return f"mllens {commit[:12]}"
    digest = hashlib.sha256(
        json.dumps([a.update_params(workload_id="", lens_alias="") for a in answers], sort_keys=True).encode()
    )
    return f"mllens {digest.hexdigest()[:12]}"
