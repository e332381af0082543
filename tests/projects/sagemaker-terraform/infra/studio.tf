resource "aws_sagemaker_domain" "studio" {
  domain_name = "churn"
  auth_mode   = "IAM"
  vpc_id      = var.vpc_id
  subnet_ids  = var.private_subnet_ids
  kms_key_id  = aws_kms_key.ml.arn

  default_user_settings {
    execution_role = aws_iam_role.sagemaker.arn
  }
}

resource "aws_sagemaker_notebook_instance" "explore" {
  name          = "churn-explore"
  role_arn      = aws_iam_role.sagemaker.arn
  instance_type = "ml.t3.large"
  root_access   = "Disabled"
}
