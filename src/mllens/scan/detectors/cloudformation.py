"""CloudFormation and SAM judgements not yet moved onto the resource model: alarms, the
registry's approval, idle shutdown, pipeline triggers and online explanations.

The ML services' resources (keys, networking, root access, capture, instances, monitoring,
rollout ...) are judged once over the model, for every syntax, by the ml_resources family;
storage, keys, IAM, logging, budgets and tags are the cloudformation_platform family. Values
written with intrinsic functions (`!Ref`, `!GetAtt`, `!Sub` ...) are references, not judged.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._cfn import resources
from mllens.scan.registry import rule

_SM = "AWS::SageMaker::"


_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)
_MONITOR_METRICS = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation", re.IGNORECASE)


_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def online_explainer(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        if res.props.has("ExplainerConfig"):
            ctx.supports(line=res.props.line_of("ExplainerConfig"),
                         message=f"{res.address} returns explanations with predictions (ExplainerConfig)")
