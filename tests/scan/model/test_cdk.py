"""The CDK adapter's shared part: prop names, L2 constructs in CloudFormation's shape, dispatch."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING
from mllens.scan.model import state_of
from mllens.scan.model.cdk import as_cfn, cfn_shape, enum_member, is_cdk_app, pascal
from mllens.scan.model.cdk_construct import Construct, module_of
from mllens.scan.model.kinds import DataStore
from mllens.scan.parse.yaml import YamlMap


def _props(line: int, **items: object) -> YamlMap:
    out = YamlMap(line)
    for i, (key, value) in enumerate(items.items()):
        out[key] = value
        out.key_lines[key] = line + i
    return out


def test_prop_names_become_cloudformation_names() -> None:
    assert pascal("kms_key_id") == "KmsKeyId"
    assert pascal("kmsKeyId") == "KmsKeyId"
    assert pascal("initial_instance_count") == "InitialInstanceCount"
    assert pascal("kms_master_key_id") == "KMSMasterKeyID"  # not the plain PascalCase
    assert pascal("sseAlgorithm") == "SSEAlgorithm"


def test_nested_props_keep_their_lines() -> None:
    inner = _props(5, initial_instance_count=2)
    shaped = cfn_shape(_props(3, kms_key_id="k", data_capture_config=inner))
    assert shaped.key_lines == {"KmsKeyId": 3, "DataCaptureConfig": 4}
    assert shaped["DataCaptureConfig"].key_lines == {"InitialInstanceCount": 5}


def test_modules_from_imports_and_enum_members() -> None:
    assert module_of("aws_cdk.aws_s3") == "s3"
    assert module_of("aws-cdk-lib/aws-applicationautoscaling") == "applicationautoscaling"
    assert module_of("aws_sagemaker") == "sagemaker"
    assert enum_member("${s3.BucketEncryption.KMS}") == "KMS"
    assert enum_member("${props.key}") == "key"  # shaped like one; only a known member is mapped
    assert enum_member(True) is None


def test_l1_constructs_are_their_cloudformation_types() -> None:
    res = as_cfn(Construct("sagemaker.CfnModelPackageGroup", "CfnModelPackageGroup", "sagemaker", "Group", 4,
                           _props(4, model_package_group_name="g")))
    assert res is not None and res.type == "AWS::SageMaker::ModelPackageGroup"
    assert res.at("ModelPackageGroupName") == ("g", 4)
    assert as_cfn(Construct("lambda_.CfnFunction", "CfnFunction", "lambda", "F", 1, YamlMap(1))) is None
    assert as_cfn(Construct("sns.Topic", "Topic", "sns", "T", 1, YamlMap(1))) is None


def test_an_l2_bucket_synthesises_its_settings() -> None:
    props = _props(7, encryption="${s3.BucketEncryption.KMS}", encryption_key="${key}", versioned=True,
                   block_public_access="${s3.BlockPublicAccess.BLOCK_ACLS}")
    res = as_cfn(Construct("s3.Bucket", "Bucket", "s3", "Data", 6, props))
    assert res is not None and res.type == "AWS::S3::Bucket"
    default = "BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault"
    assert res.at(f"{default}.SSEAlgorithm") == ("aws:kms", 7)
    assert res.at(f"{default}.KMSMasterKeyID") == ("${key}", 7)
    assert res.at("VersioningConfiguration.Status") == ("Enabled", 9)
    assert res.at("PublicAccessBlockConfiguration.BlockPublicPolicy") == (False, 10)
    assert res.at("PublicAccessBlockConfiguration.IgnorePublicAcls") == (True, 10)


def test_an_l2_bucket_with_nothing_written_keeps_it_absent() -> None:
    res = as_cfn(Construct("s3.Bucket", "Bucket", "s3", "Data", 6, YamlMap(6)))
    assert res is not None
    assert res.at("VersioningConfiguration.Status") == (MISSING, 6)
    assert not res.props.has("PublicAccessBlockConfiguration")  # not judged, as in a template


def test_only_cdk_apps_are_read() -> None:
    assert is_cdk_app(ParsedFile("app.py", "python", "from aws_cdk import Stack\n"))
    assert not is_cdk_app(ParsedFile("train.py", "python", "import boto3\n"))
    assert is_cdk_app(ParsedFile("lib/stack.ts", "text", "import * as cdk from 'aws-cdk-lib';\n"))
    assert not is_cdk_app(ParsedFile("run.sh", "text", "echo aws-cdk-lib\n"))
    # a Python file that is not an app is never parsed for the model
    assert state_of(ParsedFile("train.py", "python", "import boto3\n", parser=lambda _: 1 / 0)).resources == ()


def test_an_l2_bucket_reaches_the_model() -> None:
    text = ("from aws_cdk import aws_s3 as s3\n"
            "s3.Bucket(self, 'Data', versioned=False)\n")
    from mllens.scan.parse import parse

    (bucket,) = state_of(ParsedFile("app.py", "python", text, parse("python", text))).of(DataStore)
    assert bucket.address == "Data (s3.Bucket)"
    assert bucket.versioning is not None and bucket.versioning.value.raw == "Suspended"


def test_resources_of_a_cdk_app_say_so() -> None:
    """Messages name the syntax a resource was written in: the app, not the template it becomes."""
    text = ("from aws_cdk import aws_sagemaker as sagemaker\n"
            "sagemaker.CfnModel(self, 'M', execution_role_arn='arn')\n")
    from mllens.scan.parse import parse

    (model,) = state_of(ParsedFile("app.py", "python", text, parse("python", text))).resources
    assert model.syntax == "cdk" and model.ml
