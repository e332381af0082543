"""The SageMaker Python SDK into the resource model: estimators, ModelTrainer and processors
(training jobs), `.deploy()` (deployments), SDK models, Model Monitor classes, and Pipelines
with their steps and registrations. Read statically through `pyresolve`.

Class names are matched under the `sagemaker` package as the imports resolve them
(`from sagemaker.pytorch import PyTorch`); a `.deploy()` on an object the module cannot
type is read when it passes `initial_instance_count` (a SageMaker-only keyword).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from mllens.scan.model.boto3_sagemaker import in_place
from mllens.scan.model.kinds import (
    Deployment,
    Endpoint,
    Model,
    ModelVersion,
    MonitoringJob,
    MonitoringPurpose,
    MonitoringSchedule,
    Pipeline,
    Resource,
    TrainingJob,
    Variant,
)
from mllens.scan.model.pyresolve import Call, Settings
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlMap

_FRAMEWORKS = frozenset({
    "Estimator", "Framework", "PyTorch", "TensorFlow", "SKLearn", "XGBoost", "HuggingFace", "MXNet", "Chainer",
    "RLEstimator", "AlgorithmEstimator", "ModelTrainer",
    # the SDK's own algorithms (sagemaker.amazon)
    "LinearLearner", "KMeans", "PCA", "FactorizationMachines", "NTM", "LDA", "RandomCutForest", "KNN", "IPInsights",
    "Object2Vec",
})  # fmt: skip
_MONITORS: dict[str, tuple[MonitoringPurpose, str]] = {
    "DefaultModelMonitor": ("data_quality", "DataQuality"), "ModelQualityMonitor": ("model_quality", "ModelQuality"),
    "ModelBiasMonitor": ("model_bias", "ModelBias"),
    "ModelExplainabilityMonitor": ("explainability", "ModelExplainability"),
}  # fmt: skip
_CHECKS: dict[str, MonitoringPurpose] = {
    "DataQualityCheckConfig": "data_quality", "ModelQualityCheckConfig": "model_quality",
    "DataBiasCheckConfig": "model_bias", "ModelBiasCheckConfig": "model_bias",
    "ModelExplainabilityCheckConfig": "explainability",
}  # fmt: skip
_LOCAL = ("local", "local_gpu")
# keywords only a SageMaker .deploy() takes: they name an untyped object's deploy (a parameter)
_DEPLOY_ONLY = ("initial_instance_count", "serverless_inference_config", "data_capture_config")


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _is_class(name: str, test: str) -> bool:
    """A constructor call of a class under `sagemaker` whose name passes `test`."""
    return name.startswith("sagemaker.") and "()" not in name and _last(name) == test


def _job(code: Code, call: Call, name: str) -> TrainingJob | None:
    kw = code.module.keywords(call)
    cls = _last(name)
    processing = cls.endswith("Processor")
    if cls == "ModelTrainer":
        return _trainer(code, call, kw)
    kind = code.at(kw, "instance_type", "train_instance_type")
    if kind.raw in _LOCAL:
        return None  # local mode: nothing is provisioned
    network = kw.get("network_config")
    net = network if isinstance(network, YamlMap) else YamlMap(call.line)
    where = net if processing else kw
    if processing and not isinstance(network, YamlMap):
        vpc = inter = isolation = (
            None if "network_config" in kw else Value.absent(code.file.path, call.line, "network_config")
        )
    else:
        vpc = code.at(where, "subnets")
        inter = code.at(where, "encrypt_inter_container_traffic")
        isolation = code.at(where, "enable_network_isolation")
    return TrainingJob(
        **code.base(call, service="SageMaker", type=cls, address=code.written(call)),
        processing=processing,
        key=code.at(kw, "volume_kms_key", "train_volume_kms_key"),
        output_key=code.at(kw, "output_kms_key"),
        instance_count=code.at(kw, "instance_count", "train_instance_count"),
        distribution=None if processing else code.at(kw, "distribution"),
        inter_node_encryption=inter,
        network_isolation=isolation,
        vpc=vpc,
        spot=None if processing else code.at(kw, "use_spot_instances", "train_use_spot_instances"),
        checkpoint=None if processing else code.at(kw, "checkpoint_s3_uri"),
        image=_image(code, call, kw, cls),
    )


# the generic estimator takes the image first in every SDK version (a Model took model_data
# first before v2, a Processor takes the role first, a framework class no image)
_IMAGE_FIRST = ("Estimator",)


def _image(code: Code, call: Call, kw: YamlMap, cls: str) -> Value | None:
    """The image a job or model runs (`image_uri=`, v1 `image_name=` / `image=`); None when not
    written: the SDK then picks the framework's own versioned image."""
    found = code.at(kw, "image_uri", "image_name", "image")
    if found.written:
        return found
    first = call.node.args[0] if call.node.args else None
    if cls in _IMAGE_FIRST and first is not None:
        return Value(code.module.value(first, call.scope, call.lines), code.file.path,
                     code.module.origin(first, call.scope, call.lines) or call.lines(first.lineno), "image_uri")
    return None


