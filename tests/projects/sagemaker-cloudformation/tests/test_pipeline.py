from pipelines.churn.pipeline import get_pipeline


def test_pipeline_name() -> None:
    assert get_pipeline("eu-west-1", "arn:aws:iam::111122223333:role/x", "b").name == "churn-train"
