"""Airflow DAGs and SageMaker operators, and Step Functions workflows, read into the resource model."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, Endpoint, Model, Pipeline, TrainingJob
from mllens.scan.model.state import State
from mllens.scan.parse import parse

DAG_CODE = """\
from datetime import datetime
from airflow import DAG
from airflow.providers.amazon.aws.operators.sagemaker import (
    SageMakerEndpointOperator, SageMakerTrainingOperator)

with DAG("train", start_date=datetime(2024, 1, 1)) as dag:
    SageMakerTrainingOperator(task_id="train", retries=3, config={"ResourceConfig": {"InstanceCount": 1}})
    SageMakerEndpointOperator(task_id="deploy", config={
        "Model": {"ModelName": "m"},
        "EndpointConfig": {"ProductionVariants": [{"InitialInstanceCount": 1}]},
        "Endpoint": {"EndpointName": "e"},
    })
"""

STEPS_CODE = """\
from stepfunctions.steps import EndpointConfigStep, Retry
from stepfunctions.workflow import Workflow

config = EndpointConfigStep("Config", endpoint_config_name="c", model_name="m", initial_instance_count=2,
                            instance_type="ml.m5.large")
config.add_retry(Retry(error_equals=["States.ALL"], max_attempts=2))
Workflow(name="deploy", definition=config, role="r")
"""


def _state(text: str) -> State:
    return state_of(ParsedFile("dag.py", "python", text, parse("python", text)))


def test_a_dag_takes_a_tasks_retries_and_its_operators_configs_are_requests() -> None:
    state = _state(DAG_CODE)
    (dag,) = state.of(Pipeline)
    assert (dag.service, dag.ml) == ("Airflow", True)
    assert dag.retries is not None and (dag.retries.as_int(), dag.retries.line) == (3, 7)
    (job,) = state.of(TrainingJob)
    assert job.address == "SageMakerTrainingOperator train" and job.instance_count is not None
    assert [type(r).__name__ for r in state.of(Model, Deployment, Endpoint)] == ["Model", "Deployment", "Endpoint"]


def test_a_dag_running_no_ml_work_is_not_an_ml_pipeline() -> None:
    (dag,) = _state("from airflow import DAG\nDAG('reports')\n").of(Pipeline)
    assert not dag.ml and not dag.runs_ml and dag.retries is not None and not dag.retries.written


def test_step_functions_endpoint_config_and_workflow_retries() -> None:
    state = _state(STEPS_CODE)
    (deployment,) = state.of(Deployment)
    assert deployment.variants[0].instance_count.as_int() == 2
    (workflow,) = state.of(Pipeline)
    assert workflow.retries is not None and workflow.retries.line == 6
