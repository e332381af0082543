# Account-wide audit and sensitive data discovery for the ML accounts.

resource "aws_s3_bucket" "org_trail" {
  bucket = "ridgeline-${var.env}-org-trail"
}

resource "aws_cloudtrail" "management" {
  name                          = "ridgeline-${var.env}-management"
  s3_bucket_name                = aws_s3_bucket.org_trail.id
  include_global_service_events = true
  is_multi_region_trail         = true
  kms_key_id                    = var.platform_kms_key_arn
}

resource "aws_cloudtrail" "training_data" {
  name                       = "ridgeline-${var.env}-training-data"
  s3_bucket_name             = aws_s3_bucket.org_trail.id
  enable_log_file_validation = true
  kms_key_id                 = var.platform_kms_key_arn

  event_selector {
    read_write_type           = "All"
    include_management_events = false

    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.feature_exports.arn}/"]
    }
  }
}

resource "aws_macie2_account" "this" {
  finding_publishing_frequency = "SIX_HOURS"
  status                       = "ENABLED"
}

resource "aws_macie2_classification_job" "feature_exports_pii" {
  name     = "feature-exports-pii-weekly"
  job_type = "SCHEDULED"

  schedule_frequency {
    weekly_schedule = "MONDAY"
  }

  s3_job_definition {
    bucket_definitions {
      account_id = data.aws_caller_identity.current.account_id
      buckets    = [aws_s3_bucket.feature_exports.bucket]
    }
  }

  depends_on = [aws_macie2_account.this]
}

data "aws_caller_identity" "current" {}
