"""Which Kubernetes workloads serve and which train, and where their containers declare the
CPU and memory they need (for kubernetes.container_resources).

A server is a KServe, Seldon or ServingRuntime object, or a Deployment, StatefulSet or Argo
Rollout with a container that listens on a port (one with none is a worker, not a server). A
trainer is a Kubeflow training-operator job (TFJob, PyTorchJob ...), or a batch Job or CronJob
whose name, command or arguments say it trains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from mllens.scan.detectors._iac import Node
from mllens.scan.detectors._k8s import K8sObject, containers, pod_specs

_SERVERS = ("Deployment", "StatefulSet", "Rollout")
_SERVING_CRDS = ("InferenceService", "SeldonDeployment", "ServingRuntime", "ClusterServingRuntime")
_TRAIN_WORDS = re.compile(r"\btrain|\bfit\b|retrain|fine-?tun", re.IGNORECASE)
_SIZED = ("cpu", "memory")  # an accelerator alone leaves the rest of the container unbounded


def role(obj: K8sObject) -> str | None:
    """serving, training, or None for a workload that is neither (or not a workload)."""
    if obj.kind in _SERVING_CRDS:
        return "serving"
    if obj.kind in _SERVERS:
        listens = any(c.has("ports") for pod in pod_specs(obj) for c in pod.children("containers"))
        return "serving" if listens else None
    if obj.kind.endswith("Job") and obj.api_version.startswith("kubeflow.org"):
        return "training"
    if obj.kind in ("Job", "CronJob"):
        words = " ".join(f"{c.data.get('command', '')} {c.data.get('args', '')}" for c in containers(obj))
        return "training" if _TRAIN_WORDS.search(f"{words} {obj.name}") else None
    return None


def model_containers(obj: K8sObject) -> list[Node]:
    """The containers that run the model's work (init containers left out), a KServe
    predictor's before its transformer's and explainer's."""
    found = [c for c in containers(obj) if not _init_container(obj, c)]
    if obj.kind == "InferenceService":
        predictor = obj.child("spec.predictor") or obj.child("spec.default.predictor")
        inside = {id(c.data) for c in found if predictor is not None and _within(predictor, c)}
        found.sort(key=lambda c: id(c.data) not in inside)
    return found


def _init_container(obj: K8sObject, container: Node) -> bool:
    return any(container.data is c.data for pod in pod_specs(obj) for c in pod.children("initContainers"))


def _within(parent: Node, node: Node) -> bool:
    return any(node.data is value for value in _walk(parent.data))


def _walk(value: object) -> Iterator[object]:
    yield value
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def declared(container: Node) -> list[str]:
    """What a container's resources fix: e.g. ['requests', 'limits'] when either names cpu or memory."""
    resources = container.child("resources")
    if resources is None:
        return []
    out = []
    for part in ("requests", "limits"):
        values = resources.get(part)
        if isinstance(values, Mapping) and any(k in values for k in _SIZED):
            out.append(part)
    return out
