"""Endpoints declared as infrastructure that nothing in the project scales, alarms on or
monitors. Scaling targets, alarms and monitoring schedules may sit in any file (another
template, a Terraform module, SDK code), so `record_watch` (called by endpoint_autoscaling)
records them as facts and the project rule decides once every file has been read."""

from __future__ import annotations

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Alarm, Deployment, Endpoint, MonitoringSchedule, ScalingTarget
from mllens.scan.registry import rule

ENDPOINT_FACT, WATCH_FACT = "ml_resources.iac_endpoint", "ml_resources.endpoint_watch"
_IAC = ("terraform", "cloudformation")


def _sagemaker(rtype: str) -> bool:
    return rtype.startswith(("aws_sagemaker_", "AWS::SageMaker::"))


def record_watch(ctx: FileContext) -> None:
    """Facts for unwatched_endpoints (called by endpoint_autoscaling, which reads every file of the model)."""
    state = state_of(ctx.file)
    for deployment in state.of(Deployment):
        if deployment.syntax not in _IAC or not _sagemaker(deployment.type) or deployment.serverless:
            continue  # SageMaker endpoint configurations declared as infrastructure, on instances
        variant = next((v for v in deployment.variants if not v.shadow), None)
        ctx.fact(ENDPOINT_FACT, {"file": ctx.file.path, "line": deployment.line, "address": deployment.address,
                                 "count_line": variant.instance_count.line if variant else deployment.line,
                                 "kind": "configuration"})
    for endpoint in state.of(Endpoint):
        if endpoint.syntax in _IAC and _sagemaker(endpoint.type):
            ctx.fact(ENDPOINT_FACT, {"file": ctx.file.path, "line": endpoint.line, "address": endpoint.address,
                                     "count_line": endpoint.line, "kind": "endpoint"})
    for target in state.of(ScalingTarget):
        if str(target.namespace.raw).lower() == "sagemaker" or target.namespace.kind == "reference":
            ctx.fact(WATCH_FACT, "scaling")
    if any(True for _ in state.of(Alarm)):
        ctx.fact(WATCH_FACT, "alarm")
    if any(True for _ in state.of(MonitoringSchedule)):
        ctx.fact(WATCH_FACT, "monitoring")


@rule(scope="project")
def unwatched_endpoints(ctx: ProjectContext) -> None:
    watched = set(ctx.facts_of(WATCH_FACT))
    endpoints = list(ctx.facts_of(ENDPOINT_FACT))
    configs = [e for e in endpoints if e["kind"] == "configuration"]
    served = [e for e in endpoints if e["kind"] == "endpoint"] or configs
    if "scaling" not in watched:
        for item in configs:
            ctx.contradicts(file=item["file"], line=item["count_line"], check="endpoint_autoscaling", confidence=0.6,
                            message=f"{item['address']} serves from a fixed instance count and no scalable target "
                                    "in the project names a SageMaker endpoint")
    for missing, check, what in (("alarm", "serving_alarms", "no CloudWatch alarm"),
                                 ("monitoring", "model_monitoring_schedule", "no model monitoring schedule")):
        if missing in watched:
            continue
        for item in served:
            ctx.contradicts(file=item["file"], line=item["line"], check=check, confidence=0.6,
                            message=f"{item['address']} is declared as infrastructure, but {what} is declared "
                                    "anywhere in the project")
