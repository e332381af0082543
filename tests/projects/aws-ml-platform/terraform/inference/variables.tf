variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "platform_kms_key_arn" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "endpoint_security_group_id" {
  type = string
}

variable "inference_role_arn" {
  type = string
}

variable "pipeline_role_arn" {
  type = string
}

variable "events_role_arn" {
  type = string
}

variable "artifact_bucket" {
  type    = string
  default = "ridgeline-prod-curated"
}
