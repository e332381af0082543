variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "model_package_arn" {
  description = "Approved model package to serve"
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}
