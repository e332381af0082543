"""The jobs of an Azure ML CLI v2 pipeline job (`jobs:` of a pipelineJob spec) as pipeline steps.

Each job is a step named by its key and, when it runs a component from a file or the
registry, by that component's name too (`component: ./components/train_component.yml`
trains). A command or sweep job runs as an Azure ML job on the pipeline's compute (its own
`compute`, `settings.default_compute`, or serverless compute when neither is written):
nodes are held only while it runs. Nothing is read from the components' own files here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from mllens.scan.detectors._iac import Node
from mllens.scan.model.steps import Step, StepFacts, facts, roles_of

_JOB_TYPES = ("command", "sweep")
SERVICE = "Azure Machine Learning"


def _component_name(component: object) -> str:
    """`./components/train.yml` -> `train`; `azureml:train_model:3` -> `train_model`."""
    if not isinstance(component, str):
        return ""
    if component.startswith("azureml:"):
        return component[len("azureml:"):].split("@", 1)[0].split(":", 1)[0].rsplit("/", 1)[-1]
    return PurePosixPath(component).stem


def steps(node: Node) -> list[Step]:
    jobs = node.child("jobs")
    if jobs is None:
        return []
    found = []
    for name in jobs.names():
        job = jobs.get(name)
        if not isinstance(job, Mapping):
            continue
        kind = str(job.get("type", "command"))
        service = SERVICE if kind in _JOB_TYPES else ""
        roles = roles_of(name, _component_name(job.get("component")))
        found.append(Step(name=name, line=jobs.line_of(name), roles=roles, service=service))
    return found


def step_facts(file: str, node: Node, line: int) -> StepFacts:
    found = facts(file, line, steps(node))
    trains = found["trains"]
    if trains is not None and not trains.written:
        # trains nothing: it releases a model trained and registered elsewhere (a deployment
        # pipeline), so neither a gate on its evaluation nor a registry step is judged here
        found["gate"] = found["registers"] = found["deploys"] = None
    return found
