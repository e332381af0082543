"""A call the account refuses or throttles becomes a diagnostic naming the IAM action, and
the read goes on (botocore's Stubber for the refusals, moto for the rest)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from mllens.live.aws_calls import ATTEMPTS, Calls
from mllens.live.aws_sagemaker import AwsSageMakerReader
from mllens.live.judge import judge
from mllens.scan.result import Diagnostic

# The SageMaker List calls the reader makes, in order
LISTINGS = ["list_endpoints", "list_models", "list_notebook_instances", "list_domains", "list_feature_groups",
            "list_training_jobs", "list_monitoring_schedules", "list_model_package_groups", "list_pipelines"]


def offline_session() -> Any:
    return boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1")


def test_access_denied_names_the_action_once() -> None:
    diagnostics: list[Diagnostic] = []
    calls = Calls(offline_session(), diagnostics)
    with Stubber(calls.client("sagemaker")) as stub:
        for _ in range(2):
            stub.add_client_error("list_endpoints", service_error_code="AccessDeniedException",
                                  service_message="not allowed", http_status_code=400)
        assert calls.pages("sagemaker", "list_endpoints", "Endpoints") == []
        assert calls.pages("sagemaker", "list_endpoints", "Endpoints") == []
    assert [(d.file, d.kind) for d in diagnostics] == [("aws:sagemaker:ListEndpoints", "live_access_denied")]
    assert "sagemaker:ListEndpoints was refused (AccessDeniedException)" in diagnostics[0].message


def test_throttling_past_the_retries_is_a_diagnostic() -> None:
    diagnostics: list[Diagnostic] = []
    calls = Calls(offline_session(), diagnostics, sleep=lambda _: None)
    with Stubber(calls.client("cloudwatch")) as stub:
        for _ in range(ATTEMPTS):  # retried with backoff first
            stub.add_client_error("describe_alarms", service_error_code="Throttling", http_status_code=400)
        assert calls.pages("cloudwatch", "describe_alarms", "MetricAlarms") == []
    assert [(d.file, d.kind) for d in diagnostics] == [("aws:cloudwatch:DescribeAlarms", "live_throttled")]


def test_pages_are_followed() -> None:
    calls = Calls(offline_session(), [])
    with Stubber(calls.client("sagemaker")) as stub:
        stub.add_response("list_endpoints", {"Endpoints": [_summary("a")], "NextToken": "t"}, {})
        stub.add_response("list_endpoints", {"Endpoints": [_summary("b")]}, {"NextToken": "t"})
        names = [e["EndpointName"] for e in calls.pages("sagemaker", "list_endpoints", "Endpoints")]
    assert names == ["a", "b"]


def _summary(name: str) -> dict[str, Any]:
    import datetime as dt

    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return {"EndpointName": name, "EndpointArn": f"arn:aws:sagemaker:eu-west-1:123456789012:endpoint/{name}",
            "CreationTime": when, "LastModifiedTime": when, "EndpointStatus": "InService"}


class _DeniedSageMaker:
    """A session whose SageMaker client refuses every List call; the other services are moto's."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.region_name = session.region_name
        self.stubber: Stubber | None = None

    def client(self, service: str, **options: Any) -> Any:
        client = self.session.client(service, **options)
        if service == "sagemaker":
            self.stubber = Stubber(client)
            for operation in LISTINGS:
                self.stubber.add_client_error(operation, service_error_code="AccessDeniedException",
                                              http_status_code=400)
            self.stubber.activate()
        return client


def test_a_refused_service_leaves_the_others_read(account: Any) -> None:
    account.client("cloudwatch").put_metric_alarm(
        AlarmName="latency", Namespace="AWS/SageMaker", MetricName="ModelLatency", Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=500.0, ComparisonOperator="GreaterThanThreshold")
    session = _DeniedSageMaker(account)
    found = AwsSageMakerReader(session).read()
    denied = {d.file for d in found.diagnostics if d.kind == "live_access_denied"}
    assert "aws:sagemaker:ListEndpoints" in denied and "aws:sagemaker:ListTrainingJobs" in denied
    evidence, problems = judge(found)
    assert problems == []
    assert {e.rule for e in evidence} == {"ml_resources.ml_alarms"}
    assert session.stubber is not None
    session.stubber.assert_no_pending_responses()


def test_the_session_honours_region_and_endpoint(monkeypatch: Any) -> None:
    from mllens.live.aws_calls import session

    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    calls = Calls(session(), [])
    assert calls.region == "eu-central-1"
    assert calls.client("sagemaker").meta.endpoint_url == "http://localhost:4566"
