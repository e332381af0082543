"""What only Kubernetes expresses about ML workloads: disruption budgets, health probes,
security contexts, pinned images and model URIs, Kubeflow training operators, Katib,
pipelines and Argo Workflows.

Replicas, autoscaling, canary rollouts, inference logging, explainers, network and Istio
policies, multi-model runtimes, schedules and Prometheus alerts are mapped into the resource
model (mllens.scan.model.kubernetes) and judged by the ml_resources family, once for every
syntax.

The rules of this module read one object at a time; `workloads` sizes containers and
`mesh` reads the service mesh and how services are exposed.

Rules read rendered YAML only: plain manifests, Helm chart templates rendered with their
chart's values, and the objects a Kustomize overlay changes (the engine prepares them). Values
that are not literals (a `${helm:...}` reference left by the renderer, a number written as a
string by a templating tool) are not judged.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import as_bool, as_int, as_str
from mllens.scan.detectors._k8s import SERVING_KINDS, containers, image_pin, manifests, pod_specs
from mllens.scan.registry import rule


@rule()
def disruption_budget(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "PodDisruptionBudget"):
        ctx.supports(line=obj.line, message=f"{obj.address} keeps replicas up during node maintenance")


_UNVERSIONED_URI = re.compile(r"(^|/)(latest|current|prod|production)(/|$)", re.IGNORECASE)
_NAMED_VERSION = re.compile(r"(^|[-_.])v\d+([-_.]|$)")
_COMMIT = re.compile(r"^(?=[0-9a-f]*\d)[0-9a-f]{7,40}$")
_VERSIONED_URI = re.compile(r"/v?\d+(\.\d+)*(/|$)|models:/[^/]+/\d+|@sha256:|:[\w.-]*\d[\w.-]*$")


@rule()
def serving_artifact_versions(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, *SERVING_KINDS):
        for container in containers(obj):
            uri = as_str(container.get("storageUri"))
            model = "versioned_serving_artifacts"  # a model URI is no image: not base_images_pinned
            if uri and _UNVERSIONED_URI.search(uri.split("://", 1)[-1]):
                ctx.contradicts(line=container.line_of("storageUri"), check=model,
                                message=f"{obj.address} loads its model from a moving location: {uri}")
            elif uri and _VERSIONED_URI.search(uri):
                ctx.supports(line=container.line_of("storageUri"), confidence=0.7, check=model,
                             message=f"{obj.address} loads a versioned model: {uri}")
            image = as_str(container.get("image"))
            if not image:
                continue
            pin = image_pin(image)
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            if pin == "other" and (_NAMED_VERSION.search(tag) or _COMMIT.match(tag)):
                pin = "version"  # xception-v4-001, a commit id: names one build
            line = container.line_of("image")
            if pin == "digest":
                ctx.supports(line=line, message=f"{obj.address} pins its image by digest")
            elif pin == "version":
                ctx.supports(line=line, confidence=0.6, message=f"{obj.address} uses a versioned image tag: {image}")
            elif pin == "floating":
                ctx.contradicts(line=line, message=f"{obj.address} runs a floating image (latest or no tag): {image}")
            elif "${" not in image:
                ctx.contradicts(line=line, confidence=0.6,
                                message=f"{obj.address} runs a named image tag that moves with updates: {image}")


@rule()
def health_probes(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "Deployment", "StatefulSet", "InferenceService", "SeldonDeployment",
                         "ServingRuntime", "Rollout"):
        for pod in pod_specs(obj):
            for container in pod.children("containers"):
                probes = [p for p in ("readinessProbe", "livenessProbe", "startupProbe") if container.has(p)]
                probes.sort(key=container.line_of)  # the first one written
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


_ML_KINDS = ("InferenceService", "SeldonDeployment", "ServingRuntime", "TrainedModel", "Experiment", "PyTorchJob",
             "TFJob", "XGBoostJob", "MPIJob", "PaddleJob", "Notebook", "ScheduledWorkflow", "RayCluster", "RayJob",
             "RayService", "DataSciencePipelinesApplication")


@rule()
def ml_manifests_as_code(ctx: FileContext) -> None:
    # every object of a multi-document file, each at its own document's `kind:` line
    for obj in manifests(ctx.file, *_ML_KINDS):
        ctx.supports(line=obj.line, check="infrastructure_as_code",
                     message=f"ML workloads are declared as manifests: {obj.address}")
        if obj.kind in ("InferenceService", "SeldonDeployment"):
            ctx.supports(line=obj.line, check="endpoint_as_code", message=f"{obj.address} is defined as code")


# Secret keys that hold a credential by their name (AWS_SECRET_ACCESS_KEY, TRINO_PASSWORD, HF_TOKEN)
_SECRET_KEY = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$", re.IGNORECASE)
# values that only hold a place: a template, an environment reference, <fill me in>
_PLACEHOLDER = re.compile(r"^\s*$|\$\{|\{\{|^<.*>$|^\$\w+$|^(changeme|change-me|replace[-_]?me|xxx+|todo|\*+)$",
                          re.IGNORECASE)


@rule()
def committed_secrets(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "Secret"):
        for field in ("stringData", "data"):
            values = obj.child(field)
            if values is None:
                continue
            keys = [k for k in values.names() if _SECRET_KEY.search(k) and isinstance(values.get(k), str | int)
                    and not _PLACEHOLDER.search(str(values.get(k)))]
            if keys:
                # never repeat a value: it would end up in reports and CI logs
                ctx.contradicts(line=values.line_of(keys[0]),
                                message=f"{obj.address} holds literal credentials in the repository "
                                        f"({', '.join(keys)} in {field}; base64 is no encryption): use a "
                                        f"secrets manager, External Secrets or Sealed Secrets")
                break


# environment variables that hand a workload a long-lived cloud key
_KEY_FILE_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
_KEY_ENV = frozenset({"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"})


@rule()
def cloud_key_secrets(ctx: FileContext) -> None:
    for obj in manifests(ctx.file):
        for pod in pod_specs(obj):
            secret_volumes = any(v.child("secret") is not None for v in pod.children("volumes"))
            for container in [*pod.children("initContainers"), *pod.children("containers")]:
                for env in container.children("env"):
                    name = as_str(env.get("name")) or ""
                    source = env.child("valueFrom")
                    from_secret = source is not None and source.child("secretKeyRef") is not None
                    if (name == _KEY_FILE_ENV and secret_volumes) or (name in _KEY_ENV and from_secret):
                        ctx.contradicts(line=env.line_of("name"),
                                        message=f"{obj.address} gives its container a long-lived cloud key "
                                                f"from a Secret ({name}): bind its service account to a cloud "
                                                f"identity (Workload Identity, IRSA, Azure workload identity)")
                        break


@rule()
def model_transport(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, *SERVING_KINDS):
        for container in containers(obj):
            uri = as_str(container.get("storageUri"))
            if uri and uri.lower().startswith("http://"):
                ctx.contradicts(line=container.line_of("storageUri"),
                                message=f"{obj.address} downloads its model over plain HTTP ({uri}): anyone on "
                                        f"the path can read or replace it; use https or the object store's API")
            elif uri and uri.lower().startswith("https://"):
                ctx.supports(line=container.line_of("storageUri"), confidence=0.7,
                             message=f"{obj.address} downloads its model over TLS")


# annotations with which Open Data Hub / OpenShift AI turn caller authentication of a served
# model on or off (an InferenceService's, or a ModelMesh ServingRuntime's)
_AUTH_ANNOTATIONS = ("security.opendatahub.io/enable-auth", "enable-auth")


@rule()
def serving_auth_annotation(ctx: FileContext) -> None:
    for obj in manifests(ctx.file, "InferenceService", "ServingRuntime"):
        annotations = obj.child("metadata.annotations")
        key = next((k for k in _AUTH_ANNOTATIONS if annotations is not None and annotations.has(k)), None)
        if annotations is None or key is None:
            continue
        value = as_bool(annotations.get(key))
        if value is True:
            ctx.supports(line=annotations.line_of(key), message=f"{obj.address} requires authenticated callers ({key})")
        elif value is False:
            ctx.contradicts(line=annotations.line_of(key),
                            message=f"{obj.address} turns caller authentication off ({key}: false): anyone who "
                                    f"reaches its route or service can query the model")

