"""IAM statements normalised from every encoding: policy document blocks, jsonencode, heredoc
JSON, CloudFormation PolicyDocuments; bucket policies; attachments and role bindings."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds_platform import IdentityPolicy, TagDefaults
from mllens.scan.parse import parse

TF = """\
provider "aws" {
  default_tags {
    tags = { team = "ml" }
  }
}

data "aws_iam_policy_document" "doc" {
  statement {
    effect  = "Deny"
    actions = [
      "sagemaker:CreateTrainingJob",
    ]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "sagemaker:VpcSubnets"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      NotAction = "iam:*"
      Resource  = "*"
    }]
  })
}

resource "aws_s3_bucket_policy" "tls" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
EOF
}

resource "aws_iam_role" "r" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  inline_policy {
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
  }
}

resource "google_project_iam_member" "owner" {
  role = "roles/owner"
}
"""

CFN = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: !Sub "${Bucket.Arn}/*"
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Condition: {Bool: {aws:SecureTransport: "false"}}
"""


def _policies(path: str, kind: str, text: str) -> dict[str, IdentityPolicy]:
    state = state_of(ParsedFile(path, kind, text, parse(kind, text)))
    return {p.address: p for p in state.of(IdentityPolicy)}


def test_a_policy_document_block_keeps_each_key_and_action_line() -> None:
    doc = _policies("iam.tf", "terraform", TF)["data.aws_iam_policy_document.doc"]
    (statement,) = doc.statements
    assert doc.use == "document"
    assert (statement.effect, statement.line, statement.resources) == ("Deny", 8, ("*",))
    assert [(a.raw, a.line) for a in statement.actions] == [("sagemaker:CreateTrainingJob", 11)]
    conditions = [(c.operator, c.key, c.values) for c in statement.conditions]
    assert conditions == [("Null", "sagemaker:VpcSubnets", ("true",))]
    assert statement.condition_line == 14


def test_jsonencode_and_heredoc_policies_sit_at_their_attribute() -> None:
    policies = _policies("iam.tf", "terraform", TF)
    (inline,) = policies["aws_iam_role_policy.inline"].statements
    assert (inline.effect, inline.line, inline.action_names) == ("Allow", 24, ())
    assert [(a.raw, a.line) for a in inline.not_actions] == [("iam:*", 27)]
    bucket = policies["aws_s3_bucket_policy.tls"]
    (deny,) = bucket.statements
    assert bucket.use == "resource" and deny.principals and deny.condition_keys() == ["aws:SecureTransport"]


def test_attachments_bindings_and_actions_from_a_variable() -> None:
    policies = _policies("iam.tf", "terraform", TF)
    role = policies["aws_iam_role.r"]
    assert [(v.raw, v.line) for v in role.managed_policies] == [("arn:aws:iam::aws:policy/PowerUserAccess", 42)]
    (statement,) = role.statements
    assert statement.action_references and statement.actions == ()
    assert [(v.raw, v.line) for v in policies["google_project_iam_member.owner"].roles] == [("roles/owner", 49)]


def test_provider_default_tags_are_a_resource_of_their_own() -> None:
    state = state_of(ParsedFile("providers.tf", "terraform", TF, parse("terraform", TF)))
    (defaults,) = state.of(TagDefaults)
    assert defaults.applies_to == "aws" and defaults.tags is not None and defaults.tags.line == 2


def test_cloudformation_inline_and_bucket_policies() -> None:
    policies = _policies("template.yaml", "yaml", CFN)
    role = policies["Role (AWS::IAM::Role)"]
    (statement,) = role.statements
    assert (statement.action_names, statement.resources, statement.line) == (("s3:GetObject",), (), 10)
    assert [v.line for v in role.managed_policies] == [5]
    (deny,) = policies["BucketPolicy (AWS::S3::BucketPolicy)"].statements
    assert (deny.effect, deny.condition_line) == ("Deny", 21)
