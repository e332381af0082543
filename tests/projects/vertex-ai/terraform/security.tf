resource "google_kms_key_ring" "ml" {
  name     = "demand-ml"
  location = var.region
}

resource "google_kms_crypto_key" "vertex" {
  name            = "vertex"
  key_ring        = google_kms_key_ring.ml.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "datasets" {
  name     = "datasets"
  key_ring = google_kms_key_ring.ml.id
}

resource "google_project_iam_member" "pipeline_runner" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.pipelines.email}"
}

resource "google_project_iam_member" "notebook_owner" {
  project = var.project_id
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.workbench.email}"
}

resource "google_project_iam_audit_config" "storage" {
  project = var.project_id
  service = "storage.googleapis.com"
  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type = "DATA_WRITE"
  }
}
