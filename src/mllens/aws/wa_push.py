"""Read what the tool holds for a workload, and run a plan of calls against it."""

from __future__ import annotations

import time
from typing import Any

from mllens.aws.wa_answers import WaAnswer
from mllens.aws.wa_client import Conflict, Sleep, call, pages
from mllens.aws.wa_plan import NEW_LENS_ARN, NEW_WORKLOAD_ID, Call, ToolState, WorkloadMeta
from mllens.errors import MllensError


def find_workload(client: Any, name: str, *, sleep: Sleep = time.sleep) -> dict[str, Any] | None:
    for summary in pages(
        client, "ListWorkloads", {"WorkloadNamePrefix": name, "MaxResults": 50}, "WorkloadSummaries", sleep=sleep
    ):
        if summary.get("WorkloadName") == name:
            return summary
    return None


def read_answers(client: Any, workload_id: str, alias: str, *, sleep: Sleep = time.sleep) -> dict[str, WaAnswer]:
    """The tool's answers for the lens: ListAnswers for the list, GetAnswer for notes."""
    out = {}
    listed = {"WorkloadId": workload_id, "LensAlias": alias, "MaxResults": 50}
    for summary in pages(client, "ListAnswers", listed, "AnswerSummaries", sleep=sleep):
        qid = summary["QuestionId"]
        got = call(client, "GetAnswer", {"WorkloadId": workload_id, "LensAlias": alias, "QuestionId": qid}, sleep=sleep)
        answer = got.get("Answer", {})
        na = {
            c["ChoiceId"]: c.get("Reason") or "OTHER"
            for c in answer.get("ChoiceAnswers", [])
            if c.get("Status") == "NOT_APPLICABLE"
        }
        applicable = bool(answer.get("IsApplicable", True))
        out[qid] = WaAnswer(
            question=qid,
            selected=tuple(sorted(answer.get("SelectedChoices", []))),
            not_applicable=na,
            notes=answer.get("Notes", ""),
            applicable=applicable,
            reason=None if applicable else answer.get("Reason"),
        )
    return out


def read_state(
    client: Any, *, workload: str, lens_name: str | None, alias: str | None = None, sleep: Sleep = time.sleep
) -> ToolState:
    """What the tool holds for the workload named `workload` and our lens (`lens_name`),
    or the lens `alias` the user named."""
    lens_arn = lens_version = None
    if alias is None and lens_name is not None:
        listed = {"LensType": "CUSTOM_SELF", "LensName": lens_name, "LensStatus": "ALL", "MaxResults": 50}
        for lens in pages(client, "ListLenses", listed, "LensSummaries", sleep=sleep):
            if lens.get("LensName") == lens_name:
                lens_arn, lens_version = lens.get("LensArn"), lens.get("LensVersion")
                break
    summary = find_workload(client, workload, sleep=sleep)
    if summary is None:
        return ToolState(lens_arn=lens_arn, lens_version=lens_version)
    workload_id = summary["WorkloadId"]
    held = call(client, "GetWorkload", {"WorkloadId": workload_id}, sleep=sleep).get("Workload", {})
    meta = WorkloadMeta(
        description=held.get("Description", ""),
        environment=held.get("Environment", ""),
        owner=held.get("ReviewOwner"),
        regions=tuple(held.get("AwsRegions", [])),
    )
    used = alias or lens_arn
    associated = used is not None and used in summary.get("Lenses", [])
    answers = read_answers(client, workload_id, used, sleep=sleep) if associated and used else {}
    milestones = tuple(
        m["MilestoneName"]
        for m in pages(
            client, "ListMilestones", {"WorkloadId": workload_id, "MaxResults": 50}, "MilestoneSummaries", sleep=sleep
        )
    )
    return ToolState(workload_id, lens_arn, lens_version, associated, answers, milestones, meta)


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


LENS_WAITS = 5  # CreateLensVersion conflicts while the import before it still runs


def _call_waiting(client: Any, operation: str, params: dict[str, Any], *, sleep: Sleep) -> dict[str, Any]:
    """`call`, except that publishing a lens waits out the import it follows (ImportLens
    answers IN_PROGRESS and the tool refuses a version of a draft still importing)."""
    for attempt in range(LENS_WAITS if operation == "CreateLensVersion" else 1):
        try:
            return call(client, operation, params, sleep=sleep)
        except Conflict:
            if attempt + 1 >= LENS_WAITS or operation != "CreateLensVersion":
                raise
            sleep(2.0 * 2**attempt)
    raise Conflict(operation)


def run_plan(client: Any, plan: list[Call], *, sleep: Sleep = time.sleep) -> list[str]:
    """Execute the plan in order; returns one line per call done. A conflict on a create
    or associate means it is there already (a workload of that name is looked up)."""
    ids: dict[str, str] = {}
    done = []
    for step in plan:
        operation, params = step["operation"], _fill(step["params"], ids)
        try:
            response = _call_waiting(client, operation, params, sleep=sleep)
        except Conflict:
            if operation == "CreateWorkload":
                found = find_workload(client, params["WorkloadName"], sleep=sleep)
                if found is None:
                    raise MllensError(
                        f"the tool reported a conflict creating workload {params['WorkloadName']!r} "
                        "but lists none of that name"
                    ) from None
                ids[NEW_WORKLOAD_ID] = found["WorkloadId"]
                done.append(f"{operation}: exists already")
                continue
            if operation == "CreateLensVersion":
                raise MllensError(
                    f"the Well-Architected Tool would not publish lens version {params['LensVersion']!r}: the "
                    "import is still running or the version exists; run the push again in a minute"
                ) from None
            if operation in ("CreateMilestone", "AssociateLenses"):
                done.append(f"{operation}: exists already")
                continue
            raise MllensError(
                f"the Well-Architected Tool reported a conflict on {operation}; run the push again"
            ) from None
        if operation == "CreateWorkload":
            ids[NEW_WORKLOAD_ID] = response["WorkloadId"]
        elif operation == "ImportLens":
            if response.get("Status") == "ERROR":
                raise MllensError(
                    "the Well-Architected Tool could not import the lens (status ERROR); "
                    "check the document with `mllens lens export`"
                )
            if "LensArn" in response:
                ids[NEW_LENS_ARN] = response["LensArn"]
        done.append(operation)
    return done
