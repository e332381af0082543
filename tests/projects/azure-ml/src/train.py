"""Train the loan-default classifier and log it with MLflow."""

import argparse

import mlflow
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    args = parser.parse_args()
    frame = pd.read_parquet(args.data)
    mlflow.autolog()
    model = GradientBoostingClassifier(learning_rate=args.learning_rate, random_state=7)
    model.fit(frame.drop(columns=["default"]), frame["default"])


if __name__ == "__main__":
    main()
