from src import train


def test_has_entry_point() -> None:
    assert callable(train.main)
