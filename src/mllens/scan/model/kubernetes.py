"""Kubernetes manifests into the resource model: plain YAML, Helm chart templates rendered
statically, and the objects a Kustomize overlay changes (all arrive as YAML documents).

KServe InferenceServices and Seldon deployments are a `Deployment` (their predictors and
transformers the variants, the KServe logger the inference capture, an explainer) and an
`Endpoint` (a canary or traffic split as its rollout); plain Deployments and StatefulSets are
a `Deployment` of one variant (their replicas); HorizontalPodAutoscalers, KEDA ScaledObjects,
Seldon hpaSpecs and KServe min/maxReplicas are a `ScalingTarget`; NetworkPolicies a
`Network`; training CronJobs, Argo CronWorkflows and Kubeflow ScheduledWorkflows a `Trigger`;
PrometheusRule alerts an `Alarm`; Istio authentication and authorisation policies an `Endpoint`
whose callers authenticate; multi-model ServingRuntimes, TrainedModels and ModelMesh
InferenceServices a `Model` hosting many models. Every value keeps its line: for a chart, the template line
it was rendered at; for an overlay, the kustomization line that set it or brought it in.

A chart rendered once per environment (`values-prod.yaml` ...) gives each object once, a value
that differs between environments resolved per environment (mllens.scan.model.kubernetes_envs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node, as_bool, as_int, listify
from mllens.scan.detectors._k8s import K8sObject, containers, objects
from mllens.scan.model.kinds import (
    Alarm,
    Capture,
    Deployment,
    Endpoint,
    Model,
    Network,
    Resource,
    Rollout,
    ScalingTarget,
    Trigger,
    Variant,
)
from mllens.scan.model.kubernetes_envs import merged
from mllens.scan.model.values import Value

SERVING_NAMESPACE = "kubernetes"  # ScalingTarget.namespace of what scales pods
_TRAIN_WORDS = re.compile(r"\btrain|\bfit\b|retrain|fine-?tun", re.IGNORECASE)


class _Reader:
    """Values of one object, located in one file."""

    def __init__(self, path: str, obj: K8sObject, address: str) -> None:
        self.path, self.obj, self.address = path, obj, address

    def at(self, node: Node | None, key: str, *, name: str | None = None) -> Value:
        if node is None or not node.has(key):
            return Value.absent(self.path, node.line if node is not None else self.obj.line, name or key)
        return Value(node.get(key), self.path, node.line_of(key), name or key)

    def base(self, service: str) -> dict[str, Any]:
        obj = self.obj
        return {"syntax": "kubernetes", "provider": "kubernetes", "service": service, "type": obj.kind,
                "name": obj.name, "address": self.address, "file": self.path, "line": obj.line}


def _variant(count: Value, *, shadow: bool = False) -> Variant:
    absent = Value.absent(count.file, count.line, "resources")
    return Variant(instance_count=count, instance_type=absent, serverless=absent, shadow=shadow)


def _inference_service(r: _Reader) -> Iterator[Resource]:
    # KServe v1beta1 holds its components in spec; KFServing v1alpha2 in spec.default
    spec = r.obj.child("spec") if r.obj.child("spec.predictor") is not None else r.obj.child("spec.default")
    predictor = spec.child("predictor") if spec is not None else None
    if spec is None or predictor is None:
        return
    least = r.at(predictor, "minReplicas")
    if not least.written:  # KServe's default: one pod stands between callers and an outage
        least = Value(1, r.path, spec.line_of("predictor"), "minReplicas (default)")
    variants = [_variant(least)]
    transformer = spec.child("transformer")
    if transformer is not None:
        variants.append(_variant(r.at(transformer, "minReplicas")))
    logger = r.at(predictor, "logger")
    capture = Capture(block=logger, enabled=Value.absent(r.path, logger.line, "logger.mode"), on_by_default=True,
                      required=False)
    labels, labels_line = r.obj.at("metadata.labels")
    private = None
    if isinstance(labels, dict) and labels.get("networking.kserve.io/visibility") == "cluster-local":
        private = Value("cluster-local", r.path, labels_line, "networking.kserve.io/visibility: cluster-local")
    yield Deployment(**r.base("KServe"), variants=tuple(variants), capture=capture, private_access=private,
                     explainer=r.at(spec, "explainer"))
    rollout = None
    if predictor.has("canaryTrafficPercent"):
        rollout = _canary(r, predictor, "canaryTrafficPercent")
    yield Endpoint(**r.base("KServe"), rollout=rollout)
    annotations, line = r.obj.at("metadata.annotations")
    if isinstance(annotations, dict) and annotations.get("serving.kserve.io/deploymentMode") == "ModelMesh":
        yield _multi_model(r, Value("MultiModel", r.path, line, "serving.kserve.io/deploymentMode: ModelMesh"))
    keys = [k for k in ("maxReplicas", "scaleTarget", "scaleMetric") if predictor.has(k)]
    if keys:
        low = r.at(predictor, "minReplicas")
        if not low.written:  # KServe's default
            low = Value(1, r.path, predictor.line, "minReplicas (default)")
        yield ScalingTarget(**r.base("KServe") | {"line": predictor.line_of(keys[0])},
                            namespace=Value(SERVING_NAMESPACE, r.path, predictor.line, "predictor"),
                            min_capacity=low, max_capacity=r.at(predictor, "maxReplicas"))


def _canary(r: _Reader, node: Node, key: str, *, kind: str = "CANARY") -> Rollout:
    absent = Value.absent(r.path, node.line, "rollback")
    return Rollout(block=Value(node.get(key), r.path, node.line_of(key), key), rolling=absent,
                   traffic_type=Value(kind, r.path, node.line_of(key), key), auto_rollback=absent)


def _seldon(r: _Reader) -> Iterator[Resource]:
    spec = r.obj.child("spec")
    if spec is None:
        return
    predictors = spec.children("predictors")
    variants, explainer = [], Value.absent(r.path, r.obj.line, "explainer")
    for predictor in predictors:
        traffic = as_int(predictor.get("traffic"))
        # a canary or shadow predictor is not what callers depend on
        minor = as_bool(predictor.get("shadow")) is True or (traffic is not None and traffic < 50)
        variants.append(_variant(r.at(predictor, "replicas"), shadow=minor))
        if predictor.has("explainer") and not explainer.written:
            explainer = r.at(predictor, "explainer")
    yield Deployment(**r.base("Seldon Core"), variants=tuple(variants), explainer=explainer)
    split = [p for p in predictors if (as_int(p.get("traffic")) or 0) > 0 or as_bool(p.get("shadow"))]
    # at the first predictor's traffic share, where the split is written
    rollout = _canary(r, split[0], "traffic" if split[0].has("traffic") else "shadow") \
        if len(predictors) > 1 and split else None
    yield Endpoint(**r.base("Seldon Core"), rollout=rollout)
    for predictor in predictors:
        for component in predictor.children("componentSpecs"):
            hpa = component.child("hpaSpec")
            if hpa is not None:
                yield ScalingTarget(**r.base("Seldon Core"),
                                    namespace=Value(SERVING_NAMESPACE, r.path, hpa.line, "hpaSpec"),
                                    min_capacity=r.at(hpa, "minReplicas"), max_capacity=r.at(hpa, "maxReplicas"))
                return


def _multi_model(r: _Reader, mode: Value) -> Model:
    return Model(**r.base("KServe"), container_modes=(mode,))


def _runtime(r: _Reader) -> Iterator[Resource]:
    """A KServe ServingRuntime that loads many models per server; a TrainedModel loaded onto a shared one."""
    if r.obj.kind == "TrainedModel":
        yield _multi_model(r, Value("MultiModel", r.path, r.obj.line, "kind: TrainedModel"))
        return
    multi, line = r.obj.at("spec.multiModel")
    if as_bool(multi):
        yield _multi_model(r, Value("MultiModel", r.path, line, "multiModel: true"))
    spec = r.obj.child("spec")
    if spec is not None and spec.has("replicas"):  # the model servers a (ModelMesh) runtime keeps
        yield Deployment(**r.base("KServe"), variants=(_variant(r.at(spec, "replicas")),))


def _mesh_policy(r: _Reader) -> Iterator[Resource]:
    """An Istio policy that authenticates or authorises the mesh's callers of a workload."""
    if r.obj.api_version.startswith("security.istio.io"):
        yield Endpoint(**r.base("Istio"), auth_mode=Value(r.obj.kind, r.path, r.obj.line, "kind"))


