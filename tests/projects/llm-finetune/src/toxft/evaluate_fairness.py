"""Per-group error rates of a fine-tuned model on the test split.

A comment that merely mentions an identity must not be flagged more often than others:
the release checklist requires the false-positive-rate gap across groups to stay under 0.05.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import torch
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from toxft import IDENTITY_COLUMNS
from toxft.data import read_table


def identity_group(frame: pd.DataFrame) -> pd.Series:
    """The first identity a comment mentions, or 'none' (groups must not overlap)."""
    mentioned = frame[list(IDENTITY_COLUMNS)].idxmax(axis=1)
    return mentioned.where(frame[list(IDENTITY_COLUMNS)].any(axis=1), "none")


@torch.no_grad()
def predict(model_dir: str, texts: list[str], batch_size: int = 64) -> list[int]:
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    out: list[int] = []
    for start in range(0, len(texts), batch_size):
        batch = tokenizer(texts[start : start + batch_size], truncation=True, max_length=256,
                          padding=True, return_tensors="pt")
        out.extend(model(**batch).logits.argmax(-1).tolist())
    return out


def group_report(frame: pd.DataFrame, predictions: list[int]) -> MetricFrame:
    return MetricFrame(
        metrics={"fpr": false_positive_rate, "tpr": true_positive_rate, "flag_rate": selection_rate},
        y_true=frame["label"],
        y_pred=predictions,
        sensitive_features=identity_group(frame),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default="out/final")
    parser.add_argument("--test-path", default="data/test.parquet")
    parser.add_argument("--out", default="out/fairness.json")
    args = parser.parse_args()

    frame = read_table(args.test_path)
    report = group_report(frame, predict(args.model_dir, frame["text"].tolist()))
    summary = {
        "by_group": report.by_group.to_dict(),
        "fpr_gap": float(report.difference()["fpr"]),
        "tpr_gap": float(report.difference()["tpr"]),
    }
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(report.by_group.round(3))


if __name__ == "__main__":
    main()
