"""CDK CodePipeline pipelines (TypeScript and Python) read into the release-pipeline model:
stages given to the constructor and added later, actions inline and through variables."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds_delivery import ReleasePipeline
from mllens.scan.parse import parse

TS = """\
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import { imported } from './actions';

const image = new actions.EcrSourceAction({ actionName: 'Image', repository: repo, imageTag: 'latest', output: a });
const pipeline = new codepipeline.Pipeline(this, 'Train', {
  stages: [{ stageName: 'Source', actions: [image, imported,
    new actions.S3SourceAction({ actionName: 'Data', bucket: b, bucketKey: 'train/data.csv', output: d })] }],
});
pipeline.addStage({ stageName: 'Train', actions: [new actions.CodeBuildAction({ actionName: 'Fit', project: p })] });
pipeline.addStage({
  stageName: 'Check',
  actions: [new actions.CodeBuildAction({ actionName: 'Eval', type: actions.CodeBuildActionType.TEST, project: p })],
});
other.addStage({ stageName: 'Never', actions: [image] });
"""

PY = """\
from aws_cdk import aws_codepipeline as codepipeline, aws_codepipeline_actions as actions

approve = actions.ManualApprovalAction(action_name="Approve")
pipe = codepipeline.Pipeline(self, "Release")
pipe.add_stage(stage_name="Source", actions=[actions.CodeCommitSourceAction(action_name="Code", output=o)])
pipe.add_stage(stage_name="Gate", actions=[approve])
pipe.add_stage(stage_name="DeployProd", actions=[
    actions.LambdaInvokeAction(action_name="Update", lambda_=fn),
    actions.EcsDeployAction(action_name="Serve", service=s, input=o),
])
"""


def _pipeline(file: ParsedFile) -> ReleasePipeline:
    [found] = state_of(file).of(ReleasePipeline)
    return found


def _shape(pipe: ReleasePipeline) -> list[tuple[str, list[tuple[str, str, str, int]]]]:
    return [(s.name, [(a.name, a.category, a.provider, a.line) for a in s.actions]) for s in pipe.stages]


def test_typescript_stages_inline_and_added_in_order() -> None:
    pipe = _pipeline(ParsedFile("lib/train-stack.ts", "text", TS))
    assert (pipe.syntax, pipe.line) == ("cdk", 6)
    # the imported action is not known here (left out); the stage added to `other` is not this pipeline's
    assert _shape(pipe) == [
        ("Source", [("Image", "Source", "ECR", 5), ("Data", "Source", "S3", 8)]),
        ("Train", [("Fit", "Build", "CodeBuild", 10)]),
        ("Check", [("Eval", "Test", "CodeBuild", 13)]),
    ]
    image, data = pipe.stages[0].actions
    assert (image.image_tag, image.object_key, data.image_tag, data.object_key) == ("latest", None, None,
                                                                                   "train/data.csv")


def test_python_add_stage_with_variables() -> None:
    pipe = _pipeline(ParsedFile("app.py", "python", PY, parse("python", PY)))
    assert pipe.address == "Release (codepipeline.Pipeline)"
    assert _shape(pipe) == [
        ("Source", [("Code", "Source", "CodeCommit", 5)]),
        ("Gate", [("Approve", "Approval", "Manual", 3)]),
        ("DeployProd", [("Update", "Invoke", "Lambda", 8), ("Serve", "Deploy", "ECS", 9)]),
    ]


def test_a_pipeline_of_no_stages_and_other_constructs_are_no_release_pipeline_stages() -> None:
    text = "from aws_cdk import aws_codepipeline as codepipeline\np = codepipeline.Pipeline(self, 'Empty')\n"
    assert _pipeline(ParsedFile("app.py", "python", text, parse("python", text))).stages == ()
    text = "import aws_cdk\nx = actions.ManualApprovalAction(action_name='A')\nq.add_stage(actions=[x])\n"
    assert list(state_of(ParsedFile("app.py", "python", text, parse("python", text))).of(ReleasePipeline)) == []


def test_actions_added_to_a_stage_that_add_stage_returned() -> None:
    ts = """\
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
const pipeline = new codepipeline.Pipeline(this, 'Release');
const gate = pipeline.addStage({ stageName: 'Gate' });
gate.addAction(new actions.ManualApprovalAction({ actionName: 'Approve' }));
unknown.addAction(new actions.ManualApprovalAction({ actionName: 'Other' }));
"""
    py = """\
from aws_cdk import aws_codepipeline as codepipeline, aws_codepipeline_actions as actions
pipeline = codepipeline.Pipeline(self, "Release")
gate = pipeline.add_stage(stage_name="Gate")
gate.add_action(actions.ManualApprovalAction(action_name="Approve"))
unknown.add_action(actions.ManualApprovalAction(action_name="Other"))
"""
    expected = [("Gate", [("Approve", "Approval", "Manual", 5)])]
    assert _shape(_pipeline(ParsedFile("lib/release.ts", "text", ts))) == expected
    assert _shape(_pipeline(ParsedFile("release.py", "python", py, parse("python", py)))) == [
        ("Gate", [("Approve", "Approval", "Manual", 4)])]
