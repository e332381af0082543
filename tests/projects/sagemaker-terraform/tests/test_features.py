import pandas as pd

from churn.features import add_features


def test_tenure_in_years() -> None:
    frame = pd.DataFrame({"tenure_months": [24], "total_charges": [480.0]})
    assert add_features(frame)["tenure_years"].iloc[0] == 2
