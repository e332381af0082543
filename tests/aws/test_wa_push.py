"""Push against botocore's Stubber: exact request and response shapes of every call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from mllens.aws.wa_answers import WaAnswer
from mllens.aws.wa_plan import NEW_LENS_ARN, NEW_WORKLOAD_ID, WorkloadMeta
from mllens.aws.wa_push import read_state, run_plan
from mllens.errors import MllensError

WID = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
ARN = "arn:aws:wellarchitected:eu-west-1:111122223333:lens/0123abcd"


def no_sleep(seconds: float) -> None:
    waits.append(seconds)


waits: list[float] = []


@pytest.fixture
def stub() -> Iterator[tuple[Any, Stubber]]:
    waits.clear()
    client = boto3.client(
        "wellarchitected",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _workload(**changed: Any) -> dict[str, Any]:
    """GetWorkload's Workload as the tool answers it."""
    held = {"WorkloadId": WID, "WorkloadName": "fraud", "Description": "scores card payments",
            "Environment": "PRODUCTION", "ReviewOwner": "risk-ml@acme.example", "AwsRegions": ["eu-west-1"],
            "Lenses": ["wellarchitected", ARN]}
    return {**held, **changed}


def _summary(wid: str, name: str, lenses: list[str]) -> dict[str, Any]:
    return {"WorkloadId": wid, "WorkloadName": name, "Lenses": lenses}


