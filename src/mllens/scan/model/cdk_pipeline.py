"""CDK CodePipeline pipelines (`new codepipeline.Pipeline(this, id, {stages})` and
`pipeline.addStage({stageName, actions})`) in the shape of AWS::CodePipeline::Pipeline, so the
CloudFormation mapping (`delivery.cloudformation_pipeline`) reads them. The readers hand each
action construct (`new codepipeline_actions.ManualApprovalAction({...})`, inline or through a
variable) over as its props plus its class under ACTION_CLASS."""

from __future__ import annotations

from typing import Any

from mllens.scan.detectors._iac import MISSING
from mllens.scan.parse.yaml import YamlMap, YamlSeq

ACTION_CLASS = "$action"  # not a property name CDK or CloudFormation can spell

# action class -> (category, provider) as CloudFormation's ActionTypeId spells them
_ACTIONS = {
    "ManualApprovalAction": ("Approval", "Manual"),
    "CodeBuildAction": ("Build", "CodeBuild"),
    "S3SourceAction": ("Source", "S3"),
    "EcrSourceAction": ("Source", "ECR"),
    "CodeCommitSourceAction": ("Source", "CodeCommit"),
    "GitHubSourceAction": ("Source", "GitHub"),
    "CodeStarConnectionsSourceAction": ("Source", "CodeStarSourceConnection"),
    "BitBucketSourceAction": ("Source", "CodeStarSourceConnection"),
    "CloudFormationCreateUpdateStackAction": ("Deploy", "CloudFormation"),
    "CloudFormationCreateReplaceChangeSetAction": ("Deploy", "CloudFormation"),
    "CloudFormationExecuteChangeSetAction": ("Deploy", "CloudFormation"),
    "CloudFormationDeployStackSetAction": ("Deploy", "CloudFormationStackSet"),
    "CloudFormationDeployStackInstancesAction": ("Deploy", "CloudFormationStackInstances"),
    "CodeDeployServerDeployAction": ("Deploy", "CodeDeploy"),
    "CodeDeployEcsDeployAction": ("Deploy", "CodeDeployToECS"),
    "EcsDeployAction": ("Deploy", "ECS"),
    "S3DeployAction": ("Deploy", "S3"),
    "ElasticBeanstalkDeployAction": ("Deploy", "ElasticBeanstalk"),
    "LambdaInvokeAction": ("Invoke", "Lambda"),
    "StepFunctionInvokeAction": ("Invoke", "StepFunctions"),
}  # fmt: skip


def is_action(cls: str) -> bool:
    return cls in _ACTIONS


def _put(out: YamlMap, key: str, value: Any, line: int) -> None:
    out[key] = value
    out.key_lines[key] = line


def _action(item: Any, line: int, member: Any) -> YamlMap | None:
    """One action (props in CloudFormation spelling) as a CloudFormation action; None for a
    reference the file does not resolve (an action built elsewhere: not known)."""
    if not isinstance(item, YamlMap) or not isinstance(item.get(ACTION_CLASS), str):
        return None
    category, provider = _ACTIONS[item[ACTION_CLASS]]
    if provider == "CodeBuild" and member(item.get("Type")) == "TEST":  # CodeBuildActionType.TEST
        category = "Test"
    out = YamlMap(item.line)
    name = item.get("ActionName", MISSING)
    if name is not MISSING:
        _put(out, "Name", name, item.line_of("ActionName"))
    kind = YamlMap(item.line)
    _put(kind, "Category", category, item.line)
    _put(kind, "Provider", provider, item.line)
    _put(out, "ActionTypeId", kind, item.line)
    config = YamlMap(item.line)  # the action's configuration as CloudFormation names it
    for key, name in (("ImageTag", "ImageTag"), ("BucketKey", "S3ObjectKey"), ("Branch", "BranchName")):
        if key in item:
            _put(config, name, item[key], item.line_of(key))
    _put(out, "Configuration", config, item.line)
    return out


def pipeline(props: YamlMap, member: Any) -> YamlMap:
    """`codepipeline.Pipeline` props (stages given and added, CloudFormation spelling) as
    AWS::CodePipeline::Pipeline properties; `member` reads an enum reference."""
    out = YamlMap(props.line)
    stages = props.get("Stages")
    if not isinstance(stages, YamlSeq):
        return out
    seq = YamlSeq(stages.line)
    for stage, line in zip(stages, stages.item_lines, strict=False):
        if not isinstance(stage, YamlMap):
            continue
        shaped = YamlMap(stage.line)
        if "StageName" in stage:
            _put(shaped, "Name", stage["StageName"], stage.line_of("StageName"))
        actions, acts = stage.get("Actions"), YamlSeq(stage.line)
        for item, at in zip(actions, actions.item_lines, strict=False) if isinstance(actions, YamlSeq) else ():
            found = _action(item, at, member)
            if found is not None:
                acts.append(found)
                acts.item_lines.append(found.line)
        _put(shaped, "Actions", acts, stage.line)
        seq.append(shaped)
        seq.item_lines.append(line)
    _put(out, "Stages", seq, props.line_of("Stages"))
    return out


def add_action(stage: YamlMap, action: Any, line: int) -> None:
    """`stage.addAction(action)` on the stage `addStage` returned (CDK props spelling)."""
    seq = stage.get("actions")
    if not isinstance(seq, YamlSeq):
        seq = YamlSeq(line)
        _put(stage, "actions", seq, line)
    seq.append(action)
    seq.item_lines.append(line)


def add_stage(props: YamlMap, stage: YamlMap, line: int) -> None:
    """`pipeline.addStage({...})`: the stage after those the pipeline has (as written: CDK
    props spelling)."""
    key = "stages" if "stages" in props or "Stages" not in props else "Stages"
    seq = props.get(key)
    if not isinstance(seq, YamlSeq):
        seq = YamlSeq(line)
        _put(props, key, seq, line)
    seq.append(stage)
    seq.item_lines.append(line)
