resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "churn-invocation-5xx"
  namespace           = "AWS/SageMaker"
  metric_name         = "Invocation5XXErrors"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  dimensions = {
    EndpointName = "churn"
    VariantName  = "primary"
  }
}

resource "aws_sagemaker_data_quality_job_definition" "churn" {
  name     = "churn-data-quality"
  role_arn = aws_iam_role.sagemaker.arn

  data_quality_app_specification {
    image_uri = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_baseline_config {
    statistics_resource {
      s3_uri = "s3://${aws_s3_bucket.data.bucket}/baseline/statistics.json"
    }
    constraints_resource {
      s3_uri = "s3://${aws_s3_bucket.data.bucket}/baseline/constraints.json"
    }
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = aws_sagemaker_endpoint.churn.name
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://${aws_s3_bucket.data.bucket}/monitoring"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
    }
  }
}

resource "aws_sagemaker_monitoring_schedule" "churn" {
  name = "churn-data-quality-daily"
  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.churn.name
    monitoring_type                = "DataQuality"
    schedule_config {
      schedule_expression = "cron(0 6 ? * * *)"
    }
  }
}
