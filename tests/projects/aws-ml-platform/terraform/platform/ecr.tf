resource "aws_ecr_repository" "processing" {
  name                 = "ridgeline/feature-processing"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.platform_kms_key_arn
  }
}

resource "aws_ecr_repository" "notebook_images" {
  name                 = "ridgeline/studio-custom-images"
  image_tag_mutability = "MUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}
