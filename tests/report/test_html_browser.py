"""The example's HTML report in a real browser (the system Chromium, through Playwright):
it renders from file:// without a single network request, a grid cell opens its question,
printing shows every detail, and a screenshot lands in out/ for people to look at."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mllens.lens import Risk
from mllens.report import html
from mllens.review.model import Review
from mllens.scan.result import ScanResult

CHROMIUM = Path("/usr/bin/chromium")
OUT = Path(__file__).parents[2] / "out"  # gitignored
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
Reviewed = tuple[Review, ScanResult]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install the 'chromium' package (make sysdeps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


@pytest.fixture(scope="module")
def report_file(example: Reviewed) -> Path:
    review, scan = example
    OUT.mkdir(exist_ok=True)
    path = OUT / "report.html"
    path.write_text(html.render(review, scan=scan), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page with every request, console error and script error it produced."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1440, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)

    def off_disk(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]


def test_the_report_opens_offline_and_a_grid_cell_opens_its_question(
    browser: Any, report_file: Path, example: Reviewed
) -> None:
    review, _ = example
    watched = Watched(browser)
    page = watched.page
    started = time.perf_counter()
    page.goto(report_file.as_uri(), wait_until="load")
    wall = time.perf_counter() - started
    load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    print(f"\nexample report: {report_file.stat().st_size} bytes; load event after {load:.0f} ms "
          f"(goto returned after {wall * 1000:.0f} ms)")

    assert page.title() == "card-fraud-scoring · mllens review"
    assert page.locator("a.cell").count() == 35
    page.screenshot(path=str(OUT / "report.png"))

    target = next(q for q in review.questions if q.risk is Risk.HIGH)
    detail = page.locator(f"#q-{target.id}")
    first_practice = detail.locator(".practice").first
    assert not first_practice.is_visible()  # questions start closed
    page.click(f'a.cell[data-question="{target.id}"]')
    first_practice.wait_for(state="visible", timeout=5_000)
    assert detail.evaluate("d => d.open") is True
    assert page.evaluate("() => location.hash") == f"#q-{target.id}"
    assert detail.locator(".qid").inner_text() == target.id
    box = detail.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view
    page.screenshot(path=str(OUT / "report-question.png"))

    assert watched.off_disk() == []
    assert watched.requests[0] == report_file.as_uri()
    assert watched.errors == []  # no script errors, no CSP violations


def test_expand_all_and_print_show_every_detail(browser: Any, report_file: Path) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(report_file.as_uri(), wait_until="load")
    practices = page.locator("details.question .practice")
    assert practices.first.is_visible() is False
    page.click("[data-expand]")
    assert page.locator("details.question:not([open])").count() == 0
    page.click("[data-collapse]")
    assert page.locator("details.question[open]").count() == 0
    page.emulate_media(media="print")
    assert practices.first.is_visible()  # print CSS shows closed details
    assert page.locator("nav.toc").is_visible() is False
    assert watched.off_disk() == [] and watched.errors == []
