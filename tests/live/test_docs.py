"""docs/live.md's read-only policy lists every action the live reader calls, and only reads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from moto_account import serve

from mllens.live.aws_sagemaker import AwsSageMakerReader

DOC = Path(__file__).resolve().parents[2] / "docs" / "live.md"


def policy_actions() -> set[str]:
    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, "docs/live.md has no JSON policy"
    policy = json.loads(block.group(1))
    return {action for statement in policy["Statement"] for action in statement["Action"]}


class _Recording:
    """A session whose clients record each call as its IAM action."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.region_name = session.region_name
        self.actions: set[str] = set()

    def client(self, service: str, **options: Any) -> Any:
        client = self.session.client(service, **options)

        def record(model: Any, **_: Any) -> None:
            self.actions.add(f"{service}:{model.name}")

        client.meta.events.register("before-call", record)
        return client


def test_the_policy_grants_every_call_and_only_reads(account: Any) -> None:
    serve(account, name="churn")
    account.client("sagemaker").create_model_package_group(ModelPackageGroupName="churn")
    account.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn="arn:aws:iam::123456789012:role/r")
    session = _Recording(account)
    AwsSageMakerReader(session).read()
    granted = policy_actions()
    assert {"sagemaker:DescribeEndpointConfig", "sagemaker:ListModelPackages", "sagemaker:DescribeNotebookInstance",
            "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
            "cloudwatch:DescribeAlarms"} <= session.actions
    assert session.actions - granted == set()
    assert all(re.fullmatch(r"[a-z-]+:(List|Describe)[A-Za-z]+", action) for action in granted)


SERVICES = ("sagemaker", "application-autoscaling", "cloudwatch")
READER = Path(__file__).resolve().parents[2] / "src" / "mllens" / "live" / "aws_sagemaker.py"


def _called_actions() -> set[str]:
    """The IAM actions of every client method the reader names (calls name them as strings)."""
    import ast

    import botocore.session

    session = botocore.session.get_session()
    methods = {}
    for service in SERVICES:
        client = session.create_client(service, region_name="us-east-1", aws_access_key_id="x",
                                       aws_secret_access_key="x")
        methods[service] = client.meta.method_to_api_mapping
    actions = set()
    for node in ast.walk(ast.parse(READER.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            owners = [s for s in SERVICES if node.value in methods[s]]
            assert len(owners) <= 1, f"{node.value} is a method of {owners}: say which service the reader means"
            actions |= {f"{s}:{methods[s][node.value]}" for s in owners}
    return actions


def test_the_policy_grants_exactly_the_calls_the_reader_makes() -> None:
    called = _called_actions()
    assert {"sagemaker:ListFeatureGroups", "sagemaker:ListMonitoringSchedules", "sagemaker:DescribeModel"} <= called
    assert policy_actions() == called
