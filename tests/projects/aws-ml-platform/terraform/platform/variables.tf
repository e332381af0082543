variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "platform_kms_key_arn" {
  description = "Key exported by the ml-data-lake CloudFormation stack"
  type        = string
}

variable "private_subnet_ids" {
  type = list(string)
}
