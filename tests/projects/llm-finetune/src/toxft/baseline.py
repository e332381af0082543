"""Profile the training table with whylogs and keep the profile as the drift baseline.

The moderation service logs a whylogs profile of each day's traffic; the monitoring job
compares it with the profile written here (text length, label rate, identity mentions).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import whylogs as why

from toxft import IDENTITY_COLUMNS
from toxft.data import read_table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train-path", default="data/train.parquet")
    parser.add_argument("--out", default="out/baseline")
    args = parser.parse_args()

    frame = read_table(args.train_path)
    features = frame[["label", *IDENTITY_COLUMNS]].assign(
        text_chars=frame["text"].str.len(),
        text_words=frame["text"].str.split().str.len(),
    )
    Path(args.out).mkdir(parents=True, exist_ok=True)
    results = why.log(pandas=features)
    results.writer("local").option(base_name="train_baseline").write(dest=args.out)
    print(f"wrote baseline profile of {len(features)} rows to {args.out}")


if __name__ == "__main__":
    main()
