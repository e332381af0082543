"""Score the held-out set; refuse to promote a model below the agreed AUC."""

import argparse
import json
import sys
from pathlib import Path

import joblib
import pandas as pd
import shap
import yaml
from sklearn.metrics import roc_auc_score

from fraud.train import FEATURES


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    params = yaml.safe_load(Path(args.params).read_text())["evaluate"]

    model = joblib.load("models/model.joblib")
    test = pd.read_parquet("data/prepared/test.parquet")
    X = pd.get_dummies(test[FEATURES], columns=["merchant_category"])
    auc = roc_auc_score(test["is_fraud"], model.predict_proba(X)[:, 1])

    explainer = shap.Explainer(model.predict, X.sample(200, random_state=0))
    importance = explainer(X.sample(500, random_state=0)).abs.mean(0).values

    Path("reports").mkdir(exist_ok=True)
    Path("reports/metrics.json").write_text(
        json.dumps({"auc": auc, "mean_abs_shap": importance.tolist()}, indent=2)
    )
    if auc < params["min_auc"]:
        print(f"AUC {auc:.3f} below the agreed {params['min_auc']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
