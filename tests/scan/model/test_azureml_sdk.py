"""The Azure ML SDK v2's online deployments read statically into the resource model."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, MonitoringJob, MonitoringSchedule
from mllens.scan.model.state import State
from mllens.scan.parse import parse

CODE = """\
from azure.ai.ml.entities import (
    DefaultScaleSettings, KubernetesOnlineDeployment, ManagedOnlineDeployment, TargetUtilizationScaleSettings,
)

COUNT = 3
blue = ManagedOnlineDeployment(
    name="blue",
    instance_type="Standard_DS3_v2",
    instance_count=COUNT,
    scale_settings=TargetUtilizationScaleSettings(min_instances=1, max_instances=4),
)
green = KubernetesOnlineDeployment(name="green", instance_count=1, scale_settings=DefaultScaleSettings())
red = ManagedOnlineDeployment(name="red")
"""


def _state(text: str = CODE) -> State:
    return state_of(ParsedFile("deploy.py", "python", text, parse("python", text)))


def test_online_deployments_with_their_counts_and_scale_settings() -> None:
    blue, green, _red = list(_state().of(Deployment))
    assert (blue.provider, blue.type, blue.scripted, blue.line) == ("azure", "ManagedOnlineDeployment", True, 6)
    count = blue.variants[0].instance_count
    assert (count.as_int(), count.line, count.name) == (3, 5, "instance_count")  # the constant's own line
    assert blue.scaling is not None and blue.scaling.value.raw == "target_utilization"
    assert blue.scaling.value.line == 10 and blue.scaling.safe == ("target_utilization",)
    assert green.type == "KubernetesOnlineDeployment" and green.variants[0].instance_count.as_int() == 1
    assert green.scaling is not None and green.scaling.value.raw == "default"


def test_unwritten_settings_are_absent_at_the_call() -> None:
    red = list(_state().of(Deployment))[2]
    assert not red.variants[0].instance_count.written and red.variants[0].instance_count.line == 13
    assert red.scaling is not None and not red.scaling.value.written


def test_a_monitor_schedule_and_its_drift_signals() -> None:
    code = """\
from azure.ai.ml.entities import DataDriftSignal, MonitorSchedule, PredictionDriftSignal

signals = {"inputs": DataDriftSignal(reference_data=training), "outputs": PredictionDriftSignal()}
schedule = MonitorSchedule(name="churn-drift", trigger=trigger, create_monitor=definition)
"""
    state = _state(code)
    (schedule,) = state.of(MonitoringSchedule)
    assert (schedule.line, schedule.provider, schedule.type) == (4, "azure", "MonitorSchedule")
    inputs, outputs = list(state.of(MonitoringJob))
    assert (inputs.type, inputs.purpose, inputs.baseline.written) == ("DataDriftSignal", "data_quality", True)
    assert (outputs.type, outputs.baseline.written) == ("PredictionDriftSignal", False)
