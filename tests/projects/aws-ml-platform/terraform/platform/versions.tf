terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }

  backend "s3" {
    bucket         = "ridgeline-terraform-state"
    key            = "ml-platform/platform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "ridgeline-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region
}
