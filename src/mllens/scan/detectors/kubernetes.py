"""Kubernetes manifests of ML workloads: KServe, Seldon Core, plain Deployments, autoscalers,
disruption budgets, network and mesh policies, Kubeflow (training operators, Katib,
pipelines) and Argo Workflows.

Rules read rendered YAML only: plain manifests, Helm chart templates rendered with their
chart's values, and the objects a Kustomize overlay changes (the engine prepares them). Values
that are not literals (a `${helm:...}` reference left by the renderer, a number written as a
string by a templating tool) are not judged.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import as_bool, as_int, as_str, listify
from mllens.scan.detectors._k8s import SERVING_KINDS, containers, image_pin, manifests, pod_specs
from mllens.scan.registry import rule


@rule()
def serving_replicas(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "InferenceService"):
        for component in ("predictor", "transformer"):
            count, line = obj.at(f"spec.{component}.minReplicas")
            if as_int(count) is not None:
                _judge_count(ctx, as_int(count), line, f"{obj.address} {component} minReplicas")
    for obj in manifests(ctx.file, "SeldonDeployment"):
        spec = obj.child("spec")
        for predictor in spec.children("predictors") if spec is not None else []:
            count = as_int(predictor.get("replicas"))
            traffic = as_int(predictor.get("traffic"))
            if as_bool(predictor.get("shadow")) or (traffic is not None and traffic < 50):
                continue  # a canary or shadow predictor is not what callers depend on
            if count is not None:
                _judge_count(ctx, count, predictor.line_of("replicas"), f"{obj.address} predictor replicas")
    for obj in manifests(ctx.file, "Deployment", "StatefulSet"):
        count, line = obj.at("spec.replicas")
        if as_int(count) is not None:
            _judge_count(ctx, as_int(count), line, f"{obj.address} replicas")
    for obj in manifests(ctx.file, "HorizontalPodAutoscaler"):
        low, line = obj.at("spec.minReplicas")
        if (as_int(low) or 0) > 1:
            ctx.supports(line=line, message=f"{obj.address} keeps at least {low} replicas")
    for obj in manifests(ctx.file, "PodDisruptionBudget"):
        ctx.supports(line=obj.line, message=f"{obj.address} keeps replicas up during node maintenance")


def _judge_count(ctx: FileContext, count: int | None, line: int, what: str) -> None:
    if count is None:
        return
    if count > 1:
        ctx.supports(line=line, message=f"{what} is {count}")
    else:
        ctx.contradicts(line=line, message=f"{what} is {count}: one pod failure takes serving down")


@rule()
def serving_autoscaling(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "InferenceService"):
        predictor = obj.child("spec.predictor")
        if predictor is None:
            continue
        low, high = as_int(predictor.get("minReplicas")), as_int(predictor.get("maxReplicas"))
        if high is not None and high <= (low if low is not None else 1):
            ctx.contradicts(line=predictor.line_of("maxReplicas"),
                            message=f"{obj.address} maxReplicas {high} leaves no room to scale")
        else:
            keys = [k for k in ("maxReplicas", "scaleTarget", "scaleMetric") if predictor.has(k)]
            if not keys:
                continue
            key = keys[0]
            ctx.supports(line=predictor.line_of(key), message=f"{obj.address} scales its predictor with load ({key})")
    for obj in manifests(ctx.file, "HorizontalPodAutoscaler", "ScaledObject"):
        ctx.supports(line=obj.line, message=f"{obj.address} scales its target with load")
    for obj in manifests(ctx.file, "SeldonDeployment"):
        if "hpaSpec" in str(obj.node.data):
            ctx.supports(line=obj.line, message=f"{obj.address} has an hpaSpec")


@rule()
def canary_rollout(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "InferenceService"):
        percent, line = obj.at("spec.predictor.canaryTrafficPercent")
        if as_int(percent) is not None:
            ctx.supports(line=line, message=f"{obj.address} sends {percent}% of traffic to the new revision")
    for obj in manifests(ctx.file, "SeldonDeployment"):
        spec = obj.child("spec")
        predictors = spec.children("predictors") if spec is not None else []
        split = [p for p in predictors if (as_int(p.get("traffic")) or 0) > 0 or as_bool(p.get("shadow"))]
        if len(predictors) > 1 and split:
            ctx.supports(line=spec.line_of("predictors") if spec else obj.line,
                         message=f"{obj.address} splits or shadows traffic between predictors")
    for obj in manifests(ctx.file, "Rollout"):
        strategy = obj.child("spec.strategy")
        if strategy is not None and (strategy.has("canary") or strategy.has("blueGreen")):
            kind = "canary" if strategy.has("canary") else "blueGreen"
            ctx.supports(line=strategy.line_of(kind), message=f"{obj.address} rolls out with a {kind} strategy")
    for obj in manifests(ctx.file, "Canary"):
        if obj.api_version.startswith("flagger.app"):
            ctx.supports(line=obj.line, message=f"{obj.address} runs Flagger canary analysis")


_UNVERSIONED_URI = re.compile(r"(^|/)(latest|current|prod|production)(/|$)", re.IGNORECASE)
_VERSIONED_URI = re.compile(r"/v?\d+(\.\d+)*(/|$)|models:/[^/]+/\d+|@sha256:|:[\w.-]*\d[\w.-]*$")


@rule()
def serving_artifact_versions(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, *SERVING_KINDS):
        for container in containers(obj):
            uri = as_str(container.get("storageUri"))
            if uri and _UNVERSIONED_URI.search(uri.split("://", 1)[-1]):
                ctx.contradicts(line=container.line_of("storageUri"),
                                message=f"{obj.address} loads its model from a moving location: {uri}")
            elif uri and _VERSIONED_URI.search(uri):
                ctx.supports(line=container.line_of("storageUri"), confidence=0.7,
                             message=f"{obj.address} loads a versioned model: {uri}")
            image = as_str(container.get("image"))
            if not image:
                continue
            pin = image_pin(image)
            line = container.line_of("image")
            if pin == "digest":
                ctx.supports(line=line, message=f"{obj.address} pins its image by digest")
            elif pin == "version":
                ctx.supports(line=line, confidence=0.6, message=f"{obj.address} uses a versioned image tag: {image}")
            elif pin == "floating":
                ctx.contradicts(line=line, message=f"{obj.address} runs a floating image (latest or no tag): {image}")


@rule()
def network_isolation(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "NetworkPolicy"):
        ingress = obj.child("spec")
        if ingress is not None and ("Ingress" in listify(ingress.get("policyTypes")) or ingress.has("ingress")):
            ctx.supports(line=obj.line, message=f"{obj.address} restricts which pods may reach the workload")
    for obj in manifests(ctx.file, "InferenceService"):
        value, line = obj.at("metadata.labels")
        labels = value if isinstance(value, dict) else {}
        if labels.get("networking.kserve.io/visibility") == "cluster-local":
            ctx.supports(line=line, message=f"{obj.address} is only reachable inside the cluster (cluster-local)")


@rule()
def mesh_authentication(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "AuthorizationPolicy", "RequestAuthentication", "PeerAuthentication"):
        if obj.api_version.startswith("security.istio.io"):
            ctx.supports(line=obj.line, message=f"{obj.address} authenticates or authorises callers in the mesh")


@rule()
def health_probes(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "Deployment", "StatefulSet", "InferenceService", "SeldonDeployment",
                         "ServingRuntime", "Rollout"):
        for pod in pod_specs(obj):
            for container in pod.children("containers"):
                probes = [p for p in ("readinessProbe", "livenessProbe", "startupProbe") if container.has(p)]
                name = container.get("name") or "container"
                if probes:
                    ctx.supports(line=container.line_of(probes[0]),
                                 message=f"{obj.address} {name} declares {', '.join(probes)}")
                elif obj.kind in ("Deployment", "StatefulSet", "Rollout") and container.has("ports"):
                    ctx.contradicts(line=container.line, message=f"{obj.address} {name} serves with no health probes")


@rule()
def container_security_context(ctx: FileContext) -> None:
    for obj in manifests(ctx.file):
        for pod in pod_specs(obj):
            contexts = [pod.child("securityContext"), *(c.child("securityContext") for c in pod.children("containers"))]
            for sc in contexts:
                if sc is None:
                    continue
                user = as_int(sc.get("runAsUser"))
                if as_bool(sc.get("privileged")) is True:
                    ctx.contradicts(line=sc.line_of("privileged"), message=f"{obj.address} runs a privileged container")
                elif user == 0 or as_bool(sc.get("runAsNonRoot")) is False:
                    key = "runAsUser" if user == 0 else "runAsNonRoot"
                    ctx.contradicts(line=sc.line_of(key), message=f"{obj.address} runs as root ({key})")
                elif as_bool(sc.get("runAsNonRoot")) is True or (user or 0) > 0:
                    key = "runAsNonRoot" if sc.has("runAsNonRoot") else "runAsUser"
                    ctx.supports(line=sc.line_of(key), message=f"{obj.address} runs as a non-root user ({key})")


_PIPELINE_KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")


@rule()
def ml_pipeline_manifest(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, *_PIPELINE_KINDS):
        if obj.api_version.startswith("argoproj.io"):
            ctx.supports(line=obj.line, message=f"{obj.address} defines the workflow as an Argo pipeline")
    documents = ctx.file.data if isinstance(ctx.file.data, list) else []
    for doc in documents:
        if isinstance(doc, dict) and "pipelineInfo" in doc and "deploymentSpec" in doc:
            line = getattr(doc, "key_lines", {}).get("pipelineInfo", 1)
            ctx.supports(line=line, message="a compiled Kubeflow pipeline definition")


_TRAIN_WORDS = re.compile(r"\btrain|\bfit\b|retrain|fine-?tun", re.IGNORECASE)


@rule()
def scheduled_training(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "CronWorkflow", "ScheduledWorkflow"):
        _, line = obj.at("spec.schedule") if obj.kind == "CronWorkflow" else obj.at("spec.trigger")
        ctx.supports(line=line, message=f"{obj.address} runs the pipeline on a schedule")
    for obj in manifests(ctx.file, "CronJob"):
        commands = " ".join(str(c.data.get("command", "")) + str(c.data.get("args", "")) for c in containers(obj))
        if _TRAIN_WORDS.search(commands + " " + obj.name):
            schedule, line = obj.at("spec.schedule")
            ctx.supports(line=line, message=f"{obj.address} runs training on a schedule ({schedule})")


@rule()
def distributed_training_job(ctx: FileContext) -> None:
    for obj in manifests(ctx.file):
        if not (obj.api_version.startswith("kubeflow.org") and obj.kind.endswith("Job")):
            continue
        spec = obj.child("spec")
        if spec is None:
            continue
        for key in spec.names():
            replicas = spec.child(key) if key.endswith("ReplicaSpecs") else None
            if replicas is None:
                continue
            roles = [replicas.data[r] for r in replicas.names()]
            total = sum(as_int(role.get("replicas", 1)) or 0 for role in roles if isinstance(role, dict))
            if total > 1:
                ctx.supports(line=spec.line_of(key), message=f"{obj.address} trains on {total} workers")


_EFFICIENT = ("bayesianoptimization", "tpe", "multivariate-tpe", "hyperband", "cmaes")


@rule()
def katib_experiment(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "Experiment"):
        if not obj.api_version.startswith("kubeflow.org"):
            continue
        ctx.supports(line=obj.line, check="hyperparameter_search", message=f"{obj.address} runs a Katib search")
        name, line = obj.at("spec.algorithm.algorithmName")
        if isinstance(name, str):
            if name.lower() in _EFFICIENT:
                ctx.supports(line=line, check="efficient_search_strategy",
                             message=f"{obj.address} searches with {name}")
            elif name.lower() == "grid":
                ctx.contradicts(line=line, check="efficient_search_strategy",
                                message=f"{obj.address} searches an exhaustive grid")
            elif name.lower() == "random":
                ctx.info(line=line, check="efficient_search_strategy",
                         message=f"{obj.address} samples at random (better than a grid, not model-based)")
        if obj.child("spec.earlyStopping") is not None:
            ctx.supports(line=obj.at("spec.earlyStopping")[1], check="early_stopping",
                         message=f"{obj.address} stops unpromising trials early")


@rule()
def multi_model_serving(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "TrainedModel"):
        ctx.supports(line=obj.line, message=f"{obj.address} loads a model onto a shared InferenceService")
    for obj in manifests(ctx.file, "InferenceService"):
        value, line = obj.at("metadata.annotations")
        if isinstance(value, dict) and value.get("serving.kserve.io/deploymentMode") == "ModelMesh":
            ctx.supports(line=line, message=f"{obj.address} is served by ModelMesh")
    for obj in manifests(ctx.file, "ServingRuntime", "ClusterServingRuntime"):
        value, line = obj.at("spec.multiModel")
        if as_bool(value):
            ctx.supports(line=line, message=f"{obj.address} hosts many models per server")


_ML_KINDS = ("InferenceService", "SeldonDeployment", "ServingRuntime", "TrainedModel", "Experiment", "PyTorchJob",
             "TFJob", "XGBoostJob", "MPIJob", "PaddleJob", "Notebook", "ScheduledWorkflow", "RayCluster", "RayJob",
             "RayService")


@rule()
def ml_manifests_as_code(ctx: FileContext) -> None:
    # every object of a multi-document file, each at its own document's `kind:` line
    for obj in manifests(ctx.file, *_ML_KINDS):
        ctx.supports(line=obj.line, check="infrastructure_as_code",
                     message=f"ML workloads are declared as manifests: {obj.address}")
        if obj.kind in ("InferenceService", "SeldonDeployment"):
            ctx.supports(line=obj.line, check="endpoint_as_code", message=f"{obj.address} is defined as code")
