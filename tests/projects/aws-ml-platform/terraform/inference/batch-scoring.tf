# Nightly batch scoring of the loan book, and a rerun whenever a new loan book export lands.

resource "aws_sagemaker_pipeline" "batch_scoring" {
  pipeline_name         = "loan-book-batch-scoring"
  pipeline_display_name = "loan-book-batch-scoring"
  role_arn              = var.pipeline_role_arn

  pipeline_definition_s3_location {
    bucket     = var.artifact_bucket
    object_key = "pipelines/batch-scoring/definition.json"
  }

  tags = {
    cost-center = "credit-risk"
  }
}

resource "aws_cloudwatch_event_rule" "nightly_scoring" {
  name                = "loan-book-nightly-scoring"
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly_scoring" {
  rule     = aws_cloudwatch_event_rule.nightly_scoring.name
  arn      = aws_sagemaker_pipeline.batch_scoring.arn
  role_arn = var.events_role_arn

  sagemaker_pipeline_target {
    pipeline_parameter_list {
      name  = "ScoringDate"
      value = "latest"
    }
  }
}

resource "aws_cloudwatch_event_rule" "loan_book_export" {
  name = "loan-book-export-arrived"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [var.artifact_bucket] }
      object = { key = [{ prefix = "exports/loan-book/" }] }
    }
  })
}

resource "aws_cloudwatch_event_target" "loan_book_export" {
  rule     = aws_cloudwatch_event_rule.loan_book_export.name
  arn      = aws_sagemaker_pipeline.batch_scoring.arn
  role_arn = var.events_role_arn

  sagemaker_pipeline_target {}
}
