"""What moto cannot answer (ListFeatureGroups, ListMonitoringSchedules), on botocore's Stubber
with the service's exact response shapes, pages followed by NextToken; and a throttled live
call retried with backoff, then reported as a diagnostic naming the action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
from botocore.stub import Stubber

from mllens.live.aws_calls import ATTEMPTS, Calls
from mllens.live.aws_sagemaker import DESCRIBED, described, monitoring_schedules
from mllens.live.base import LiveRead
from mllens.live.judge import judge
from mllens.scan.model.kinds import FeatureStore, MonitoringSchedule
from mllens.scan.result import Diagnostic

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ARN = "arn:aws:sagemaker:eu-west-1:123456789012"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FEATURE_GROUPS = next(d for d in DESCRIBED if d[0] == "list_feature_groups")


def _calls(diagnostics: list[Diagnostic] | None = None, waits: list[float] | None = None) -> Calls:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1")
    return Calls(session, diagnostics if diagnostics is not None else [],
                 sleep=(waits.append if waits is not None else lambda _: None))


def _group_summary(name: str) -> dict[str, Any]:
    return {"FeatureGroupName": name, "FeatureGroupArn": f"{ARN}:feature-group/{name}", "CreationTime": WHEN,
            "FeatureGroupStatus": "Created"}


def _group(name: str, *, key: bool) -> dict[str, Any]:
    online: dict[str, Any] = {"EnableOnlineStore": True}
    if key:
        online["SecurityConfig"] = {"KmsKeyId": KEY}
    return {"FeatureGroupArn": f"{ARN}:feature-group/{name}", "FeatureGroupName": name,
            "RecordIdentifierFeatureName": "customer_id", "EventTimeFeatureName": "event_time",
            "FeatureDefinitions": [{"FeatureName": "customer_id", "FeatureType": "String"},
                                   {"FeatureName": "event_time", "FeatureType": "Fractional"}],
            "CreationTime": WHEN, "OnlineStoreConfig": online, "NextToken": ""}


def test_feature_groups_across_pages_with_and_without_a_key() -> None:
    calls = _calls()
    with Stubber(calls.client("sagemaker")) as stub:
        stub.add_response("list_feature_groups", {"FeatureGroupSummaries": [_group_summary("a")], "NextToken": "p2"},
                          {})
        stub.add_response("list_feature_groups", {"FeatureGroupSummaries": [_group_summary("b")]}, {"NextToken": "p2"})
        stub.add_response("describe_feature_group", _group("a", key=True), {"FeatureGroupName": "a"})
        stub.add_response("describe_feature_group", _group("b", key=False), {"FeatureGroupName": "b"})
        found = described(calls, FEATURE_GROUPS)
        stub.assert_no_pending_responses()
    assert [(type(r), r.name, r.file) for r in found] == [
        (FeatureStore, "a", f"{ARN}:feature-group/a"), (FeatureStore, "b", f"{ARN}:feature-group/b")]
    assert found[0].key is not None and found[0].key.raw == KEY
    assert found[1].key is not None and not found[1].key.written
    read = LiveRead()
    for resource in found:
        read.add(resource)
    evidence, _ = judge(read)
    cmk = {(e.file, e.outcome) for e in evidence if e.rule == "ml_resources.ml_resource_cmk"}
    assert cmk == {(f"{ARN}:feature-group/a", "supports"), (f"{ARN}:feature-group/b", "contradicts")}
    assert all(e.line is None for e in evidence)


def test_an_offline_only_feature_group_is_no_training_serving_consistency() -> None:
    offline = {**_group("history", key=False), "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://f/h"}}}
    del offline["OnlineStoreConfig"]
    off = {**_group("sessions", key=False), "OnlineStoreConfig": {"EnableOnlineStore": False}}
    calls = _calls()
    with Stubber(calls.client("sagemaker")) as stub:
        stub.add_response("list_feature_groups", {"FeatureGroupSummaries": [_group_summary("history"),
                                                                            _group_summary("sessions"),
                                                                            _group_summary("online")]}, {})
        for name, answer in (("history", offline), ("sessions", off), ("online", _group("online", key=True))):
            stub.add_response("describe_feature_group", answer, {"FeatureGroupName": name})
        found = described(calls, FEATURE_GROUPS)
    read = LiveRead()
    for resource in found:
        read.add(resource)
    evidence, _ = judge(read)
    judged = {(e.file.rsplit("/", 1)[-1], e.check, e.outcome) for e in evidence
              if e.rule == "ml_resources.feature_store"}
    assert judged == {("history", "shared_feature_store", "supports"), ("history", "feature_store", "info"),
                      ("sessions", "shared_feature_store", "supports"), ("sessions", "feature_store", "info"),
                      ("online", "shared_feature_store", "supports"), ("online", "feature_store", "supports")}
    # a turned-off online store has no key to judge; the online one's key is
    cmk = {(e.file.rsplit("/", 1)[-1], e.outcome) for e in evidence if e.rule == "ml_resources.ml_resource_cmk"}
    assert cmk == {("history", "contradicts"), ("online", "supports")}  # history: its offline store's key


def _schedule(name: str, kind: str) -> dict[str, Any]:
    return {"MonitoringScheduleName": name, "MonitoringScheduleArn": f"{ARN}:monitoring-schedule/{name}",
            "CreationTime": WHEN, "LastModifiedTime": WHEN, "MonitoringScheduleStatus": "Scheduled",
            "EndpointName": "churn", "MonitoringType": kind}


def test_monitoring_schedules_across_pages_are_model_monitoring() -> None:
    calls = _calls()
    with Stubber(calls.client("sagemaker")) as stub:
        stub.add_response("list_monitoring_schedules",
                          {"MonitoringScheduleSummaries": [_schedule("quality", "DataQuality")], "NextToken": "p2"}, {})
        stub.add_response("list_monitoring_schedules",
                          {"MonitoringScheduleSummaries": [_schedule("drift", "ModelQuality")]}, {"NextToken": "p2"})
        found = monitoring_schedules(calls)
        stub.assert_no_pending_responses()
    assert all(isinstance(r, MonitoringSchedule) for r in found)
    assert [(r.name, r.monitoring_type.raw) for r in found if isinstance(r, MonitoringSchedule)] == [
        ("quality", "DataQuality"), ("drift", "ModelQuality")]
    read = LiveRead()
    for resource in found:
        read.add(resource)
    evidence, problems = judge(read)
    assert problems == []
    monitoring = {(e.file, e.outcome) for e in evidence if e.rule == "ml_resources.model_monitoring"}
    assert (f"{ARN}:monitoring-schedule/quality", "supports") in monitoring


def test_a_throttled_call_is_retried_with_backoff_and_then_read() -> None:
    diagnostics: list[Diagnostic] = []
    waits: list[float] = []
    calls = _calls(diagnostics, waits)
    with Stubber(calls.client("sagemaker")) as stub:
        for _ in range(2):
            stub.add_client_error("list_monitoring_schedules", service_error_code="ThrottlingException",
                                  http_status_code=400)
        stub.add_response("list_monitoring_schedules",
                          {"MonitoringScheduleSummaries": [_schedule("quality", "DataQuality")]}, {})
        assert [r.name for r in monitoring_schedules(calls)] == ["quality"]
    assert diagnostics == [] and waits == [0.5, 1.0]


def test_a_call_throttled_past_the_retries_is_a_diagnostic_naming_the_action() -> None:
    diagnostics: list[Diagnostic] = []
    waits: list[float] = []
    calls = _calls(diagnostics, waits)
    with Stubber(calls.client("sagemaker")) as stub:
        for _ in range(ATTEMPTS):
            stub.add_client_error("describe_feature_group", service_error_code="ThrottlingException",
                                  http_status_code=400)
        assert calls.one("sagemaker", "describe_feature_group", FeatureGroupName="a") is None
        stub.assert_no_pending_responses()
    assert [(d.file, d.kind) for d in diagnostics] == [("aws:sagemaker:DescribeFeatureGroup", "live_throttled")]
    assert f"throttled (ThrottlingException) {ATTEMPTS} times, retried with backoff" in diagnostics[0].message
    assert len(waits) == ATTEMPTS - 1
