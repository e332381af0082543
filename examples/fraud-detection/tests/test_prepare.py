import pandas as pd
import pandera as pa
import pytest

from fraud.prepare import SCHEMA


def test_schema_rejects_negative_amounts():
    frame = pd.DataFrame({"amount": [-1.0], "merchant_category": ["grocery"], "hour": [3], "is_fraud": [0]})
    with pytest.raises(pa.errors.SchemaError):
        SCHEMA.validate(frame)


def test_schema_accepts_valid_rows():
    frame = pd.DataFrame({"amount": [12.5], "merchant_category": ["fuel"], "hour": [23], "is_fraud": [1]})
    assert SCHEMA.validate(frame).shape == (1, 4)