def test_read_state_follows_every_page(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    s.add_response(
        "list_lenses",
        {"LensSummaries": [{"LensArn": ARN, "LensName": "ML Lens", "LensVersion": "1.0-abcdef12"}]},
        {"LensType": "CUSTOM_SELF", "LensName": "ML Lens", "LensStatus": "ALL", "MaxResults": 50},
    )
    s.add_response(
        "list_workloads",
        {"WorkloadSummaries": [_summary(OTHER, "fraud-old", [])], "NextToken": "page2"},
        {"WorkloadNamePrefix": "fraud", "MaxResults": 50},
    )
    s.add_response(
        "list_workloads",
        {"WorkloadSummaries": [_summary(WID, "fraud", ["wellarchitected", ARN])]},
        {"WorkloadNamePrefix": "fraud", "MaxResults": 50, "NextToken": "page2"},
    )
    s.add_response("get_workload", {"Workload": _workload()}, {"WorkloadId": WID})
    listed = {"WorkloadId": WID, "LensAlias": ARN, "MaxResults": 50}
    s.add_response("list_answers", {"AnswerSummaries": [{"QuestionId": "MLOPS01"}], "NextToken": "a2"}, listed)
    s.add_response(
        "get_answer",
        {"Answer": {"QuestionId": "MLOPS01", "SelectedChoices": ["MLOPS01_BP01"], "IsApplicable": True, "Notes": "n"}},
        {"WorkloadId": WID, "LensAlias": ARN, "QuestionId": "MLOPS01"},
    )
    s.add_response("list_answers", {"AnswerSummaries": [{"QuestionId": "MLPERF05"}]}, {**listed, "NextToken": "a2"})
    s.add_response(
        "get_answer",
        {
            "Answer": {
                "QuestionId": "MLPERF05",
                "SelectedChoices": [],
                "ChoiceAnswers": [{"ChoiceId": "MLPERF05_BP01", "Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"}],
                "IsApplicable": False,
                "Reason": "BUSINESS_PRIORITIES",
                "Notes": "",
            }
        },
        {"WorkloadId": WID, "LensAlias": ARN, "QuestionId": "MLPERF05"},
    )
    s.add_response(
        "list_milestones",
        {"MilestoneSummaries": [{"MilestoneNumber": 1, "MilestoneName": "Q1 review"}]},
        {"WorkloadId": WID, "MaxResults": 50},
    )
    state = read_state(client, workload="fraud", lens_name="ML Lens", sleep=no_sleep)
    assert (state.workload_id, state.lens_arn, state.lens_version, state.associated) == (WID, ARN, "1.0-abcdef12", True)
    assert state.answers["MLOPS01"] == WaAnswer(question="MLOPS01", selected=("MLOPS01_BP01",), notes="n")
    assert state.answers["MLPERF05"] == WaAnswer(
        question="MLPERF05",
        not_applicable={"MLPERF05_BP01": "OUT_OF_SCOPE"},
        applicable=False,
        reason="BUSINESS_PRIORITIES",
    )
    assert state.milestones == ("Q1 review",)
    assert state.workload == WorkloadMeta("scores card payments", "PRODUCTION", "risk-ml@acme.example", ("eu-west-1",))


def _plan() -> list[dict[str, Any]]:
    return [
        {
            "operation": "CreateWorkload",
            "params": {
                "WorkloadName": "fraud",
                "Description": "scores",
                "Environment": "PRODUCTION",
                "Lenses": ["wellarchitected"],
                "ClientRequestToken": "t1",
            },
        },
        {"operation": "ImportLens", "params": {"JSONString": "{}", "ClientRequestToken": "t2"}},
        {
            "operation": "CreateLensVersion",
            "params": {
                "LensAlias": NEW_LENS_ARN,
                "LensVersion": "1.0-abcdef12",
                "IsMajorVersion": False,
                "ClientRequestToken": "t3",
            },
        },
        {"operation": "AssociateLenses", "params": {"WorkloadId": NEW_WORKLOAD_ID, "LensAliases": [NEW_LENS_ARN]}},
        {
            "operation": "UpdateAnswer",
            "params": {
                "WorkloadId": NEW_WORKLOAD_ID,
                "LensAlias": NEW_LENS_ARN,
                "QuestionId": "MLOPS01",
                "SelectedChoices": ["MLOPS01_BP01"],
                "Notes": "",
                "IsApplicable": True,
            },
        },
        {
            "operation": "CreateMilestone",
            "params": {"WorkloadId": NEW_WORKLOAD_ID, "MilestoneName": "Q1 review", "ClientRequestToken": "t4"},
        },
    ]


def test_run_fills_the_ids_the_tool_hands_out_and_retries_throttling(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    plan = _plan()
    s.add_response(
        "create_workload",
        {"WorkloadId": WID, "WorkloadArn": "arn:aws:wellarchitected:eu-west-1:111122223333:workload/x"},
        plan[0]["params"],
    )
    s.add_response("import_lens", {"LensArn": ARN, "Status": "IN_PROGRESS"}, plan[1]["params"])
    s.add_client_error("create_lens_version", service_error_code="ThrottlingException", http_status_code=400)
    s.add_client_error("create_lens_version", service_error_code="ThrottlingException", http_status_code=400)
    s.add_response(
        "create_lens_version", {"LensArn": ARN, "LensVersion": "1.0-abcdef12"}, {**plan[2]["params"], "LensAlias": ARN}
    )
    s.add_response("associate_lenses", {}, {"WorkloadId": WID, "LensAliases": [ARN]})
    s.add_response(
        "update_answer",
        {"WorkloadId": WID, "LensAlias": ARN},
        {**plan[4]["params"], "WorkloadId": WID, "LensAlias": ARN},
    )
    s.add_response(
        "create_milestone", {"WorkloadId": WID, "MilestoneNumber": 1}, {**plan[5]["params"], "WorkloadId": WID}
    )
    done = run_plan(client, plan, sleep=no_sleep)
    assert done == [c["operation"] for c in plan]
    assert waits == [0.5, 1.0]  # backoff doubles


def test_conflict_on_create_workload_uses_the_one_of_that_name(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    plan = [_plan()[0], _plan()[3]]
    plan[1]["params"]["LensAliases"] = ["wellarchitected"]
    s.add_client_error("create_workload", service_error_code="ConflictException", http_status_code=409)
    s.add_response(
        "list_workloads",
        {"WorkloadSummaries": [_summary(WID, "fraud", [])]},
        {"WorkloadNamePrefix": "fraud", "MaxResults": 50},
    )
    s.add_client_error(
        "associate_lenses",
        service_error_code="ConflictException",
        http_status_code=409,
        expected_params={"WorkloadId": WID, "LensAliases": ["wellarchitected"]},
    )
    assert run_plan(client, plan, sleep=no_sleep) == [
        "CreateWorkload: exists already",
        "AssociateLenses: exists already",
    ]


def test_access_denied_names_the_permission(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    plan = [_plan()[4]]
    plan[0]["params"] = {**plan[0]["params"], "WorkloadId": WID, "LensAlias": ARN}
    s.add_client_error("update_answer", service_error_code="AccessDeniedException", http_status_code=403)
    with pytest.raises(MllensError, match=r"wellarchitected:UpdateAnswer.*docs/aws.md") as info:
        run_plan(client, plan, sleep=no_sleep)
    assert "\n" not in str(info.value)


def test_throttling_that_never_ends_is_an_error(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    for _ in range(6):
        s.add_client_error("list_milestones", service_error_code="ThrottlingException", http_status_code=400)
    from mllens.aws.wa_client import call

    with pytest.raises(MllensError, match="kept throttling ListMilestones"):
        call(client, "ListMilestones", {"WorkloadId": WID}, sleep=no_sleep)


def test_publishing_waits_out_an_import_still_running(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    step = _plan()[2]
    step["params"]["LensAlias"] = ARN
    s.add_client_error("create_lens_version", service_error_code="ConflictException", http_status_code=409)
    s.add_response("create_lens_version", {"LensArn": ARN, "LensVersion": "1.0-abcdef12"}, step["params"])
    assert run_plan(client, [step], sleep=no_sleep) == ["CreateLensVersion"]
    assert waits == [2.0]


def test_a_version_never_published_is_an_error_saying_to_run_again(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    step = _plan()[2]
    step["params"]["LensAlias"] = ARN
    for _ in range(5):
        s.add_client_error("create_lens_version", service_error_code="ConflictException", http_status_code=409)
    with pytest.raises(MllensError, match="run the push again"):
        run_plan(client, [step], sleep=no_sleep)


def test_a_failed_import_stops_the_push(stub: tuple[Any, Stubber]) -> None:
    client, s = stub
    plan = _plan()[1:3]
    s.add_response("import_lens", {"LensArn": ARN, "Status": "ERROR"}, plan[0]["params"])
    with pytest.raises(MllensError, match="could not import the lens"):
        run_plan(client, plan, sleep=no_sleep)