def _trainer(code: Code, call: Call, kw: YamlMap) -> TrainingJob:
    """ModelTrainer: its settings are grouped in Compute, Networking, CheckpointConfig ... objects."""

    def group(name: str) -> YamlMap:
        found = kw.get(name)
        return found if isinstance(found, YamlMap) else YamlMap(kw.line_of(name))

    compute, network = group("compute"), group("networking")
    return TrainingJob(
        **code.base(call, service="SageMaker", type="ModelTrainer", address=code.written(call)),
        key=code.at(compute, "volume_kms_key_id"),
        output_key=code.at(group("output_data_config"), "kms_key_id"),
        instance_count=code.at(compute, "instance_count"),
        distribution=code.at(kw, "distributed"),
        inter_node_encryption=code.at(network, "enable_inter_container_traffic_encryption"),
        network_isolation=code.at(network, "enable_network_isolation"),
        vpc=code.at(network, "subnets"),
        spot=code.at(compute, "enable_managed_spot_training"),
        checkpoint=code.at(group("checkpoint_config"), "s3_uri"),
    )


def _deployment(code: Code, call: Call) -> Deployment:
    kw = code.module.keywords(call)
    variant = Variant(
        instance_count=code.at(kw, "initial_instance_count"),
        instance_type=code.at(kw, "instance_type"),
        serverless=code.at(kw, "serverless_inference_config"),
    )
    return Deployment(
        **code.base(call, service="SageMaker", type="deploy", address=code.written(call)),
        key=code.at(kw, "kms_key"),
        variants=(variant,),
        capture=code.capture(kw, call),
        async_inference=code.at(kw, "async_inference_config"),
    )


def _updates_in_place(code: Code, call: Call, name: str) -> bool:
    """A Predictor's `update_endpoint(...)` (SDK v2), or `deploy(..., update_endpoint=True)` (v1):
    the endpoint is switched to the new model in place (a boto3 client's call is read by boto3_sagemaker)."""
    method = getattr(call.node.func, "attr", "")
    if "client(sagemaker)" in name or not any(t == "sagemaker" or t.startswith("sagemaker.")
                                               for t in code.module.imports.values()):
        return False
    flag = call.kw("update_endpoint")
    return method == "update_endpoint" or (
        method == "deploy" and isinstance(flag, ast.Constant) and flag.value is True)


def _monitor(code: Code, call: Call, cls: str, baselines: set[str]) -> MonitoringJob:
    kw = code.module.keywords(call)
    network = kw.get("network_config")
    inter = (
        code.at(network, "encrypt_inter_container_traffic")
        if isinstance(network, YamlMap)
        else Value.absent(code.file.path, call.line, "encrypt_inter_container_traffic")
    )
    baseline = (
        Value("suggest_baseline", code.file.path, call.line, "suggest_baseline")
        if cls in baselines
        else Value.absent(code.file.path, call.line, "suggest_baseline")
    )
    return MonitoringJob(
        **code.base(call, service="SageMaker Model Monitor", type=cls, address=code.written(call)),
        purpose=_MONITORS[cls][0],
        baseline=baseline,
        inter_container_encryption=inter,
    )


def _check_step(code: Code, call: Call, cls: str) -> MonitoringJob | None:
    kw = code.module.keywords(call)
    config = kw.get("quality_check_config", kw.get("clarify_check_config"))
    purpose = _CHECKS.get(config.cls) if isinstance(config, Settings) else None
    if purpose is None:
        return None
    return MonitoringJob(
        **code.base(call, service="SageMaker Pipelines", type=cls, address=code.written(call)),
        purpose=purpose,
        baseline=code.at(kw, "supplied_baseline_constraints", "supplied_baseline_statistics", "register_new_baseline"),
        inter_container_encryption=Value.absent(code.file.path, call.line, "network_config"),
    )


