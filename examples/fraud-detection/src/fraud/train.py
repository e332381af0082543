"""Train the gradient-boosted fraud model and log it to MLflow."""

import argparse
import random
from pathlib import Path

import joblib
import mlflow
import numpy as np
import pandas as pd
import yaml
from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES = ["amount", "hour", "merchant_category"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    params = yaml.safe_load(Path(args.params).read_text())["train"]

    random.seed(params["seed"])
    np.random.seed(params["seed"])

    train = pd.read_parquet("data/prepared/train.parquet")
    X = pd.get_dummies(train[FEATURES], columns=["merchant_category"])
    y = train["is_fraud"]

    mlflow.set_experiment("card-fraud")
    with mlflow.start_run():
        mlflow.log_params(params)
        model = HistGradientBoostingClassifier(
            max_iter=params["n_estimators"],
            learning_rate=params["learning_rate"],
            max_depth=params["max_depth"],
            early_stopping=True,
            random_state=params["seed"],
        )
        model.fit(X, y)
        mlflow.sklearn.log_model(model, "model", registered_model_name="card-fraud")
        Path("models").mkdir(exist_ok=True)
        joblib.dump(model, "models/model.joblib")


if __name__ == "__main__":
    main()
