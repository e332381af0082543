resource "google_vertex_ai_endpoint" "demand" {
  name         = "demand-forecast"
  display_name = "demand-forecast"
  location     = var.region
  network      = "projects/${data.google_project.this.number}/global/networks/${google_compute_network.ml.name}"

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }

  predict_request_response_logging_config {
    enabled       = true
    sampling_rate = 0.1
    bigquery_destination {
      output_uri = "bq://${var.project_id}.demand.prediction_log"
    }
  }
}

resource "google_vertex_ai_feature_online_store" "demand" {
  name   = "demand_features"
  region = var.region

  optimized {}
}

resource "google_workbench_instance" "research" {
  name     = "demand-research"
  location = "europe-west4-a"

  gce_setup {
    machine_type      = "n1-standard-8"
    disable_public_ip = true
    metadata = {
      idle-timeout-seconds = "10800"
    }
  }
}

resource "google_billing_budget" "ml" {
  billing_account = var.billing_account
  display_name    = "demand-forecast ML"

  amount {
    specified_amount {
      currency_code = "EUR"
      units         = "2000"
    }
  }

  threshold_rules {
    threshold_percent = 0.8
  }
  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }
}
