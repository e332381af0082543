"""A push against a tool that holds the example project's review already (botocore's Stubber
answering the reads): nothing changed makes no write call; a changed description and one
changed answer make UpdateWorkload and UpdateAnswer for that question only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from mllens.aws.wa_answers import WaAnswer
from mllens.aws.wa_plan import build_plan, lens_version_name, milestone_name
from mllens.aws.wa_project import Prepared
from mllens.aws.wa_push import read_state, run_plan

WID = "0123456789abcdef0123456789abcdef"
ARN = "arn:aws:wellarchitected:eu-west-1:111122223333:lens/0123abcd"


@pytest.fixture
def recorded() -> Iterator[tuple[Any, Stubber, list[str]]]:
    client = boto3.client("wellarchitected", region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}))
    operations: list[str] = []
    client.meta.events.register("before-parameter-build", lambda model, **_: operations.append(model.name))
    with Stubber(client) as stubber:
        yield client, stubber, operations
        stubber.assert_no_pending_responses()


def _held(answer: WaAnswer) -> dict[str, Any]:
    """GetAnswer's Answer for what a push wrote."""
    held: dict[str, Any] = {"QuestionId": answer.question, "SelectedChoices": list(answer.selected),
                            "Notes": answer.notes, "IsApplicable": answer.applicable}
    if answer.not_applicable:
        held["ChoiceAnswers"] = [{"ChoiceId": c, "Status": "NOT_APPLICABLE", "Reason": r}
                                 for c, r in sorted(answer.not_applicable.items())]
    if not answer.applicable:
        held["Reason"] = answer.reason or "OTHER"
    return held


def _tool_holds(s: Stubber, example: Prepared, *, description: str | None = None,
                answers: dict[str, WaAnswer] | None = None) -> None:
    """The read calls of read_state, answered as a tool the example was pushed into."""
    settings = example.settings
    version = lens_version_name(example.lens.version, example.lens_json)
    s.add_response("list_lenses", {"LensSummaries": [{"LensArn": ARN, "LensName": example.lens.name,
                                                      "LensVersion": version}]},
                   {"LensType": "CUSTOM_SELF", "LensName": example.lens.name, "LensStatus": "ALL", "MaxResults": 50})
    s.add_response("list_workloads", {"WorkloadSummaries": [
        {"WorkloadId": WID, "WorkloadName": settings.name, "Lenses": ["wellarchitected", ARN]}]},
        {"WorkloadNamePrefix": settings.name, "MaxResults": 50})
    workload: dict[str, Any] = {"WorkloadId": WID, "WorkloadName": settings.name,
                                "Description": description or settings.description,
                                "Environment": settings.environment, "AwsRegions": list(settings.regions)}
    if settings.owner:
        workload["ReviewOwner"] = settings.owner
    s.add_response("get_workload", {"Workload": workload}, {"WorkloadId": WID})
    listed = {"WorkloadId": WID, "LensAlias": ARN, "MaxResults": 50}
    held = {a.question: a for a in example.answers} | (answers or {})
    s.add_response("list_answers", {"AnswerSummaries": [{"QuestionId": q} for q in held]}, listed)
    for question, answer in held.items():
        s.add_response("get_answer", {"Answer": _held(answer)},
                       {"WorkloadId": WID, "LensAlias": ARN, "QuestionId": question})
    name = milestone_name(settings.milestone, example.commit, example.answers)
    s.add_response("list_milestones", {"MilestoneSummaries": [{"MilestoneNumber": 1, "MilestoneName": name}]},
                   {"WorkloadId": WID, "MaxResults": 50})


def _push(client: Any, example: Prepared) -> list[str]:
    state = read_state(client, workload=example.settings.name, lens_name=example.lens.name)
    plan = build_plan(example.answers, example.lens_json, lens_version=example.lens.version,
                      settings=example.settings, state=state, commit=example.commit)
    return run_plan(client, plan)


def test_a_second_push_with_nothing_changed_makes_only_read_calls(
    example: Prepared, recorded: tuple[Any, Stubber, list[str]]
) -> None:
    client, s, operations = recorded
    _tool_holds(s, example)
    assert _push(client, example) == []
    assert operations and all(op.startswith(("List", "Get")) for op in operations)
    assert operations.count("GetAnswer") == len(example.answers) == 35


def test_changed_workload_settings_and_one_changed_answer_are_the_only_writes(
    example: Prepared, recorded: tuple[Any, Stubber, list[str]]
) -> None:
    client, s, operations = recorded
    first = example.answers[0]
    _tool_holds(s, example, description="an older description",
                answers={first.question: replace(first, notes="edited in the tool")})
    s.add_response("update_workload", {"Workload": {"WorkloadId": WID}},
                   {"WorkloadId": WID, "Description": example.settings.description})
    s.add_response("update_answer", {"WorkloadId": WID, "LensAlias": ARN},
                   first.update_params(workload_id=WID, lens_alias=ARN))
    assert _push(client, example) == ["UpdateWorkload", "UpdateAnswer"]
    assert [op for op in operations if not op.startswith(("List", "Get"))] == ["UpdateWorkload", "UpdateAnswer"]


def test_owner_and_regions_that_changed_are_updated_and_unknown_ones_kept(example: Prepared) -> None:
    from mllens.aws.wa_plan import ToolState, WorkloadMeta

    settings = replace(example.settings, regions=("eu-west-1", "eu-central-1"))
    held = WorkloadMeta(settings.description, settings.environment, "someone-else@acme.example", ("eu-west-1",))
    state = ToolState(workload_id=WID, lens_arn=ARN, lens_version=lens_version_name(example.lens.version,
                      example.lens_json), associated=True, answers={a.question: a for a in example.answers},
                      milestones=(milestone_name(None, None, example.answers),), workload=held)
    plan = build_plan(example.answers, example.lens_json, lens_version=example.lens.version, settings=settings,
                      state=state)
    assert plan[0] == {"operation": "UpdateWorkload", "params": {
        "WorkloadId": WID, "ReviewOwner": settings.owner, "AwsRegions": ["eu-west-1", "eu-central-1"]}}
    unknown = replace(settings, owner=None, regions=())
    assert build_plan(example.answers, example.lens_json, lens_version=example.lens.version, settings=unknown,
                      state=state) == []
