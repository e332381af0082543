"""`mllens aws push --dry-run`: the calls as JSON, planned as for a new workload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import typer
from botocore.config import Config
from botocore.stub import Stubber
from typer.testing import CliRunner

from mllens.cli import aws_cmd

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"
WID = "0123456789abcdef0123456789abcdef"
ARN = "arn:aws:wellarchitected:eu-west-1:111122223333:lens/0123abcd"


def _app() -> typer.Typer:
    app = typer.Typer()
    aws_cmd.register(app)
    return app


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS credentials or Region from this machine reach the tests."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_dry_run_prints_the_calls_without_credentials() -> None:
    result = CliRunner().invoke(
        _app(), ["aws", "push", str(EXAMPLE), "--dry-run", "--format", "json", "--region", "eu-west-1"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [c["operation"] for c in plan][:4] == [
        "CreateWorkload",
        "ImportLens",
        "CreateLensVersion",
        "AssociateLenses",
    ]
    assert plan[0]["params"]["AwsRegions"] == ["eu-west-1"]
    assert all(set(c) == {"operation", "params"} for c in plan)


def test_done_when_the_example_dry_run_push_is_a_list_of_calls_botocore_validation_accepts() -> None:
    """Issue 14's "Done when": every planned call of the example project passes botocore's own
    parameter validation against the `wellarchitected` service model, in the printed order."""
    import botocore.session
    from botocore.validate import ParamValidator

    result = CliRunner().invoke(_app(), ["aws", "push", str(EXAMPLE), "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    model = botocore.session.get_session().get_service_model("wellarchitected")
    for call in plan:
        assert call["operation"] in model.operation_names
        report = ParamValidator().validate(call["params"], model.operation_model(call["operation"]).input_shape)
        assert not report.has_errors(), (call["operation"], report.generate_report())
    operations = [c["operation"] for c in plan]
    assert operations[0] == "CreateWorkload" and operations[-1] == "CreateMilestone"
    assert operations.count("UpdateAnswer") == 35


def test_pull_without_mllens_yaml_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["aws", "pull", str(tmp_path)], obj={"wa_client": object()})
    assert result.exit_code == 2
    assert "has no mllens.yaml" in result.output


def _stubbed() -> tuple[Any, Stubber]:
    client = boto3.client(
        "wellarchitected",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    return client, Stubber(client)


def _fill(value: Any) -> Any:
    if value == "<WorkloadId from CreateWorkload>":
        return WID
    if value == "<LensArn from ImportLens>":
        return ARN
    if isinstance(value, list):
        return [_fill(v) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v) for k, v in value.items()}
    return value


def _empty_account(s: Stubber, lens_name: str) -> None:
    s.add_response(
        "list_lenses",
        {"LensSummaries": []},
        {"LensType": "CUSTOM_SELF", "LensName": lens_name, "LensStatus": "ALL", "MaxResults": 50},
    )
    s.add_response(
        "list_workloads", {"WorkloadSummaries": []}, {"WorkloadNamePrefix": "card-fraud-scoring", "MaxResults": 50}
    )


RESPONSES = {
    "CreateWorkload": {"WorkloadId": WID, "WorkloadArn": "arn:aws:wellarchitected:eu-west-1:111122223333:workload/x"},
    "ImportLens": {"LensArn": ARN, "Status": "IN_PROGRESS"},
    "CreateLensVersion": {"LensArn": ARN, "LensVersion": "v"},
    "AssociateLenses": {},
    "UpdateAnswer": {"WorkloadId": WID},
    "CreateMilestone": {"WorkloadId": WID, "MilestoneNumber": 1},
}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def test_the_real_push_makes_exactly_the_dry_run_calls_and_a_second_push_writes_nothing() -> None:
    dry = CliRunner().invoke(_app(), ["aws", "push", str(EXAMPLE), "--dry-run", "--format", "json"])
    plan = json.loads(dry.output)
    lens_name = json.loads(plan[1]["params"]["JSONString"])["name"]
    client, s = _stubbed()
    _empty_account(s, lens_name)
    for step in plan:
        s.add_response(_snake(step["operation"]), RESPONSES[step["operation"]], _fill(step["params"]))
    with s:
        result = CliRunner().invoke(_app(), ["aws", "push", str(EXAMPLE)], obj={"wa_client": client})
        assert result.exit_code == 0, result.output
        s.assert_no_pending_responses()
    assert f"{len(plan)} call(s)" in result.output

    # The tool now holds what was written: the next push reads it back and writes nothing.
    version = next(c for c in plan if c["operation"] == "CreateLensVersion")["params"]["LensVersion"]
    updates = [c["params"] for c in plan if c["operation"] == "UpdateAnswer"]
    client, s = _stubbed()
    s.add_response(
        "list_lenses",
        {"LensSummaries": [{"LensArn": ARN, "LensName": lens_name, "LensVersion": version}]},
        {"LensType": "CUSTOM_SELF", "LensName": lens_name, "LensStatus": "ALL", "MaxResults": 50},
    )
    s.add_response(
        "list_workloads",
        {"WorkloadSummaries": [{"WorkloadId": WID, "WorkloadName": "card-fraud-scoring", "Lenses": [ARN]}]},
        {"WorkloadNamePrefix": "card-fraud-scoring", "MaxResults": 50},
    )
    created = plan[0]["params"]
    held = {k: created[k] for k in ("WorkloadName", "Description", "Environment", "ReviewOwner", "AwsRegions")
            if k in created}
    s.add_response("get_workload", {"Workload": {"WorkloadId": WID, **held}}, {"WorkloadId": WID})
    s.add_response(
        "list_answers",
        {"AnswerSummaries": [{"QuestionId": u["QuestionId"]} for u in updates]},
        {"WorkloadId": WID, "LensAlias": ARN, "MaxResults": 50},
    )
    for u in updates:
        answer = {
            "QuestionId": u["QuestionId"],
            "SelectedChoices": list(reversed(u["SelectedChoices"])),  # the tool's own order
            "ChoiceAnswers": [
                {"ChoiceId": c, "Status": v["Status"], "Reason": v["Reason"]}
                for c, v in u.get("ChoiceUpdates", {}).items()
            ],
            "IsApplicable": u["IsApplicable"],
            "Notes": u["Notes"],
        }
        s.add_response(
            "get_answer", {"Answer": answer}, {"WorkloadId": WID, "LensAlias": ARN, "QuestionId": u["QuestionId"]}
        )
    milestone = plan[-1]["params"]["MilestoneName"]
    s.add_response(
        "list_milestones",
        {"MilestoneSummaries": [{"MilestoneNumber": 1, "MilestoneName": milestone}]},
        {"WorkloadId": WID, "MaxResults": 50},
    )
    with s:
        again = CliRunner().invoke(_app(), ["aws", "push", str(EXAMPLE)], obj={"wa_client": client})
        assert again.exit_code == 0, again.output
        s.assert_no_pending_responses()
    assert "up to date" in again.output


def test_dry_run_as_text_names_each_call_and_its_question() -> None:
    result = CliRunner().invoke(_app(), ["aws", "push", str(EXAMPLE), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "CreateWorkload" and "UpdateAnswer MLOPS01" in lines and lines[-1] == "CreateMilestone"


def test_workload_flags_win_over_mllens_yaml() -> None:
    result = CliRunner().invoke(_app(), [
        "aws", "push", str(EXAMPLE), "--dry-run", "--format", "json", "--description", "Card fraud scoring, v2",
        "--owner", "ml-platform@acme.example", "--environment", "staging", "--workload", "fraud-staging"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)[0]["params"]
    assert (created["WorkloadName"], created["Description"], created["ReviewOwner"], created["Environment"]) == (
        "fraud-staging", "Card fraud scoring, v2", "ml-platform@acme.example", "PREPRODUCTION")
