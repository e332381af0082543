"""One construct call of a CDK app as a reader finds it (see mllens.scan.model.cdk)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mllens.scan.parse.yaml import YamlMap


@dataclass(frozen=True)
class Construct:
    """One construct call as written: `sagemaker.CfnEndpointConfig(self, "Id", ...)`."""

    written: str  # the class as written: sagemaker.CfnEndpointConfig
    cls: str  # CfnEndpointConfig
    module: str  # sagemaker (from the imports, or the qualifier)
    ident: str  # the construct id
    line: int
    props: YamlMap  # keys as the syntax spells them


def module_of(source: str) -> str:
    """`aws_cdk.aws_s3`, `aws-cdk-lib/aws-s3`, `aws_s3` -> `s3`."""
    tail = re.split(r"[./]", source)[-1]
    return tail.removeprefix("aws_").removeprefix("aws-").replace("-", "").replace("_", "")
