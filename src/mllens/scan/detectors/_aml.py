"""Azure Machine Learning CLI v2 YAML specs: which asset a file declares, and its mapping.

A spec names its JSON schema in `$schema` (for example
https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json); the schema's
file name says what the YAML is. Specs written without `$schema` are recognised by their
`type` when they also point at Azure ML compute (`compute: azureml:...`). A v1 deployment
configuration (`computeType: AKS` or `ACI` with its settings) is kind `v1_deployment`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node

_SCHEMA = re.compile(r"azureml.*/([A-Za-z]+)\.schema\.json", re.IGNORECASE)
# $schema file name (lower case) -> the kind rules ask for
_KINDS = {
    "managedonlineendpoint": "online_endpoint",
    "kubernetesonlineendpoint": "online_endpoint",
    "batchendpoint": "batch_endpoint",
    "managedonlinedeployment": "online_deployment",
    "kubernetesonlinedeployment": "online_deployment",
    "batchdeployment": "batch_deployment",
    "modelbatchdeployment": "batch_deployment",
    "pipelinecomponentbatchdeployment": "batch_deployment",
    "commandjob": "command_job",
    "sweepjob": "sweep_job",
    "pipelinejob": "pipeline_job",
    "amlcompute": "compute_cluster",
    "computeinstance": "compute_instance",
    "workspace": "workspace",
    "model": "model",
    "data": "data",
    "schedule": "schedule",
    "featurestore": "feature_store",
    "featureset": "feature_set",
    "featuresetspec": "feature_set",
    "commandcomponent": "component",
    "pipelinecomponent": "component",
    "parallelcomponent": "component",
    "environment": "environment",
}
_TYPES = {"command": "command_job", "sweep": "sweep_job", "pipeline": "pipeline_job"}
# SDK v1 / CLI v1 deployment configurations (`az ml model deploy --dc deployment_config_aks.yml`):
# a computeType of AKS or ACI with at least one of their settings
_V1_TARGETS = frozenset({"AKS", "ACI"})
_V1_KEYS = frozenset({"autoScaler", "authEnabled", "tokenAuthEnabled", "containerResourceRequirements",
                      "appInsightsEnabled", "sslEnabled", "numReplicas", "scoringTimeoutMs"})


@dataclass(frozen=True)
class AmlSpec:
    kind: str
    name: str
    node: Node

    @property
    def address(self) -> str:
        if self.kind == "v1_deployment":
            return self.name  # already says what it is
        label = self.kind.replace("_", " ")
        return f"{label} {self.name}" if self.name else label


def _build(file: ParsedFile) -> AmlSpec | None:
    documents = file.data if isinstance(file.data, list) else []
    doc = documents[0] if len(documents) == 1 else None
    if not isinstance(doc, Mapping):
        return None
    schema = doc.get("$schema")
    kind = None
    if isinstance(schema, str):
        found = _SCHEMA.search(schema)
        kind = _KINDS.get(found.group(1).lower()) if found else None
    elif str(doc.get("compute", "")).startswith("azureml:"):
        kind = _TYPES.get(str(doc.get("type", "command")))
    elif str(doc.get("computeType", "")).upper() in _V1_TARGETS and _V1_KEYS & set(doc):
        kind = "v1_deployment"
        return AmlSpec(kind, f"Azure ML {str(doc['computeType']).upper()} web service", Node.of(doc, 1))
    if kind is None:
        return None
    name = doc.get("name") or doc.get("display_name") or doc.get("experiment_name") or ""
    return AmlSpec(kind, str(name), Node.of(doc, 1))


def spec(file: ParsedFile, *kinds: str) -> AmlSpec | None:
    """The Azure ML spec a file declares, when it is one of `kinds` (any kind if none given)."""
    found = file.memo("azureml.spec", _build)
    if found is None or (kinds and found.kind not in kinds):
        return None
    return found
