"""The Vertex AI SDK's deployments read statically into the resource model."""

from __future__ import annotations

import json

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, MonitoringJob, MonitoringSchedule, ScalingTarget
from mllens.scan.model.state import State
from mllens.scan.parse import parse

CODE = """\
from google.cloud import aiplatform

model = aiplatform.Model.upload(display_name="churn", artifact_uri=uri)
model.deploy(machine_type="n1-standard-4")
endpoint = aiplatform.Endpoint.create(display_name="churn")
endpoint.deploy(
    model=model,
    min_replica_count=2,
    max_replica_count=6,
)
aiplatform.init(project="p")
"""


def _state(text: str = CODE, kind: str = "python") -> State:
    return state_of(ParsedFile("deploy.py", kind, text, parse(kind, text)))


def test_an_unwritten_count_is_the_sdks_one_replica_at_the_call() -> None:
    first, second = list(_state().of(Deployment))
    assert (first.provider, first.service, first.scripted, first.line) == ("google", "Vertex AI", True, 4)
    count = first.variants[0].instance_count
    assert (count.as_int(), count.line, count.name, count.written) == (1, 4, "min_replica_count", True)
    assert first.variants[0].instance_type.raw == "n1-standard-4"
    assert second.variants[0].instance_count.as_int() == 2 and second.variants[0].instance_count.line == 8


def test_each_deploy_is_a_scaling_target_between_its_counts() -> None:
    first, second = list(_state().of(ScalingTarget))
    assert (first.namespace.raw, first.min_capacity.as_int(), first.max_capacity.as_int()) == ("vertex_ai", 1, 1)
    assert first.max_capacity.line == 4  # the SDK's maximum (the minimum), where the keyword would go
    assert (second.min_capacity.as_int(), second.max_capacity.as_int(), second.max_capacity.line) == (2, 6, 9)


def test_other_calls_and_other_deploys_are_not_read() -> None:
    other = "import mlserver\nserver = mlserver.Server()\nserver.deploy(min_replica_count=1)  # aiplatform\n"
    assert not _state(other).resources


def test_a_notebook_cell_is_read_like_a_module() -> None:
    cells = [{"cell_type": "code", "source": CODE, "metadata": {}, "outputs": [], "execution_count": None}]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert len(list(_state(notebook, "notebook").of(Deployment))) == 2


def test_a_monitoring_job_is_a_schedule_and_its_configs_are_drift_jobs() -> None:
    code = """\
from google.cloud import aiplatform
from google.cloud.aiplatform import model_monitoring

drift = model_monitoring.DriftDetectionConfig(drift_thresholds={"tenure": 0.3})
skew = model_monitoring.SkewDetectionConfig(data_source="bq://p.d.train", skew_thresholds={"tenure": 0.2})
job = aiplatform.ModelDeploymentMonitoringJob.create(display_name="m", endpoint=endpoint)
"""
    state = _state(code)
    (schedule,) = state.of(MonitoringSchedule)
    assert (schedule.line, schedule.provider, schedule.scripted) == (6, "google", True)
    drift, skew = list(state.of(MonitoringJob))
    assert (drift.purpose, drift.line, drift.baseline.written) == ("data_quality", 4, False)
    assert (skew.line, skew.baseline.raw, skew.baseline.name) == (5, "bq://p.d.train", "data_source")
    assert not skew.inter_container_encryption.written  # no such setting: never judged
