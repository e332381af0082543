"""The Azure ML CLI v2 adapter: one spec, one resource of the model."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, Endpoint, Notebook, Pipeline, Resource, TrainingJob, Trigger, Workspace
from mllens.scan.parse import parse

BASE = "https://azuremlschemas.azureedge.net/latest/"


def _resources(text: str) -> list[Resource]:
    return list(state_of(ParsedFile("spec.yml", "yaml", text, parse("yaml", text))).resources)


def test_an_endpoint_spec_sits_on_its_schema_and_unset_settings_on_its_name() -> None:
    (endpoint,) = _resources(f"$schema: {BASE}managedOnlineEndpoint.schema.json\nname: churn\n")
    assert isinstance(endpoint, Endpoint)
    assert (endpoint.syntax, endpoint.address, endpoint.line, endpoint.ml) == (
        "azureml",
        "online endpoint churn",
        1,
        True,
    )
    assert endpoint.auth_mode is not None and (endpoint.auth_mode.kind, endpoint.auth_mode.line) == ("absent", 2)
    assert endpoint.auth_default == "key"
    assert endpoint.public_access is not None and endpoint.public_access.safe == ("disabled",)


def test_a_deployment_reads_count_scaling_egress_and_collection() -> None:
    text = f"""\
$schema: {BASE}kubernetesOnlineDeployment.schema.json
name: blue
instance_count: 2
scale_settings:
  type: target_utilization
egress_public_network_access: disabled
data_collector:
  collections:
    model_inputs:
      enabled: 'False'
"""
    (deployment,) = _resources(text)
    assert isinstance(deployment, Deployment)
    assert deployment.variants[0].instance_count.raw == 2
    assert deployment.scaling is not None and deployment.scaling.value.line == 5
    assert deployment.egress is not None and deployment.egress.value.raw == "disabled"
    assert deployment.capture is not None
    assert (deployment.capture.block.line, deployment.capture.enabled.raw) == (7, False)


def test_compute_workspace_pipeline_and_schedule_specs() -> None:
    cluster = _resources(
        f"$schema: {BASE}amlCompute.schema.json\nname: c\nmin_instances: 0\n"
        "idle_time_before_scale_down: 600\ntier: low_priority\n"
    )[0]
    assert isinstance(cluster, TrainingJob) and cluster.idle_scale_down is not None
    assert (cluster.idle_scale_down.line, cluster.priority.raw if cluster.priority else None) == (4, "low_priority")
    instance = _resources(f"$schema: {BASE}computeInstance.schema.json\nname: i\nschedules: {{}}\n")[0]
    assert isinstance(instance, Notebook) and instance.idle_timeout is not None
    assert instance.idle_timeout.name == "idle_time_before_shutdown_minutes"  # schedules is blank, not an idle setting
    workspace = _resources(f"$schema: {BASE}workspace.schema.json\nname: w\ncustomer_managed_key:\n  key_uri: k\n")[0]
    assert isinstance(workspace, Workspace) and workspace.key is not None and workspace.key.line == 3
    pipeline = _resources(f"$schema: {BASE}pipelineJob.schema.json\ntype: pipeline\njobs:\n  train: {{}}\n")[0]
    assert isinstance(pipeline, Pipeline) and (pipeline.line, pipeline.ml) == (3, False)
    schedule = _resources(f"$schema: {BASE}schedule.schema.json\nname: s\ntrigger:\n  type: cron\n")[0]
    assert isinstance(schedule, Trigger) and schedule.starts_pipeline and schedule.schedule.line == 3


def test_jobs_assets_and_other_yaml_map_to_nothing() -> None:
    assert _resources(f"$schema: {BASE}commandJob.schema.json\ncommand: python train.py\n") == []
    assert _resources(f"$schema: {BASE}model.schema.json\nname: m\nversion: 1\n") == []
    assert _resources("name: not-a-spec\ncompute: local\n") == []
