"""The next step for a gap: the failing rule's fix for the file's syntax, the check's own
step, the practice's step that speaks of the check; the stacks shown by default."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mllens.lens import Lens
from mllens.lens.model import Check, ImprovementStep, Practice, StackNotes
from mllens.review.advice import advise, as_found, found_stacks, shown_stacks, step_for_check, syntax_of
from mllens.review.model import PlanEvidence
from mllens.scan.evidence import Evidence
from mllens.scan.registry import all_rules

MakeEvidence = Callable[..., Evidence]
FIX_KEYS = ("terraform", "cloudformation", "kubernetes", "cdk", "python", "docker", "yaml", "bicep", "arm")


def found(file: str, message: str = "something is missing", rule: str = "x.y") -> PlanEvidence:
    return PlanEvidence(rule=rule, file=file, line=3, message=message)


@pytest.mark.parametrize(
    ("file", "message", "keys", "expected"),
    [
        ("infra/main.tf", "", FIX_KEYS, "terraform"),
        ("env/prod.tfvars", "", FIX_KEYS, "terraform"),
        ("docker/Dockerfile", "", FIX_KEYS, "docker"),
        ("serve.Dockerfile", "", FIX_KEYS, "docker"),
        ("main.bicep", "", FIX_KEYS, "bicep"),
        ("src/serve.py", "", FIX_KEYS, "python"),
        ("notebooks/train.ipynb", "", FIX_KEYS, "python"),
        ("cdk/app.py", "", FIX_KEYS, "cdk"),  # a CDK app's folder says which
        ("scripts/launch.py", "HuggingFace() sets no volume_kms_key", ("cdk", "terraform"), None),  # SDK code is no CDK
        ("endpoints/blue.yml", "online deployment blue has no data_collector", (*FIX_KEYS, "azureml"), "azureml"),
        # A YAML file that names no syntax, for a rule with fixes in several: no guess.
        ("deploy/serving.yaml", "serves from a single instance", FIX_KEYS, None),
        ("deploy/serving.yaml", "serves from a single instance", ("terraform", "kubernetes"), "kubernetes"),
        ("azure-pipelines.yml", "sends all traffic at once", ("cli", "terraform"), "cli"),
        ("template.yaml", "Endpoint (AWS::SageMaker::EndpointConfig) has no DataCaptureConfig", FIX_KEYS,
         "cloudformation"),
        ("k8s/serving.yaml", "InferenceService/fraud has one replica", FIX_KEYS, "kubernetes"),
        ("azuredeploy.json", "Microsoft.MachineLearningServices/workspaces has no key", FIX_KEYS, "arm"),
        (".github/workflows/ci.yml", "actions/checkout@v4 is not pinned", FIX_KEYS, "yaml"),
        ("api/serverless.yml", "http event POST /score has no authorizer", (*FIX_KEYS, "serverless"), "serverless"),
        # CDK findings name their construct `Id (module.Class)`, wherever the app lives.
        ("app.py", "ChurnConfig (sagemaker.CfnEndpointConfig) sets no KmsKeyId", ("cdk", "python"), "cdk"),
        ("infra/storage.py", "Data (s3.Bucket) leaves Status unset", ("cdk", "terraform"), "cdk"),
        ("train.py", "XGBoost() sets no volume_kms_key (sagemaker.xgboost)", ("cdk", "python"), "python"),
        ("workspace.yml", "workspace mlw-dev sets no customer_managed_key", (*FIX_KEYS, "azureml"), "azureml"),
        ("deploy/serving.yaml", "Deployment churn-explainer serves from a single instance", FIX_KEYS, "kubernetes"),
        ("serverless.yaml", "iamRoleStatements allow sagemaker:*", ("cloudformation", "serverless"), "serverless"),
        ("serverless.yml", "http event POST /score has no authorizer", ("cloudformation", "kubernetes"), None),
        ("infra/ml.json", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints churn has no authMode",
         ("arm", "bicep", "cloudformation"), "arm"),
        # A file whose syntax the rule has no fix for gets none (the check's step instead),
        # never another syntax's snippet.
        ("template.yaml", "Endpoint (AWS::SageMaker::EndpointConfig)", ("terraform", "kubernetes"), None),
        ("infra/main.tf", "", ("cloudformation",), None),
        ("infra/main.tf", "", (), None),
    ],
)
def test_the_fix_key_follows_the_file_read(
    file: str, message: str, keys: tuple[str, ...], expected: str | None
) -> None:
    assert syntax_of(found(file, message), keys) == expected


def practice_with(*, checks: list[Check], steps: list[ImprovementStep]) -> Practice:
    return Practice(id="P-1", title="Protect it", checks=checks, improvement=steps)


def test_a_check_with_a_step_of_its_own_gets_that_step() -> None:
    own = ImprovementStep(text="Turn on encryption with a customer key", stacks=StackNotes(aws="Use KMS"))
    check = Check(id="encrypted", kind="manual", text="Storage is encrypted", step=own)
    practice = practice_with(checks=[check], steps=[ImprovementStep(text="Encrypt storage at rest")])
    assert step_for_check(practice, check) == (own, "check")


def test_without_one_the_practice_step_that_speaks_of_the_check_is_chosen() -> None:
    root = Check(id="no_root", kind="automated", evidence="container", text="Containers run as a non-root user")
    keys = Check(id="keys", kind="automated", evidence="iac", text="Storage is encrypted with customer keys")
    practice = practice_with(
        checks=[keys, root],
        steps=[
            ImprovementStep(text="Encrypt storage with customer-managed keys"),
            ImprovementStep(text="Run containers as non-root from a private registry"),
        ],
    )
    assert step_for_check(practice, root)[0] == practice.improvement[1]
    assert step_for_check(practice, keys)[0] == practice.improvement[0]


def test_a_check_no_step_speaks_of_is_its_own_goal_never_another_checks_step() -> None:
    check = Check(id="audit_logs", kind="manual", text="Audit logs are kept for a year")
    practice = practice_with(checks=[check], steps=[ImprovementStep(text="Encrypt storage with customer keys")])
    assert step_for_check(practice, check) == (None, "check_text")


def test_advice_for_a_check_the_files_contradict_carries_the_rules_fix(shipped: Lens, ev: MakeEvidence) -> None:
    rule = all_rules()["docker.non_root_user"]
    item = Evidence(
        rule=rule.id, practice="MLSEC03-BP02", check="no_root_access", outcome="contradicts",
        file="docker/Dockerfile", line=1, message="no USER in the final stage: the container runs as root",
        confidence=0.9,
    )
    advice = advise(shipped, "MLSEC03-BP02", check="no_root_access", evidence=as_found(item))
    assert (advice.source, advice.rule, advice.syntax) == ("rule", rule.id, "docker")
    assert advice.snippet == rule.meta.fix["docker"]  # read through the registry, never copied
    # The words around it are about this check: root and containers, not keys or networks.
    assert "root" in advice.text.lower()


def test_advice_for_a_practice_as_a_whole_is_its_first_step(shipped: Lens) -> None:
    practice = shipped.practice("MLCOST01-BP01")
    advice = advise(shipped, practice.id)
    assert (advice.source, advice.text) == ("practice", practice.improvement[0].text)


def test_a_check_without_a_step_still_gets_advice_from_its_practice(shipped: Lens) -> None:
    """A custom lens, or ours while a check is new, may leave checks without a step of their
    own: each then gets the practice's step closest to it, never nothing."""
    lens = shipped.model_copy(deep=True)
    practice = lens.practice("MLSEC03-BP02")
    assert practice is not None
    for check in practice.checks:
        check.step = None
    for check in practice.checks:
        advice = advise(lens, practice.id, check=check.id)
        assert advice.source in ("practice", "check_text") and advice.text and advice.check == check.id
        if advice.source == "check_text":
            assert check.text.rstrip(".") in advice.text
    # the step chosen is the practice's step about that check, not its first step for all
    assert "customer-managed key" in advise(lens, practice.id, check="storage_encrypted_cmk").text
    assert "unencrypted connections" in advise(lens, practice.id, check="encryption_in_transit").text
    assert "load models" in advise(lens, practice.id, check="safe_model_loading").text.lower()


