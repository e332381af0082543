"""The trend's chart geometry: numbers only, inside its box, None for fewer than two points."""

from __future__ import annotations

from mllens.web.trend import HEIGHT, PAD, WIDTH, TrendPoint, sparkline


def _points(*counts: tuple[int, int]) -> list[TrendPoint]:
    return [TrendPoint(label=f"m{i}", at=None, HIGH=h, MEDIUM=m) for i, (h, m) in enumerate(counts)]


def test_one_point_draws_nothing() -> None:
    assert sparkline([]) is None and sparkline(_points((3, 1))) is None


def test_the_lines_fall_as_the_risk_falls_and_stay_in_the_box() -> None:
    spark = sparkline(_points((4, 0), (2, 1), (0, 2)))
    assert spark is not None and spark.top == 4
    high = [tuple(float(v) for v in xy.split(",")) for xy in spark.high.split()]
    assert [x for x, _ in high] == [PAD, WIDTH / 2, WIDTH - PAD]
    assert [y for _, y in high] == [PAD, HEIGHT / 2, HEIGHT - PAD]  # SVG y grows downwards
    assert spark.summary == "m0: 4 high, 0 medium; m1: 2 high, 1 medium; m2: 0 high, 2 medium"


def test_all_zero_counts_lie_on_the_floor() -> None:
    spark = sparkline(_points((0, 0), (0, 0)))
    assert spark is not None and {xy.split(",")[1] for xy in spark.high.split()} == {f"{HEIGHT - PAD:.1f}"}



def test_a_trend_is_the_milestones_then_now() -> None:
    import datetime as dt

    from mllens.review.model import RiskCounts
    from mllens.store.records import MilestoneInfo
    from mllens.web.trend import trend_of

    kick_off = MilestoneInfo(id=1, workload="w", name="kick-off", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                             lens_id="ml", lens_version="1", risk_counts=RiskCounts(HIGH=3, MEDIUM=2))
    points = trend_of([kick_off], RiskCounts(HIGH=1))
    assert [(p.label, p.at, p.HIGH, p.MEDIUM) for p in points] == [
        ("kick-off", "2026-01-01T00:00:00+00:00", 3, 2), ("now", None, 1, 0)]
    assert trend_of([kick_off], None) == points[:1]
