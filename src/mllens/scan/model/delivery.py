"""CodePipeline pipelines into the resource model (`kinds_delivery`), from CloudFormation
(`AWS::CodePipeline::Pipeline`: Stages[].Actions[].ActionTypeId) and Terraform
(`aws_codepipeline`: stage { action { category provider } }). Both readers hand over the
resource's base fields and its root node; the stage and action shape is the same."""

from __future__ import annotations

from typing import Any

from mllens.scan.detectors._iac import MISSING, Node, is_reference
from mllens.scan.model.kinds_delivery import ReleaseAction, ReleasePipeline, ReleaseStage


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""  # a reference or an intrinsic function: not known here


def _stages(root: Node, *, stages: str, actions: str, name: str, kind: str | None) -> tuple[ReleaseStage, ...]:
    out = []
    for stage in root.children(stages):
        acts = []
        for action in stage.children(actions):
            spec = action.child(kind) if kind else action
            if spec is None:
                continue
            provider = _text(spec.get(_key(spec, "provider")))
            acts.append(ReleaseAction(name=_text(action.get(name)), category=_text(spec.get(_key(spec, "category"))),
                                      provider=provider, line=action.line, image_tag=_image_tag(action, provider),
                                      object_key=_object_key(action, provider)))
        out.append(ReleaseStage(name=_text(stage.get(name)), line=stage.line, actions=tuple(acts)))
    return tuple(out)


def _image_tag(action: Node, provider: str) -> str | None:
    """The tag an ECR source follows: its ImageTag, "latest" (the service's default) when unset."""
    if provider != "ECR":
        return None
    config = action.child(_key(action, "configuration"))
    tag = config.get("ImageTag") if config is not None else MISSING
    if tag is MISSING or tag is None:
        return "latest"
    return tag if isinstance(tag, str) and not is_reference(tag) else None


def _object_key(action: Node, provider: str) -> str | None:
    config = action.child(_key(action, "configuration")) if provider == "S3" else None
    key = config.get("S3ObjectKey") if config is not None else None
    return key if isinstance(key, str) and not is_reference(key) else None


def _key(node: Node, lower: str) -> str:
    """CloudFormation spells `Category`, Terraform `category`."""
    return lower if node.has(lower) else lower.capitalize()


def cloudformation_pipeline(base: dict[str, Any], props: Node) -> ReleasePipeline:
    return ReleasePipeline(**base, stages=_stages(props, stages="Stages", actions="Actions", name="Name",
                                                  kind="ActionTypeId"))


def terraform_pipeline(base: dict[str, Any], body: Node) -> ReleasePipeline:
    return ReleasePipeline(**base, stages=_stages(body, stages="stage", actions="action", name="name", kind=None))
