# Guardrail policy attached to every data science role created by account vending.

data "aws_iam_policy_document" "sagemaker_guardrails" {
  statement {
    sid    = "DenyJobsOutsidePlatformVpc"
    effect = "Deny"
    actions = [
      "sagemaker:CreateTrainingJob",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateModel",
    ]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "sagemaker:VpcSubnets"
      values   = ["true"]
    }
  }

  statement {
    sid       = "DenyUnencryptedInterNodeTraffic"
    effect    = "Deny"
    actions   = ["sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "sagemaker:InterContainerTrafficEncryption"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "sagemaker_guardrails" {
  name   = "ridgeline-sagemaker-guardrails"
  policy = data.aws_iam_policy_document.sagemaker_guardrails.json
}

resource "aws_iam_policy" "ml_engineer_s3" {
  name = "ridgeline-ml-engineer-s3"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:*"]
        Resource = "*"
      }
    ]
  })
}
