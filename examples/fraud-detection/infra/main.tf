terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.60" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { project = "card-fraud", cost-center = "risk-analytics" }
  }
}

resource "aws_kms_key" "ml" {
  description         = "Card-fraud model artifacts and endpoint volumes"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-fraud-ml-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_sagemaker_model" "fraud" {
  name               = "card-fraud-${var.model_version}"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = var.serving_image
    model_data_url = "s3://${aws_s3_bucket.data.bucket}/models/${var.model_version}/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name        = "card-fraud-${var.model_version}"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "card-fraud"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name
}
