"""Clean the raw reviews, derive labels from star ratings, and split train/test."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from sentiment.params import load


def label_reviews(frame: pd.DataFrame, *, min_length: int) -> pd.DataFrame:
    """Negative for 1-2 stars, positive for 4-5; neutral and very short reviews dropped."""
    kept = frame[(frame["stars"] != 3) & (frame["text"].str.len() >= min_length)].copy()
    kept["label"] = (kept["stars"] >= 4).astype(int)
    kept["text"] = kept["text"].str.strip().str.replace(r"\s+", " ", regex=True)
    return kept[["text", "label"]]


def main(raw: str, out: str) -> None:
    params = load("prepare")
    frame = label_reviews(pd.read_csv(raw), min_length=params["min_length"])
    train, test = train_test_split(frame, test_size=params["split"], random_state=params["seed"],
                                   stratify=frame["label"])
    Path(out).mkdir(parents=True, exist_ok=True)
    train.to_parquet(Path(out) / "train.parquet")
    test.to_parquet(Path(out) / "test.parquet")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
