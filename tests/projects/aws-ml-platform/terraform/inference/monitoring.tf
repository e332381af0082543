# Model Monitor does not support multi-model endpoints: only the legacy scorecard is watched.
resource "aws_sagemaker_data_quality_job_definition" "collections_scorecard" {
  name     = "collections-scorecard-data-quality"
  role_arn = var.inference_role_arn

  data_quality_app_specification {
    image_uri = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = aws_sagemaker_endpoint.collections_scorecard.name
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://${var.artifact_bucket}/monitoring/collections-scorecard"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 2
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
    }
  }

  network_config {
    enable_inter_container_traffic_encryption = false
    enable_network_isolation                  = true
  }
}

resource "aws_sagemaker_monitoring_schedule" "collections_scorecard" {
  name = "collections-scorecard-data-quality"

  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.collections_scorecard.name
    monitoring_type                = "DataQuality"

    schedule_config {
      schedule_expression = "cron(0 * ? * * *)"
    }
  }
}
