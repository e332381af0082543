"""The plan of a push: botocore accepts every call; nothing is written twice."""

from __future__ import annotations

from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from mllens.aws.wa_answers import EVIDENCE_HEAD, MORE, NOTES_MAX, WaAnswer, cut_notes, split_notes
from mllens.aws.wa_plan import (
    NEW_LENS_ARN,
    NEW_WORKLOAD_ID,
    ToolState,
    WorkloadSettings,
    build_plan,
    lens_version_name,
)
from mllens.aws.wa_project import Prepared, prepare

WID = "0123456789abcdef0123456789abcdef"
ARN = "arn:aws:wellarchitected:eu-west-1:111122223333:lens/abc"


def _plan(example: Prepared, state: ToolState | None, **settings: object) -> list[dict[str, object]]:
    chosen = example.settings if not settings else WorkloadSettings(**{**example.settings.__dict__, **settings})
    return build_plan(
        example.answers, example.lens_json, lens_version=example.lens.version, settings=chosen, state=state
    )


def _state_after_push(example: Prepared, plan: list[dict[str, object]]) -> ToolState:
    milestone = next(c["params"]["MilestoneName"] for c in plan if c["operation"] == "CreateMilestone")  # type: ignore[index]
    return ToolState(
        workload_id=WID,
        lens_arn=ARN,
        lens_version=lens_version_name(example.lens.version, example.lens_json),
        associated=True,
        answers={a.question: a for a in example.answers},
        milestones=(milestone,),
    )


def test_example_dry_run_is_accepted_by_botocore_validation(example: Prepared) -> None:
    model = botocore.session.get_session().get_service_model("wellarchitected")
    plan = _plan(example, None, regions=("eu-west-1",))
    for call in plan:
        shape = model.operation_model(call["operation"]).input_shape  # type: ignore[arg-type]
        report = ParamValidator().validate(call["params"], shape)
        assert not report.has_errors(), (call["operation"], report.generate_report())
    operations = [c["operation"] for c in plan]
    assert operations[:4] == ["CreateWorkload", "ImportLens", "CreateLensVersion", "AssociateLenses"]
    assert operations.count("UpdateAnswer") == len(example.lens.questions) == 35
    assert operations[-1] == "CreateMilestone"
    created = plan[0]["params"]
    assert created["WorkloadName"] == "card-fraud-scoring"  # type: ignore[index]
    assert created["Environment"] == "PRODUCTION" and created["AwsRegions"] == ["eu-west-1"]  # type: ignore[index]
    assert created["ReviewOwner"] == "risk-ml@acme.example"  # type: ignore[index]


def test_answers_carry_choices_reasons_and_evidence_with_file_and_line(example: Prepared) -> None:
    by_q = {a.question: a for a in example.answers}
    # mllens.yaml: MLPERF05-BP01 not applicable, architecture constraints
    assert by_q["MLPERF05"].not_applicable == {"MLPERF05_BP01": "ARCHITECTURE_CONSTRAINTS"}
    params = by_q["MLPERF05"].update_params(workload_id=WID, lens_alias=ARN)
    assert params["ChoiceUpdates"] == {
        "MLPERF05_BP01": {"Status": "NOT_APPLICABLE", "Reason": "ARCHITECTURE_CONSTRAINTS"}
    }
    assert "MLOPS01_BP01" in by_q["MLOPS01"].selected
    assert "infra/main.tf:48" in by_q["MLOPS04"].notes and EVIDENCE_HEAD in by_q["MLOPS04"].notes
    assert all(len(a.notes) <= NOTES_MAX for a in example.answers)


def test_second_push_with_nothing_changed_makes_no_call(example: Prepared) -> None:
    first = _plan(example, None)
    assert _plan(example, _state_after_push(example, first)) == []


def test_only_changed_answers_are_written_into_a_known_workload(example: Prepared) -> None:
    state = _state_after_push(example, _plan(example, None))
    stale = WaAnswer(question="MLSEC05", notes="old")
    plan = _plan(example, ToolState(**{**state.__dict__, "answers": {**state.answers, "MLSEC05": stale}}))
    # the milestone of these answers is recorded already: the tool refuses a second of that name
    assert [c["operation"] for c in plan] == ["UpdateAnswer"]
    assert plan[0]["params"]["WorkloadId"] == WID and plan[0]["params"]["LensAlias"] == ARN  # type: ignore[index]
    assert plan[0]["params"]["QuestionId"] == "MLSEC05"  # type: ignore[index]


def test_changed_lens_is_imported_over_ours_and_published(example: Prepared) -> None:
    state = _state_after_push(example, _plan(example, None))
    plan = _plan(example, ToolState(**{**state.__dict__, "lens_version": "1.0-oldoldol"}))
    assert [c["operation"] for c in plan[:2]] == ["ImportLens", "CreateLensVersion"]
    assert plan[0]["params"]["LensAlias"] == ARN  # type: ignore[index]
    assert plan[1]["params"]["LensVersion"] == lens_version_name(example.lens.version, example.lens_json)  # type: ignore[index]
    assert len(plan[1]["params"]["LensVersion"]) <= 32  # type: ignore[index,arg-type]


def test_a_named_lens_alias_is_used_as_it_is(example: Prepared) -> None:
    plan = _plan(example, None, lens_alias="arn:aws:wellarchitected::aws:lens/machinelearning")
    operations = [c["operation"] for c in plan]
    assert "ImportLens" not in operations and "CreateLensVersion" not in operations
    update = next(c for c in plan if c["operation"] == "UpdateAnswer")
    assert update["params"]["LensAlias"] == "arn:aws:wellarchitected::aws:lens/machinelearning"  # type: ignore[index]
    assert update["params"]["WorkloadId"] == NEW_WORKLOAD_ID  # type: ignore[index]
    assert NEW_LENS_ARN not in str(plan)


def test_milestone_named_after_the_mllens_milestone_or_the_commit(example: Prepared) -> None:
    assert _plan(example, None, milestone="Q1 review")[-1]["params"]["MilestoneName"] == "Q1 review"  # type: ignore[index]
    commit = "a" * 40
    plan = build_plan(
        example.answers,
        example.lens_json,
        lens_version=example.lens.version,
        settings=example.settings,
        state=None,
        commit=commit,
    )
    assert plan[-1]["params"]["MilestoneName"] == "mllens aaaaaaaaaaaa"  # type: ignore[index]


@pytest.mark.parametrize("size", [NOTES_MAX, NOTES_MAX + 1, 10 * NOTES_MAX])
def test_notes_are_cut_at_the_api_limit_with_a_marker(size: int) -> None:
    text = "x" * size
    cut = cut_notes(text)
    assert len(cut) <= NOTES_MAX
    assert cut.endswith(MORE) == (size > NOTES_MAX)


def test_team_notes_are_told_apart_from_the_evidence_summary() -> None:
    assert split_notes(f"our note\n{EVIDENCE_HEAD}\na.tf:1 x") == "our note"
    assert split_notes("just ours") == "just ours"


def test_regions_come_from_mllens_yaml_unless_given(tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text(
        "workload: {name: scoring, environment: staging, regions: [eu-west-1, eu-central-1]}\n", encoding="utf-8"
    )
    from_file = prepare(tmp_path, use_cache=False)
    assert from_file.settings.regions == ("eu-west-1", "eu-central-1")
    assert from_file.settings.environment == "PREPRODUCTION"
    assert prepare(tmp_path, regions=("us-east-1",), use_cache=False).settings.regions == ("us-east-1",)
