"""Delivery pipelines declared as infrastructure (AWS CodePipeline): their stages in order
and the actions of each, so a judgement can see what is built, tested, approved and
deployed, and in which order, whichever syntax declared the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from mllens.scan.model.kinds import Resource


@dataclass(frozen=True, kw_only=True)
class ReleaseAction:
    name: str
    category: str  # Source, Build, Test, Deploy, Approval, Invoke (as the service spells them)
    provider: str  # Manual, CodeBuild, CloudFormation, Lambda, ... ("" when given by a reference)
    line: int
    # the image tag an ECR source action follows ("latest" when none is set); None: not an ECR
    # source, or the tag is a reference not known here
    image_tag: str | None = None
    # the object key an S3 source action watches; None: not an S3 source, or not known here
    object_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReleaseStage:
    name: str
    line: int
    actions: tuple[ReleaseAction, ...] = ()

    def has(self, *categories: str) -> bool:
        return any(a.category in categories for a in self.actions)


@dataclass(frozen=True, kw_only=True)
class ReleasePipeline(Resource):
    """A pipeline of stages run in order, each of actions (CodePipeline)."""

    stages: tuple[ReleaseStage, ...] = ()