def test_every_check_of_the_shipped_lens_gets_a_next_step(shipped: Lens) -> None:
    for practice in shipped.practices:
        for check in practice.checks:
            advice = advise(shipped, practice.id, check=check.id)
            assert advice.text and advice.check == check.id, (practice.id, check.id)
            if check.step is not None:
                assert (advice.source, advice.text) == ("check", check.step.text)


def test_stacks_found_are_the_clouds_the_deciding_evidence_names(ev: MakeEvidence) -> None:
    aws = ev("SEC1-A", "encrypted", "contradicts", file="infra/main.tf")
    aws = aws.model_copy(update={"message": "aws_sagemaker_model.m has no vpc_config"})
    gcp = aws.model_copy(update={"message": "google_vertex_ai_endpoint.e has no key"})
    vendored = gcp.model_copy(update={"message": "azurerm_machine_learning_workspace.w", "file_class": "vendored"})
    plain = aws.model_copy(update={"message": "requirements.txt pins nothing", "file": "requirements.txt"})
    assert found_stacks([aws, gcp, vendored]) == ("aws", "gcp")  # vendored code decides nothing
    assert found_stacks([plain]) == ("open_source",)
    assert found_stacks([]) == ("open_source",)
    iam = aws.model_copy(update={"message": "google_project_iam_member.ml grants roles/owner; KMS key unset"})
    assert found_stacks([iam]) == ("gcp",)  # IAM and KMS are words of every cloud
    assert shown_stacks([aws], "azure") == ("azure",)  # --stack still chooses
    assert shown_stacks([aws], None) == ("aws",)