def _progressive(r: _Reader) -> Iterator[Resource]:
    """An Argo Rollout's canary or blue/green strategy; a Flagger Canary's analysis."""
    if r.obj.kind == "Canary":
        if r.obj.api_version.startswith("flagger.app"):  # the whole object is the canary analysis
            absent = Value.absent(r.path, r.obj.line, "rollback")
            canary = Value("CANARY", r.path, r.obj.line, "kind: Canary")
            yield Endpoint(**r.base("Flagger"), rollout=Rollout(block=canary, rolling=absent, traffic_type=canary,
                                                                auto_rollback=absent))
        return
    strategy = r.obj.child("spec.strategy")
    for key, shift in (("canary", "CANARY"), ("blueGreen", "BLUE_GREEN")):
        if strategy is not None and strategy.has(key):
            yield Endpoint(**r.base("Argo Rollouts"), rollout=_canary(r, strategy, key, kind=shift))
            return


def _virtual_service(r: _Reader) -> Iterator[Resource]:
    """An Istio VirtualService whose route splits traffic by weight between destinations
    (a canary, or two model versions side by side)."""
    spec = r.obj.child("spec")
    for route in spec.children("http") if spec is not None else []:
        weighted = [d for d in route.children("route") if d.has("weight")]
        if len(weighted) > 1:
            yield Endpoint(**r.base("Istio"), rollout=_canary(r, weighted[0], "weight"))
            return


def _workload(r: _Reader) -> Iterator[Resource]:
    spec = r.obj.child("spec")
    yield Deployment(**r.base("Kubernetes"), variants=(_variant(r.at(spec, "replicas")),))


