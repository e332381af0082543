"""Scaling policies live: a SageMaker variant's scalable target is judged on whether a policy
names it (moto's Application Auto Scaling), its policies read across pages (Stubber), and a
refused DescribeScalingPolicies leaves the targets unjudged on policies."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber
from moto_account import serve

from mllens.live.aws_calls import Calls
from mllens.live.aws_sagemaker import AwsSageMakerReader, scaling_resources
from mllens.live.judge import judge
from mllens.scan.evidence import Evidence
from mllens.scan.model.kinds import ScalingPolicy, ScalingTarget
from mllens.scan.result import Diagnostic

RULE = "ml_resources.endpoint_scaling_policy"
DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def _register(session: Any, endpoint: str) -> None:
    session.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=f"endpoint/{endpoint}/variant/main", ScalableDimension=DIMENSION,
        MinCapacity=1, MaxCapacity=4)


def _policy(session: Any, endpoint: str) -> None:
    session.client("application-autoscaling").put_scaling_policy(
        PolicyName=f"{endpoint}-invocations", ServiceNamespace="sagemaker",
        ResourceId=f"endpoint/{endpoint}/variant/main", ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 700.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}})


def _judged(session: Any) -> list[Evidence]:
    found, _ = judge(AwsSageMakerReader(session).read())
    return [e for e in found if e.rule == RULE]


def test_a_target_with_a_policy_supports_and_one_without_contradicts(account: Any) -> None:
    for name in ("scaled", "pinned"):
        serve(account, name=name, instances=2, capture=True)
        _register(account, name)
    _policy(account, "scaled")
    found = _judged(account)
    outcome = {("scaled" if "endpoint/scaled/" in e.message else "pinned", e.practice, e.outcome) for e in found}
    assert outcome == {("scaled", "MLREL05-BP01", "supports"), ("scaled", "MLCOST05-BP03", "supports"),
                       ("pinned", "MLREL05-BP01", "contradicts"), ("pinned", "MLCOST05-BP03", "contradicts")}
    # at the scalable target's ARN, no line; the support names the policy and what it tracks
    assert all(":scalable-target/" in e.file and e.line is None for e in found)
    support = next(e for e in found if e.outcome == "supports")
    assert "scaling policy scaled-invocations" in support.message
    assert "TargetTrackingScaling on SageMakerVariantInvocationsPerInstance, target 700" in support.message
    gap = next(e for e in found if e.outcome == "contradicts")
    assert gap.message.endswith("no scaling policy in the account names it: it never scales")


def _calls(diagnostics: list[Diagnostic]) -> Calls:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1")
    return Calls(session, diagnostics, sleep=lambda _: None)


TARGET = {"ServiceNamespace": "sagemaker", "ResourceId": "endpoint/churn/variant/main",
          "ScalableDimension": DIMENSION, "MinCapacity": 1, "MaxCapacity": 4, "RoleARN": "arn:aws:iam::1:role/r",
          "CreationTime": "2026-01-01T00:00:00Z"}


def _policy_item(name: str) -> dict[str, Any]:
    return {"PolicyARN": f"arn:aws:autoscaling:eu-west-1:1:scalingPolicy:x:resource/sagemaker/"
                         f"endpoint/churn/variant/main:policyName/{name}",
            "PolicyName": name, "ServiceNamespace": "sagemaker", "ResourceId": "endpoint/churn/variant/main",
            "ScalableDimension": DIMENSION, "PolicyType": "StepScaling", "CreationTime": "2026-01-01T00:00:00Z"}


def test_policies_are_read_across_pages() -> None:
    diagnostics: list[Diagnostic] = []
    calls = _calls(diagnostics)
    with Stubber(calls.client("application-autoscaling")) as stub:
        stub.add_response("describe_scaling_policies", {"ScalingPolicies": [_policy_item("up")], "NextToken": "p2"},
                          {"ServiceNamespace": "sagemaker"})
        stub.add_response("describe_scaling_policies", {"ScalingPolicies": [_policy_item("down")]},
                          {"ServiceNamespace": "sagemaker", "NextToken": "p2"})
        stub.add_response("describe_scalable_targets", {"ScalableTargets": [TARGET]}, {"ServiceNamespace": "sagemaker"})
        found = scaling_resources(calls)
        stub.assert_no_pending_responses()
    assert [type(r).__name__ for r in found] == ["ScalingTarget", "ScalingPolicy", "ScalingPolicy"]
    policies = [r for r in found if isinstance(r, ScalingPolicy)]
    assert [(p.name, p.target.raw, p.policy_type.raw) for p in policies] == [
        ("up", "endpoint/churn/variant/main", "StepScaling"), ("down", "endpoint/churn/variant/main", "StepScaling")]
    assert diagnostics == []


def test_a_refused_policy_listing_leaves_targets_unjudged_on_policies() -> None:
    diagnostics: list[Diagnostic] = []
    calls = _calls(diagnostics)
    with Stubber(calls.client("application-autoscaling")) as stub:
        stub.add_client_error("describe_scaling_policies", service_error_code="AccessDeniedException")
        stub.add_response("describe_scalable_targets", {"ScalableTargets": [TARGET]}, {"ServiceNamespace": "sagemaker"})
        found = scaling_resources(calls)
    target = next(r for r in found if isinstance(r, ScalingTarget))
    assert target.resource_id is None  # no fact for the project rule: neither supports nor contradicts
    assert [(d.kind, d.file) for d in diagnostics] == [
        ("live_access_denied", "aws:application-autoscaling:DescribeScalingPolicies")]