def _pipeline(code: Code, call: Call, steps: dict[str, Call]) -> Pipeline:
    def found(key: str, name: str) -> Value | None:
        if "any" not in steps:
            return None  # no step is written here: the steps are built elsewhere, not judged
        step = steps.get(key)
        if step is not None:
            return Value(name, code.file.path, step.line, name)
        # absent where it would be written: a retry policy on the first step, the rest at the pipeline
        return Value.absent(code.file.path, steps["any"].line if key == "retry" else call.line, name)

    return Pipeline(
        **code.base(call, service="SageMaker Pipelines", type="Pipeline", address=code.written(call)),
        gate=found("gate", "ConditionStep"),
        registers=found("register", "RegisterModel"),
        retries=found("retry", "retry_policies"),
    )


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    named = [(call, module.qualified(call)) for call in module.calls]
    named = [(call, name) for call, name in named if name or getattr(call.node.func, "attr", "") == "update_endpoint"]
    serverless = any(c.kw("serverless_inference_config") is not None for c, n in named if n.endswith(".deploy"))
    baselines = {_last(n.split("()", 1)[0]) for _, n in named if n.endswith("().suggest_baseline")}
    steps: dict[str, Call] = {}
    registrations: list[Call] = []
    for call, name in named:
        last = _last(name)
        if name.startswith("sagemaker.") and last == "ConditionStep":
            steps.setdefault("gate", call)
        if (name.startswith("sagemaker.") and last == "RegisterModel") or (
            last == "register" and (call.kw("approval_status") is not None or name.startswith("sagemaker."))
        ):
            steps.setdefault("register", call)
            registrations.append(call)
        if name.startswith("sagemaker.") and call.kw("retry_policies") is not None:
            steps.setdefault("retry", call)
        # a step of any SDK generation (sagemaker.workflow, sagemaker.mlops.workflow) or the @step decorator
        if (
            name.startswith("sagemaker.")
            and "()" not in name
            and (last.endswith(("Step", "RegisterModel")) or last == "step")
        ):
            steps.setdefault("any", call)
    for call, name in named:
        cls = _last(name)
        if (
            name.startswith("sagemaker.")
            and "()" not in name
            and (cls in _FRAMEWORKS or cls.endswith(("Estimator", "Processor")))
        ):
            job = _job(code, call, name)
            if job is not None:
                yield job
        elif name.endswith(".deploy") and (
            (name.startswith("sagemaker.") and name.endswith("().deploy")) or any(call.kw(k) for k in _DEPLOY_ONLY)
        ):
            yield _deployment(code, call)
        elif name.startswith("sagemaker.") and "()" not in name and cls.endswith("Model") and cls != "RegisterModel":
            kw = module.keywords(call)
            yield Model(
                **code.base(call, service="SageMaker", type=cls, address=code.written(call)),
                vpc=code.at(kw, "vpc_config"),
                serverless_only=serverless,
                images=tuple(i for i in [_image(code, call, kw, cls)] if i is not None),
            )
        elif _is_class(name, cls) and cls in _MONITORS:
            yield _monitor(code, call, cls, baselines)
        elif name.startswith("sagemaker.") and name.endswith("().create_monitoring_schedule"):
            monitor = _last(name.split("()", 1)[0])
            kind = _MONITORS.get(monitor, ("other", "DataQuality"))[1]
            yield MonitoringSchedule(
                **code.base(call, service="SageMaker Model Monitor", type=monitor, address=code.written(call)),
                monitoring_type=Value(kind, code.file.path, call.line, monitor),
            )
        elif _is_class(name, cls) and cls in ("QualityCheckStep", "ClarifyCheckStep"):
            check = _check_step(code, call, cls)
            if check is not None:
                yield check
        elif _is_class(name, cls) and cls == "Pipeline":
            yield _pipeline(code, call, steps)
        if _updates_in_place(code, call, name):
            yield Endpoint(**code.base(call, service="SageMaker", type="update_endpoint", address=code.written(call)),
                           rollout=in_place(code, call.line, "update_endpoint"))
        if call in registrations:
            kw = module.keywords(call)
            yield ModelVersion(
                **code.base(call, service="SageMaker Model Registry", type=cls, address=code.written(call)),
                approval=code.at(kw, "approval_status"),
            )