def _autoscaler(r: _Reader) -> Iterator[Resource]:
    spec = r.obj.child("spec")
    namespace = Value(SERVING_NAMESPACE, r.path, r.obj.line, "scaleTargetRef")
    if r.obj.kind == "ScaledObject":  # KEDA
        low, high = r.at(spec, "minReplicaCount"), r.at(spec, "maxReplicaCount")
    else:
        low, high = r.at(spec, "minReplicas"), r.at(spec, "maxReplicas")
        if not low.written:  # the HorizontalPodAutoscaler's default
            low = Value(1, r.path, spec.line if spec is not None else r.obj.line, "minReplicas (default)")
    # placed at the bounds it scales between, where a reviewer points
    bounds = next((v.line for v in (low, high) if v.written and "(default)" not in v.name), r.obj.line)
    yield ScalingTarget(**r.base("Kubernetes") | {"line": bounds}, namespace=namespace, min_capacity=low,
                        max_capacity=high)


def _network_policy(r: _Reader) -> Iterator[Resource]:
    spec = r.obj.child("spec")
    if spec is not None and ("Ingress" in listify(spec.get("policyTypes")) or spec.has("ingress")):
        yield Network(**r.base("Kubernetes"), admits_only_selected=not admits_anyone(spec.get("ingress")))


def admits_anyone(ingress: Any) -> bool:
    """An ingress rule with no `from`, or a peer that is every pod of every namespace (an
    empty namespaceSelector) or every address (0.0.0.0/0): the policy selects no caller."""
    for item in listify(ingress):
        peers = listify(item.get("from")) if isinstance(item, dict) else []
        if isinstance(item, dict) and not peers:
            return True
        for peer in (p for p in peers if isinstance(p, dict)):
            if peer.get("namespaceSelector") == {} and not peer.get("podSelector"):
                return True
            block = peer.get("ipBlock")
            if isinstance(block, dict) and block.get("cidr") in ("0.0.0.0/0", "::/0"):
                return True
    return False


def _schedule(r: _Reader) -> Iterator[Resource]:
    obj = r.obj
    pattern = Value.absent(r.path, obj.line, "pattern")
    if obj.kind == "CronJob":
        words = " ".join(str(c.data.get("command", "")) + str(c.data.get("args", "")) for c in containers(obj))
        if not _TRAIN_WORDS.search(words + " " + obj.name):
            return
        schedule = r.at(obj.child("spec"), "schedule")
        yield Trigger(**r.base("Kubernetes"), schedule=schedule, pattern=pattern, starts_pipeline=True,
                      starts=f"training ({schedule.shown()})")
    else:
        key = "schedule" if obj.kind == "CronWorkflow" else "trigger"
        yield Trigger(**r.base("Argo Workflows" if obj.kind == "CronWorkflow" else "Kubeflow Pipelines"),
                      schedule=r.at(obj.child("spec"), key), pattern=pattern, starts_pipeline=True,
                      starts="the pipeline")


def _alerts(r: _Reader) -> Iterator[Resource]:
    spec = r.obj.child("spec")
    for group in spec.children("groups") if spec is not None else []:
        for item in group.children("rules"):
            alert = item.get("alert")
            if isinstance(alert, str) and item.has("expr"):
                yield Alarm(**r.base("Prometheus") | {"address": f"{r.address} alert {alert}", "line": item.line},
                            conditions=r.at(item, "expr"))


_MAPPERS = {
    "InferenceService": _inference_service,
    "SeldonDeployment": _seldon,
    "Deployment": _workload,
    "StatefulSet": _workload,
    "Rollout": _progressive,
    "Canary": _progressive,
    "HorizontalPodAutoscaler": _autoscaler,
    "ScaledObject": _autoscaler,
    "NetworkPolicy": _network_policy,
    "CronJob": _schedule,
    "CronWorkflow": _schedule,
    "ScheduledWorkflow": _schedule,
    "PrometheusRule": _alerts,
    "ServingRuntime": _runtime,
    "ClusterServingRuntime": _runtime,
    "TrainedModel": _runtime,
    "VirtualService": _virtual_service,
    "AuthorizationPolicy": _mesh_policy,
    "RequestAuthentication": _mesh_policy,
    "PeerAuthentication": _mesh_policy,
}


def resources(path: str, documents: list[Any]) -> list[Resource]:
    """The model's resources of one rendering of a file's documents."""
    out: list[Resource] = []
    for obj in objects(documents):
        mapper = _MAPPERS.get(obj.kind)
        if mapper is not None:
            out.extend(mapper(_Reader(path, obj, obj.address)))
    return out


def adapt(file: ParsedFile) -> Iterator[Resource]:
    documents = file.data if isinstance(file.data, list) else []
    environments: dict[str, list[Any]] = getattr(file.data, "environments", None) or {}
    if not environments:
        yield from resources(file.path, documents)
        return
    renders = {env: resources(file.path, docs) for env, docs in environments.items()}
    yield from merged(renders, getattr(file.data, "reads", {}))
