"""TF-IDF features for the prepared reviews."""

from __future__ import annotations

import sys
from pathlib import Path

import joblib
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from sentiment.params import load


def build_vectorizer(max_features: int, ngrams: int) -> TfidfVectorizer:
    return TfidfVectorizer(max_features=max_features, ngram_range=(1, ngrams), sublinear_tf=True, min_df=2)


def main(prepared: str, out: str) -> None:
    params = load("featurize")
    train = pd.read_parquet(Path(prepared) / "train.parquet")
    test = pd.read_parquet(Path(prepared) / "test.parquet")
    vectorizer = build_vectorizer(params["max_features"], params["ngrams"])
    Path(out).mkdir(parents=True, exist_ok=True)
    joblib.dump((vectorizer.fit_transform(train["text"]), train["label"].to_numpy()), Path(out) / "train.joblib")
    joblib.dump((vectorizer.transform(test["text"]), test["label"].to_numpy()), Path(out) / "test.joblib")
    joblib.dump(vectorizer, Path(out) / "vectorizer.joblib")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
