"""Clean raw transactions, validate them, and split train/test."""

import argparse
from pathlib import Path

import pandas as pd
import pandera as pa
import yaml
from sklearn.model_selection import train_test_split

SCHEMA = pa.DataFrameSchema(
    {
        "amount": pa.Column(float, pa.Check.ge(0)),
        "merchant_category": pa.Column(str),
        "hour": pa.Column(int, pa.Check.in_range(0, 23)),
        "is_fraud": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=False,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    params = yaml.safe_load(Path(args.params).read_text())["prepare"]

    raw = pd.read_csv("data/raw/transactions.csv")
    clean = SCHEMA.validate(raw.dropna(subset=["amount"]))
    train, test = train_test_split(
        clean, test_size=params["test_size"], random_state=params["seed"], stratify=clean["is_fraud"]
    )
    out = Path("data/prepared")
    out.mkdir(parents=True, exist_ok=True)
    train.to_parquet(out / "train.parquet")
    test.to_parquet(out / "test.parquet")


if __name__ == "__main__":
    main()
