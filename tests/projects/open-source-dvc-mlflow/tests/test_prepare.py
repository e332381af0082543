import pandas as pd
import pandera as pa

from sentiment.prepare import label_reviews

LABELLED = pa.DataFrameSchema({"text": pa.Column(str, pa.Check.str_length(min_value=10)),
                               "label": pa.Column(int, pa.Check.isin([0, 1]))})


def test_neutral_and_short_reviews_are_dropped():
    raw = pd.DataFrame({"text": ["Great kettle, boils fast", "meh", "Average in every way", "Broke after a week"],
                        "stars": [5, 1, 3, 1]})
    out = label_reviews(raw, min_length=10)
    assert list(out["label"]) == [1, 0]


def test_output_matches_schema():
    raw = pd.DataFrame({"text": ["  Lovely   sound quality  "], "stars": [4]})
    LABELLED.validate(label_reviews(raw, min_length=10))
