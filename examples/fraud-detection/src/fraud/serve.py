"""SageMaker inference handler: load the model once, score JSON records."""

import json
import os

import joblib
import pandas as pd

from fraud.train import FEATURES


def model_fn(model_dir: str):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(body: str, content_type: str) -> pd.DataFrame:
    if content_type != "application/json":
        raise ValueError(f"unsupported content type {content_type}")
    records = json.loads(body)
    return pd.get_dummies(pd.DataFrame(records)[FEATURES], columns=["merchant_category"])


def predict_fn(frame: pd.DataFrame, model) -> list[float]:
    return model.predict_proba(frame)[:, 1].tolist()
