import pandas as pd

from toxft import IDENTITY_COLUMNS
from toxft.evaluate_fairness import group_report, identity_group


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"label": [0, 0, 1, 0, 1, 0]})
    for column in IDENTITY_COLUMNS:
        frame[column] = False
    frame.loc[[0, 1, 2], "muslim"] = True
    return frame


def test_identity_group_falls_back_to_none():
    assert identity_group(_frame()).tolist() == ["muslim"] * 3 + ["none"] * 3


def test_group_report_shows_the_false_positive_gap():
    report = group_report(_frame(), predictions=[1, 0, 1, 0, 1, 0])
    assert report.by_group.loc["muslim", "fpr"] == 0.5
    assert report.by_group.loc["none", "fpr"] == 0.0
