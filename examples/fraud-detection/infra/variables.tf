variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "model_version" {
  type        = string
  description = "Version of the registered model to serve"
}

variable "serving_image" {
  type        = string
  description = "ECR image URI of the serving container, pinned by digest"
}
