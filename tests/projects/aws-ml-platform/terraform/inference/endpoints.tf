# Shared inference endpoints offered to internal teams.

# Many small per-team text classifiers behind one endpoint.
resource "aws_sagemaker_model" "team_classifiers" {
  name               = "team-text-classifiers"
  execution_role_arn = var.inference_role_arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
    model_data_url = "s3://${var.artifact_bucket}/models/team-classifiers/"
    mode           = "MultiModel"
  }

  vpc_config {
    subnets            = var.private_subnet_ids
    security_group_ids = [var.endpoint_security_group_id]
  }
}

resource "aws_sagemaker_endpoint_configuration" "team_classifiers" {
  name        = "team-text-classifiers"
  kms_key_arn = var.platform_kms_key_arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.team_classifiers.name
    instance_type          = "ml.m7g.xlarge"
    initial_instance_count = 2
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://${var.artifact_bucket}/data-capture/team-classifiers"

    capture_options {
      capture_mode = "Input"
    }

    capture_options {
      capture_mode = "Output"
    }
  }

  tags = {
    cost-center = "platform"
  }
}

resource "aws_sagemaker_endpoint" "team_classifiers" {
  name                 = "team-text-classifiers"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.team_classifiers.name

  deployment_config {
    rolling_update_policy {
      maximum_batch_size {
        type  = "CAPACITY_PERCENT"
        value = 50
      }
      wait_interval_in_seconds = 300
    }
  }

  tags = {
    cost-center = "platform"
  }
}

# Page-level OCR clean-up for scanned documents: large payloads, minutes per request.
resource "aws_sagemaker_model" "document_ocr" {
  name               = "document-ocr"
  execution_role_arn = var.inference_role_arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310"
    model_data_url = "s3://${var.artifact_bucket}/models/document-ocr/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "document_ocr" {
  name = "document-ocr-async"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.document_ocr.name
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://${var.artifact_bucket}/async-results/document-ocr/"
    }

    client_config {
      max_concurrent_invocations_per_instance = 2
    }
  }
}

# Legacy scorecard kept for the collections team until its replacement is validated;
# its inputs are captured so that drift can be watched (monitoring.tf).
resource "aws_sagemaker_endpoint_configuration" "collections_scorecard" {
  name        = "collections-scorecard"
  kms_key_arn = var.platform_kms_key_arn

  production_variants {
    variant_name           = "primary"
    model_name             = "collections-scorecard-2019"
    instance_type          = "ml.t2.medium"
    initial_instance_count = 1
  }

  data_capture_config {
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://${var.artifact_bucket}/data-capture/collections-scorecard"

    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint" "collections_scorecard" {
  name                 = "collections-scorecard"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.collections_scorecard.name
}
