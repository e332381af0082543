"""The SageMaker Python SDK read statically into the resource model."""

from __future__ import annotations

import json

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Deployment,
    Model,
    ModelVersion,
    MonitoringJob,
    MonitoringSchedule,
    Pipeline,
    TrainingJob,
)
from mllens.scan.model.state import State
from mllens.scan.parse import parse

CODE = """\
from sagemaker.pytorch import PyTorch
from sagemaker.model_monitor import DataCaptureConfig, DefaultModelMonitor
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.step_collections import RegisterModel
from sagemaker.workflow.pipeline import Pipeline

KEY = "arn:aws:kms:eu-west-1:1:key/k"
approval = ParameterString(name="Approval", default_value="Approved")


def build(count=2, subnets=None):
    est = PyTorch(entry_point="t.py", instance_count=count, instance_type="ml.p3.2xlarge",
                  volume_kms_key=KEY, use_spot_instances=True, subnets=subnets)
    pred = est.deploy(initial_instance_count=1, instance_type="ml.m5.large",
                      data_capture_config=DataCaptureConfig(enable_capture=True))
    mon = DefaultModelMonitor(role="r", instance_type="ml.m5.xlarge")
    mon.create_monitoring_schedule(endpoint_input=pred.endpoint_name)
    gate = ConditionStep(name="gate", conditions=[], if_steps=[])
    reg = RegisterModel(name="reg", estimator=est, approval_status=approval)
    return Pipeline(name="p", steps=[gate, reg])
"""


def _state(text: str = CODE, kind: str = "python", path: str = "pipeline.py") -> State:
    return state_of(ParsedFile(path, kind, text, parse(kind, text)))


def test_an_estimator_is_a_training_job_with_its_settings_as_written() -> None:
    (job,) = _state().of(TrainingJob)
    assert (job.syntax, job.type, job.line, job.scripted) == ("python", "PyTorch", 13, True)
    assert job.instance_count is not None and job.instance_count.as_int() == 2  # a parameter's default
    assert job.key is not None and (job.key.raw, job.key.line, job.key.name) == (  # where the constant is set
        "arn:aws:kms:eu-west-1:1:key/k", 8, "volume_kms_key")  # fmt: skip
    assert job.spot is not None and job.spot.as_bool() is True
    assert job.vpc is not None and job.vpc.kind == "blank"  # a default of None
    assert job.inter_node_encryption is not None and not job.inter_node_encryption.written


def test_deploy_monitor_pipeline_and_registration() -> None:
    state = _state()
    (deployment,) = state.of(Deployment)
    assert deployment.variants[0].instance_count.as_int() == 1
    assert deployment.capture is not None and deployment.capture.enabled.as_bool() is True
    assert [s.monitoring_type.raw for s in state.of(MonitoringSchedule)] == ["DataQuality"]
    assert [j.purpose for j in state.of(MonitoringJob)] == ["data_quality"]
    (version,) = state.of(ModelVersion)
    assert (version.approval.raw, version.approval.line) == ("Approved", 9)  # where the parameter's default is set
    (pipeline,) = state.of(Pipeline)
    assert pipeline.gate is not None and pipeline.gate.line == 19
    assert pipeline.retries is not None and not pipeline.retries.written
    assert not list(state.of(Model))


def test_a_file_naming_no_sdk_is_not_walked_and_local_mode_is_no_job() -> None:
    assert _state("import os\nprint(os.getcwd())\n").resources == ()
    local = "from sagemaker.estimator import Estimator\nEstimator(image_uri='i', instance_type='local')\n"
    assert _state(local).resources == ()


def test_notebook_cells_share_one_namespace_and_lines_point_into_the_file() -> None:
    cells = [["from sagemaker.estimator import Estimator\n", "N = 3"], ["Estimator(image_uri='i', instance_count=N)"]]
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    text = json.dumps(notebook, indent=1)
    (job,) = _state(text, kind="notebook", path="train.ipynb").of(TrainingJob)
    assert job.instance_count is not None and job.instance_count.as_int() == 3
    assert job.address == f"Estimator() at line {job.line}"  # named from the cell's code, not the notebook's text
    assert text.splitlines()[job.line - 1].strip().startswith('"Estimator(')


MORE = """\
import sagemaker
from sagemaker.model import Model
from sagemaker.network import NetworkConfig
from sagemaker.serverless import ServerlessInferenceConfig
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep

processor = SKLearnProcessor(framework_version="1.2-1", instance_count=2, instance_type="ml.m5.xlarge",
                             network_config=NetworkConfig(encrypt_inter_container_traffic=True))
learner = sagemaker.LinearLearner(role="r", instance_count=1, instance_type="ml.m5.xlarge", predictor_type="x")
check = QualityCheckStep(name="q", quality_check_config=DataQualityCheckConfig(baseline_dataset="s3://b"),
                         check_job_config=CheckJobConfig(role="r"), supplied_baseline_statistics="s3://b/s.json")
model = Model(image_uri="i", model_data="s3://b/m.tar.gz", vpc_config={"Subnets": ["s"], "SecurityGroupIds": ["g"]})
model.deploy(serverless_inference_config=ServerlessInferenceConfig(memory_size_in_mb=2048))
"""


def test_processors_sdk_algorithms_check_steps_and_models() -> None:
    state = _state(MORE)
    processing, learner = state.of(TrainingJob)
    assert processing.processing and processing.inter_node_encryption is not None
    assert processing.inter_node_encryption.as_bool() is True and processing.distribution is None
    assert (learner.type, learner.processing) == ("LinearLearner", False)
    (check,) = state.of(MonitoringJob)
    assert (check.purpose, check.baseline.name, check.baseline.line) == (
        "data_quality",
        "supplied_baseline_statistics",
        13,
    )
    (model,) = state.of(Model)
    assert model.vpc is not None and model.vpc.written and model.serverless_only
    (deployment,) = state.of(Deployment)
    assert deployment.serverless
