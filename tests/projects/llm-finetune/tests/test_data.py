import pandas as pd
import pytest

from toxft import IDENTITY_COLUMNS
from toxft.data import read_table


def _frame(texts: list[str | None]) -> pd.DataFrame:
    rows = {"comment_id": range(len(texts)), "text": texts, "label": [0] * len(texts)}
    rows.update({c: [False] * len(texts) for c in IDENTITY_COLUMNS})
    return pd.DataFrame(rows)


def test_read_table_drops_empty_comments(tmp_path):
    path = tmp_path / "t.parquet"
    _frame(["fine", None, "   ", " spaced "]).to_parquet(path)
    frame = read_table(path)
    assert frame["text"].tolist() == ["fine", "spaced"]


def test_read_table_names_missing_columns(tmp_path):
    path = tmp_path / "t.parquet"
    _frame(["a"]).drop(columns=["muslim"]).to_parquet(path)
    with pytest.raises(ValueError, match="muslim"):
        read_table(path)
