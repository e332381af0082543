"""Feature engineering shared by training and the endpoint."""

import pandas as pd


def add_features(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["tenure_years"] = out["tenure_months"] / 12
    out["charges_per_month"] = out["total_charges"] / out["tenure_months"].clip(lower=1)
    return out
