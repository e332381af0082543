"""Train the classifier and log the run to MLflow."""

from __future__ import annotations

import sys
from pathlib import Path

import joblib
import mlflow
import numpy as np
from sklearn.linear_model import LogisticRegression

from sentiment.params import load


def main(features: str, model_path: str) -> None:
    params = load("train")
    np.random.seed(params["seed"])
    x_train, y_train = joblib.load(Path(features) / "train.joblib")
    mlflow.set_experiment("review-sentiment")
    with mlflow.start_run():
        mlflow.log_params(params)
        model = LogisticRegression(C=params["C"], max_iter=params["max_iter"], random_state=params["seed"])
        model.fit(x_train, y_train)
        mlflow.log_metric("train_accuracy", model.score(x_train, y_train))
        Path(model_path).parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, model_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
