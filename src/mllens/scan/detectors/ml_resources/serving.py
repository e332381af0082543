"""How endpoints serve: capacity, instance types, capture, scaling, rollout, explanations."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import instance_generation
from mllens.scan.detectors.ml_resources.scaling import record_scaling
from mllens.scan.detectors.ml_resources.unwatched import record_watch
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Deployment,
    Endpoint,
    Model,
    ScalingTarget,
)
from mllens.scan.model.kubernetes import SERVING_NAMESPACE
from mllens.scan.model.values import Value
from mllens.scan.registry import rule


@rule()
def endpoint_data_capture(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        capture = deployment.capture
        if capture is None or deployment.serverless:
            continue  # Serverless Inference does not support data capture
        name = capture.block.name
        if not capture.block.written:
            if capture.required:
                ctx.contradicts(line=capture.block.line, message=f"{deployment.address} has no {name}")
            continue
        for flag in capture.enabled.each():  # per environment when set from a variable
            enabled = flag.as_bool()
            if enabled is False:
                if capture.required:
                    ctx.given(flag).contradicts(line=flag.line,
                                                message=f"{deployment.address} turns data capture off ({flag.name})")
            elif enabled or capture.on_by_default:
                ctx.given(flag).supports(line=capture.block.line,
                                         message=f"{deployment.address} captures requests and predictions ({name})")


@rule()
def serving_instance_count(ctx: FileContext) -> None:
    judged: set[int] = set()
    for deployment in state_of(ctx.file).of(Deployment):
        for variant in deployment.variants:
            for value in variant.instance_count.each():  # per environment when set from a variable
                count = value.as_int()
                if variant.shadow or variant.serverless.written or count is None:
                    continue  # a shadow, serverless capacity, or a value nothing resolves: not judged
                line = value.line
                judged.add(line)
                if count > 1:
                    ctx.given(value).supports(line=line, message=f"{deployment.address} serves from {count} instances")
                else:
                    ctx.given(value).contradicts(line=line, message=f"{deployment.address} serves from a single "
                                                                    f"instance ({value.name} = {count})")
    for target in state_of(ctx.file).of(ScalingTarget):
        low = target.min_capacity.as_int()
        if _serving(target) and low is not None and low > 1 and target.min_capacity.line not in judged:
            ctx.supports(line=target.min_capacity.line, message=f"{target.address} keeps at least {low} instances "
                                                                f"({target.min_capacity.name})")


@rule()
def serving_instance_types(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        for variant in deployment.variants:
            for kind in variant.instance_type.each():
                generation = instance_generation(kind.raw)
                if variant.shadow or generation == "other":
                    continue
                if generation == "old":
                    ctx.given(kind).contradicts(line=kind.line, message=f"{deployment.address} serves on a "
                                                f"previous-generation instance ({kind.name} = {kind.shown()})")
                else:
                    ctx.given(kind).supports(line=kind.line, message=f"{deployment.address} serves on a current or "
                                             f"purpose-built instance ({kind.name} = {kind.shown()})")


@rule()
def inference_mode(ctx: FileContext) -> None:
    for res in state_of(ctx.file).of(Endpoint, Deployment):
        if isinstance(res, Endpoint | Deployment) and res.batch is not None and res.batch.written:
            ctx.supports(line=res.batch.line, message=f"{res.address} scores in batch ({res.batch.name})")
    for deployment in state_of(ctx.file).of(Deployment):
        if deployment.async_inference is not None and deployment.async_inference.written:
            ctx.supports(line=deployment.async_inference.line,
                         message=f"{deployment.address} serves asynchronously ({deployment.async_inference.name})")
        for variant in deployment.variants:
            if not variant.shadow and variant.serverless.written:
                ctx.supports(line=variant.serverless.line,
                             message=f"{deployment.address} serves from serverless capacity "
                                     f"({variant.serverless.name})")


@rule()
def multi_model_endpoint(ctx: FileContext) -> None:
    for model in state_of(ctx.file).of(Model):
        for mode in model.container_modes:
            if str(mode.raw) == "MultiModel":
                ctx.supports(line=mode.line,
                             message=f"{model.address} hosts many models on one endpoint ({mode.name} = MultiModel)")


@rule()
def endpoint_autoscaling(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        scaling = deployment.scaling
        if scaling is not None and str(scaling.value.raw).lower() in {s.lower() for s in scaling.safe}:
            ctx.supports(line=scaling.value.line, message=f"{deployment.address} scales on utilisation "
                                                          f"({scaling.value.name} = {scaling.value.shown()})")
    for target in state_of(ctx.file).of(ScalingTarget):
        if not _serving(target):
            continue
        fixed = False
        for low_value, high_value in by_environment(target.min_capacity, target.max_capacity):
            low, high = low_value.as_int(), high_value.as_int()
            if low is not None and high is not None and high <= low:
                placed = high_value if high_value.note or not low_value.note else low_value
                ctx.given(placed).contradicts(line=placed.line,
                                              message=f"{target.address} registers the variant with "
                                                      f"{high_value.name} {high} <= {low_value.name} {low}")
            else:
                fixed = True  # this environment (or every one) may scale
        if fixed:
            what = {"sagemaker": "a SageMaker variant", "azureml": "an Azure ML online deployment",
                    "vertex_ai": "a Vertex AI deployment's replicas"}.get(
                str(target.namespace.raw).lower(), "its serving pods")
            ctx.supports(line=target.line, message=f"{target.address} scales {what} with demand")
    record_scaling(ctx, state_of(ctx.file))  # whether a policy scales it: endpoint_scaling_policy
    record_watch(ctx)  # what scales, alarms on and monitors IaC endpoints: unwatched_endpoints


def by_environment(first: Value, second: Value) -> list[tuple[Value, Value]]:
    """The two values as each environment deploys them (`Value.each()`, paired by the
    environments their resolutions name; a value with no environments holds in all), one pair
    per distinct pairing."""
    firsts, seconds = first.each(), second.each()
    if len(firsts) == 1 and len(seconds) == 1:
        return [(firsts[0], seconds[0])]
    envs = sorted({o.env for v in (*firsts, *seconds) for o in v.origins if o.env})
    pairs: list[tuple[Value, Value]] = []
    for env in envs or [""]:
        pair = (_in(firsts, env), _in(seconds, env))
        if pair[0] is not None and pair[1] is not None and pair not in pairs:
            pairs.append((pair[0], pair[1]))
    return pairs


def _in(values: tuple[Value, ...], env: str) -> Value | None:
    """The value `env` deploys: its own, else one that holds in every environment."""
    own = next((v for v in values if any(o.env == env for o in v.origins)), None) if env else None
    return own or next((v for v in values if not v.envs), None)


def _serving(target: ScalingTarget) -> bool:
    """A target that scales serving capacity (not a table's or a stream's)."""
    return str(target.namespace.raw).lower() in ("sagemaker", "azureml", "vertex_ai", SERVING_NAMESPACE)


@rule()
def safe_rollout(ctx: FileContext) -> None:
    for endpoint in state_of(ctx.file).of(Endpoint):
        rollout = endpoint.rollout
        if rollout is None:
            continue
        if rollout.rolling.written:
            ctx.supports(line=rollout.rolling.line,
                         message=f"{endpoint.address} updates in rolling batches ({rollout.rolling.name})")
            continue
        kind = str(rollout.traffic_type.raw).upper()
        if kind in ("CANARY", "LINEAR"):
            ctx.supports(line=rollout.traffic_type.line, message=f"{endpoint.address} shifts traffic by "
                                                                 f"{kind.lower()} steps ({rollout.traffic_type.name})")
        elif kind == "BLUE_GREEN":  # a blue/green switch the rollout controller promotes (Argo Rollouts)
            ctx.supports(line=rollout.traffic_type.line, message=f"{endpoint.address} switches traffic blue/green "
                                                                 f"({rollout.traffic_type.name})")
        elif rollout.auto_rollback.written:
            ctx.supports(line=rollout.auto_rollback.line, confidence=0.7,
                         message=f"{endpoint.address} rolls back automatically on alarms "
                                 f"({rollout.auto_rollback.name})")
        elif kind == "ALL_AT_ONCE":
            ctx.contradicts(line=rollout.traffic_type.line,
                            message=f"{endpoint.address} shifts all traffic at once with no automatic rollback")


@rule()
def online_explainer(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        if deployment.explainer is not None and deployment.explainer.written:
            ctx.supports(line=deployment.explainer.line,
                         message=f"{deployment.address} returns explanations with predictions "
                                 f"({deployment.explainer.name})")
