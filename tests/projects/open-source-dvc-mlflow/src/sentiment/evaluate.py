"""Score the held-out split, write DVC metrics and plots, and register the model if it
clears the AUC threshold in params.yaml."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import joblib
import mlflow
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

from sentiment.params import load


def main(model_path: str, features: str, out: str) -> None:
    params = load("evaluate")
    model = joblib.load(model_path)
    x_test, y_test = joblib.load(Path(features) / "test.joblib")
    scores = model.predict_proba(x_test)[:, 1]
    metrics = {"roc_auc": roc_auc_score(y_test, scores), "average_precision": average_precision_score(y_test, scores)}
    Path(out, "plots").mkdir(parents=True, exist_ok=True)
    Path(out, "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    fpr, tpr, thresholds = roc_curve(y_test, scores)
    points = [{"fpr": f, "tpr": t, "threshold": h} for f, t, h in zip(fpr, tpr, thresholds, strict=True)]
    Path(out, "plots", "roc.json").write_text(json.dumps({"roc": points}), encoding="utf-8")
    with mlflow.start_run():
        mlflow.log_metrics(metrics)
        if metrics["roc_auc"] >= params["min_auc"]:
            info = mlflow.sklearn.log_model(model, "model")
            mlflow.register_model(info.model_uri, "review-sentiment")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
