"""Mappings of API answers moto does not fill: an endpoint's last deployment policy."""

from __future__ import annotations

from typing import Any

from mllens.live.aws_sagemaker import endpoint
from mllens.live.base import LiveRead
from mllens.live.judge import judge

ARN = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn"


def described(config: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = {"EndpointName": "churn", "EndpointArn": ARN, "EndpointConfigName": "churn-config"}
    if config is not None:
        data["LastDeploymentConfig"] = config
    return data


def rollout_evidence(config: dict[str, Any] | None) -> set[tuple[str, str, int | None]]:
    found = LiveRead()
    found.add(endpoint(described(config)))
    evidence, problems = judge(found)
    assert problems == []
    return {(e.outcome, e.file, e.line) for e in evidence if e.rule == "ml_resources.safe_rollout"}


def test_a_canary_update_supports_a_safe_rollout() -> None:
    canary = {"BlueGreenUpdatePolicy": {"TrafficRoutingConfiguration": {
        "Type": "CANARY", "WaitIntervalInSeconds": 600, "CanarySize": {"Type": "INSTANCE_COUNT", "Value": 1}}}}
    assert rollout_evidence(canary) == {("supports", ARN, None)}


def test_all_at_once_without_rollback_contradicts() -> None:
    at_once = {"BlueGreenUpdatePolicy": {"TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE",
                                                                         "WaitIntervalInSeconds": 0}}}
    assert rollout_evidence(at_once) == {("contradicts", ARN, None)}


def test_an_endpoint_never_updated_with_a_policy_is_not_judged() -> None:
    assert rollout_evidence(None) == set()
