"""Kubernetes manifests (plain YAML, any number of documents per file) as objects with lines.

`manifests(file)` lists every document that has an apiVersion and a kind (and the items of a
`kind: List`). `pod_specs(obj)` finds the pod specs inside the workload kinds ML projects use
(Deployments, Jobs, KServe InferenceServices, Seldon deployments, Kubeflow training jobs)
so container rules are written once. A Helm chart's templates arrive already rendered with
the chart's values.yaml (mllens.scan.parse.helm_chart): what could not be rendered is a
`${helm:...}` reference, which rules leave unjudged, and lines are the template's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node, listify


@dataclass(frozen=True)
class K8sObject:
    api_version: str
    kind: str
    name: str
    node: Node  # the whole document

    @property
    def line(self) -> int:
        return self.node.line_of("kind")

    @property
    def address(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind

    def at(self, path: str) -> tuple[Any, int]:
        return self.node.at(path)

    def child(self, path: str) -> Node | None:
        node: Node | None = self.node
        for part in path.split("."):
            node = node.child(part) if node is not None else None
        return node


def _build(file: ParsedFile) -> list[K8sObject]:
    return objects(file.data if isinstance(file.data, list) else [])


def objects(documents: list[Any]) -> list[K8sObject]:
    """The objects of a list of YAML documents (one file, or one rendering of a chart template)."""
    out: list[K8sObject] = []
    for doc in documents:
        items = listify(doc.get("items")) if isinstance(doc, Mapping) and doc.get("kind") == "List" else [doc]
        for item in items:
            if not isinstance(item, Mapping):
                continue
            api, kind = item.get("apiVersion"), item.get("kind")
            if not isinstance(api, str) or not isinstance(kind, str):
                continue
            metadata = item.get("metadata")
            name = metadata.get("name") if isinstance(metadata, Mapping) else None
            out.append(K8sObject(api, kind, name if isinstance(name, str) else "", Node.of(item, 1)))
    return out


def manifests(file: ParsedFile, *kinds: str) -> Iterator[K8sObject]:
    for obj in file.memo("kubernetes.manifests", _build):
        if not kinds or obj.kind in kinds:
            yield obj


SERVING_KINDS = ("InferenceService", "SeldonDeployment", "ServingRuntime", "Deployment", "StatefulSet", "Rollout")
_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout")
_KSERVE_COMPONENTS = ("predictor", "transformer", "explainer")


def pod_specs(obj: K8sObject) -> Iterator[Node]:
    """Pod specs (mappings with `containers`) inside a workload object."""
    if obj.kind == "Pod":
        paths = ["spec"]
    elif obj.kind in _TEMPLATE_KINDS:
        paths = ["spec.template.spec"]
    elif obj.kind == "CronJob":
        paths = ["spec.jobTemplate.spec.template.spec"]
    elif obj.kind == "InferenceService":
        # v1beta1 (KServe): spec.predictor; v1alpha2 (KFServing): spec.default.predictor, spec.canary.predictor
        paths = [f"spec{at}.{c}" for at in ("", ".default", ".canary") for c in _KSERVE_COMPONENTS]
    elif obj.kind == "ServingRuntime":
        paths = ["spec"]
    elif obj.kind == "SeldonDeployment":
        spec = obj.child("spec")
        for predictor in spec.children("predictors") if spec is not None else []:
            for component in predictor.children("componentSpecs"):
                inner = component.child("spec")
                if inner is not None:
                    yield inner
        return
    elif obj.kind.endswith("Job") and obj.api_version.startswith("kubeflow.org"):
        spec = obj.child("spec")
        if spec is None:
            return
        for key in spec.names():
            replicas = spec.child(key) if key.endswith("ReplicaSpecs") else None
            if replicas is None:
                continue
            for role in replicas.names():
                template = replicas.child(role)
                inner = template.child("template") if template is not None else None
                pod = inner.child("spec") if inner is not None else None
                if pod is not None:
                    yield pod
        return
    else:
        return
    for path in paths:
        node = obj.child(path)
        if node is not None:
            yield node


def containers(obj: K8sObject) -> Iterator[Node]:
    """Containers of every pod spec (initContainers included), and KServe model specs."""
    for pod in pod_specs(obj):
        yield from pod.children("initContainers")
        yield from pod.children("containers")
        if obj.kind == "InferenceService":
            for key in pod.names():
                if key not in ("containers", "initContainers") and isinstance(pod.get(key), Mapping):
                    framework = pod.child(key)
                    if framework is not None and ("storageUri" in framework.data or "image" in framework.data):
                        yield framework
                    elif framework is not None and isinstance(framework.get("container"), Mapping):
                        container = framework.child("container")  # v1alpha2 custom: {container: {...}}
                        if container is not None:
                            yield container


_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_VERSION_TAG = re.compile(r":v?\d+(\.\d+)+[\w.+-]*$|:[\w.-]*\d{6,}[\w.-]*$")


def image_pin(image: str) -> str:
    """digest, version, floating (latest or no tag), or other (a named tag such as 'stable')."""
    if _DIGEST.search(image):
        return "digest"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last or last.endswith(":latest"):
        return "floating"
    return "version" if _VERSION_TAG.search(last) else "other"
