"""CDK apps in TypeScript: `new x.Y(this, 'Id', {...})` read with tree-sitter, never compiled."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING as MISSING_RAW
from mllens.scan.model import state_of
from mllens.scan.model.cdk_typescript import read
from mllens.scan.model.kinds import DataStore, Deployment, Key, Notebook

APP = """\
import * as cdk from 'aws-cdk-lib';
import { aws_s3 as s3, aws_kms as kms } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

const count = 3;
const keyArn = `arn:aws:kms:eu-west-1:111122223333:key/${cdk.Aws.ACCOUNT_ID}`;

export class Serving extends cdk.Stack {
  constructor(scope: cdk.App, id: string, props: { subnet: string }) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, keySpec: kms.KeySpec.SYMMETRIC_DEFAULT });
    new CfnEndpointConfig(this, 'Config', {
      kmsKeyId: keyArn,
      productionVariants: [
        { initialInstanceCount: count, variantName: 'a' },
        { initialInstanceCount: (2 as number), variantName: 'b', serverlessConfig: { maxConcurrency: 5 } },
      ],
      ...more,
    });
    new sagemaker.CfnNotebookInstance(this, 'Nb', {
      instanceType: 'ml.t3.medium',
      directInternetAccess: "Disabled",
      subnetId: props.subnet,
      kmsKeyId: key.keyArn,
    });
    new s3.Bucket(this, 'Data', {
      encryptionKey: key,
      versioned: true,
      blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: true, blockPublicPolicy: false }),
    });
    new Date(1, 2);
  }
}
"""


def _file(text: str = APP) -> ParsedFile:
    return ParsedFile("lib/serving-stack.ts", "text", text)


def test_constructs_in_the_order_written_with_their_modules() -> None:
    assert [(c.written, c.module, c.ident, c.line) for c in read(_file())] == [
        ("kms.Key", "kms", "Key", 12),
        ("CfnEndpointConfig", "sagemaker", "Config", 13),
        ("sagemaker.CfnNotebookInstance", "sagemaker", "Nb", 21),
        ("s3.Bucket", "s3", "Data", 27),
        ("Date", "", "${2}", 32),
    ]


def test_props_map_as_cloudformation_properties() -> None:
    state = state_of(_file())
    (key,) = state.of(Key)
    assert key.rotation is not None and key.rotation.value.raw is True
    assert key.spec is not None and key.spec.raw == "SYMMETRIC_DEFAULT"
    (config,) = state.of(Deployment)
    # a template string with a substitution is not a literal: a reference, not a missing key
    assert config.key is not None and config.key.kind == "reference" and config.key.line == 14
    assert [(v.instance_count.raw, v.instance_count.line) for v in config.variants] == [(3, 16), (2, 17)]
    assert [v.serverless.written for v in config.variants] == [False, True]
    (notebook,) = state.of(Notebook)
    assert notebook.internet_access is not None and notebook.internet_access.value.raw == "Disabled"
    assert notebook.subnet is not None and notebook.subnet.raw == "${props.subnet}"
    assert notebook.key is not None and notebook.key.kind == "reference" and notebook.key.line == 25
    (bucket,) = state.of(DataStore)
    assert bucket.encryption is not None and bucket.encryption.algorithm.raw == "aws:kms"
    assert bucket.encryption.key.raw == "${key}"  # a construct, not a literal: not followed
    assert bucket.public_block is not None
    assert [f.raw for f in bucket.public_block.flags] == [True, False, MISSING_RAW, MISSING_RAW]


def test_a_file_that_does_not_import_the_cdk_maps_to_nothing() -> None:
    assert state_of(_file(APP.replace("aws-cdk-lib", "other-lib"))).resources == ()
    assert state_of(ParsedFile("lib/app.js", "text", APP)).resources == ()  # .ts only
