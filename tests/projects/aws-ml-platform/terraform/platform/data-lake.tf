# Feature exports shared with other business units, and the Glue catalog over them.

resource "aws_s3_bucket" "feature_exports" {
  bucket              = "ridgeline-${var.env}-feature-exports"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "feature_exports" {
  bucket = aws_s3_bucket.feature_exports.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 90
    }
  }
}

resource "aws_s3_bucket_versioning" "feature_exports" {
  bucket = aws_s3_bucket.feature_exports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "feature_exports" {
  bucket = aws_s3_bucket.feature_exports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.platform_kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "feature_exports" {
  bucket                  = aws_s3_bucket.feature_exports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "feature_exports_tls" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.feature_exports.arn,
      "${aws_s3_bucket.feature_exports.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "feature_exports" {
  bucket = aws_s3_bucket.feature_exports.id
  policy = data.aws_iam_policy_document.feature_exports_tls.json
}

resource "aws_glue_catalog_database" "features" {
  name        = "ridgeline_${var.env}_feature_exports"
  description = "Feature tables exported from the SageMaker offline store"
}

resource "aws_glue_catalog_table" "applicant_features" {
  name          = "applicant_features"
  database_name = aws_glue_catalog_database.features.name
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    classification = "parquet"
  }

  storage_descriptor {
    location      = "s3://ridgeline-prod-feature-exports/applicant_features/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    columns {
      name = "application_id"
      type = "string"
    }

    columns {
      name = "debt_to_income"
      type = "double"
    }
  }
}

resource "aws_glue_crawler" "feature_exports" {
  name          = "ridgeline-${var.env}-feature-exports"
  database_name = aws_glue_catalog_database.features.name
  role          = aws_iam_role.glue.arn
  schedule      = "cron(30 2 * * ? *)"

  s3_target {
    path = "s3://${aws_s3_bucket.feature_exports.bucket}/"
  }
}

resource "aws_glue_job" "export_features" {
  name              = "ridgeline-${var.env}-export-features"
  role_arn          = aws_iam_role.glue.arn
  glue_version      = "4.0"
  worker_type       = "G.1X"
  number_of_workers = 2

  command {
    name            = "glueetl"
    python_version  = "3"
    script_location = "s3://ridgeline-${var.env}-curated/glue-scripts/export_features.py"
  }
}

resource "aws_iam_role" "glue" {
  name = "ridgeline-${var.env}-glue-feature-exports"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "glue.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "glue_service" {
  role       = aws_iam_role.glue.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
}
