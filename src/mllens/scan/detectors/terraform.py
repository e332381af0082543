"""Terraform judgements not yet moved onto the resource model: private endpoints, alarms,
the registry's approval events, idle shutdown, spot compute and pipeline triggers.

The ML services' resources (keys, networking, root access, capture, instances, monitoring,
rollout ...) are judged once over the model, for every syntax, by the ml_resources family;
storage, keys, IAM and cost controls are the terraform_platform family. Rules here read
resource blocks through `_tf.resources`; values from variables or other resources are not
guessed at, and module calls are not followed.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._tf import resources
from mllens.scan.registry import rule

# Only the runtime endpoint carries InvokeEndpoint traffic; sagemaker.api is the control plane.
_RUNTIME_ENDPOINT = re.compile(r"sagemaker\.runtime|runtime\.sagemaker|aiplatform", re.IGNORECASE)


@rule()
def private_endpoints(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_vpc_endpoint"):
        name, line = block.at("service_name")
        if _RUNTIME_ENDPOINT.search(str(name)):
            ctx.supports(line=line,
                         message=f"{block.address} reaches the inference runtime through a VPC interface endpoint")
    for block in resources(ctx.file, "google_vertex_ai_endpoint"):
        keys = [k for k in ("private_service_connect_config", "network") if block.node.has(k)]
        if keys:
            ctx.supports(line=block.node.line_of(keys[0]),
                         message=f"{block.address} is reachable only privately ({keys[0]})")
    for block in resources(ctx.file, "azurerm_private_endpoint"):
        if "amlworkspace" in str(block.node.data.get("private_service_connection", "")):
            ctx.supports(line=block.line, message=f"{block.address} connects to the ML workspace over Private Link")


_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)


_MONITOR_NAMESPACE = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation",
                                re.IGNORECASE)


_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def spot_training(ctx: FileContext) -> None:
    for block in resources(ctx.file, "azurerm_machine_learning_compute_cluster"):
        value, line = block.at("vm_priority")
        if str(value) == "LowPriority":
            ctx.supports(line=line, message=f"{block.address} runs on low-priority (spot) capacity")


_PIPELINE_ARN = re.compile(r"sagemaker.*pipeline|sagemaker_pipeline|startPipelineExecution", re.IGNORECASE)
