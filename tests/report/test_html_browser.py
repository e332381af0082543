"""The example's HTML report in a real browser (the system Chromium, through Playwright):
it renders from file:// without a single network request, a grid cell opens its question,
printing shows every detail, the risk map reads well from a 420 px phone to a wide screen,
and screenshots land in out/ for people to look at."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import wcag

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


# Every text node of the risk map's cells, with where it is drawn and how: the facts the
# layout and contrast assertions need, measured by the browser itself.
CELL_TEXTS = """() => [...document.querySelectorAll('.grid a.cell, .grid td.cell-empty')].map(cell => {
  const rect = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const style = getComputedStyle(cell);
  const texts = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    let opacity = 1;
    for (let el = node.parentElement; el && el !== cell.parentElement; el = el.parentElement) {
      opacity *= parseFloat(getComputedStyle(el).opacity);
    }
    const range = document.createRange();
    range.selectNodeContents(node);
    const own = getComputedStyle(node.parentElement);
    for (const r of range.getClientRects()) {
      texts.push({text: node.textContent.trim(), box: rect(r), size: parseFloat(own.fontSize),
                  color: own.color, opacity: opacity});
    }
  }
  return {id: cell.dataset.question || 'no question', box: rect(cell.getBoundingClientRect()),
          background: style.backgroundColor, pattern: style.backgroundImage, texts: texts};
})"""


def _inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (inner["left"] >= outer["left"] - slack and inner["right"] <= outer["right"] + slack
            and inner["top"] >= outer["top"] - slack and inner["bottom"] <= outer["bottom"] + slack)


def _overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack)


def _backgrounds(cell: dict[str, Any]) -> list[wcag.RGBA]:
    """The cell's colour and, where a pattern is drawn over it, that colour under each of the
    pattern's colours: text must read on every part of the cell."""
    flat = wcag.over(wcag.parse(cell["background"]), wcag.WHITE)
    return [flat, *(wcag.over(stop, flat) for stop in wcag.all_colours(cell["pattern"]))]


@pytest.fixture(scope="module")
def every_risk_file(example: Reviewed) -> Path:
    """The example's report with its questions given each of the five risks in turn."""
    review, scan = example
    review = review.model_copy(deep=True)
    for i, q in enumerate(review.questions):
        q.risk = list(Risk)[i % len(Risk)]
    OUT.mkdir(exist_ok=True)
    path = OUT / "report-every-risk.html"
    path.write_text(html.render(review, scan=scan), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [420, 760, 1040, 1100, 1240, 1440])
def test_the_risk_map_fits_the_screen_and_every_label_reads(browser: Any, every_risk_file: Path, width: int) -> None:
    """No sideways scrolling; every cell on screen, none over another; every label inside its
    cell, at 11 px or more, in a colour that meets WCAG AA (4.5:1) on every part of the cell."""
    watched = Watched(browser)
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(every_risk_file.as_uri(), wait_until="load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    cells = page.evaluate(CELL_TEXTS)
    assert len(cells) == 36  # 35 questions and the one empty cell
    screen = {"left": 0, "right": width, "top": float("-inf"), "bottom": float("inf")}
    lowest: dict[str, float] = {}
    for i, cell in enumerate(cells):
        assert _inside(cell["box"], screen), f"{cell['id']} is off the screen at {width} px: {cell['box']}"
        for other in cells[i + 1:]:
            assert not _overlap(cell["box"], other["box"]), f"{cell['id']} and {other['id']} overlap at {width} px"
        assert cell["texts"], cell["id"]
        backgrounds = _backgrounds(cell)
        for j, t in enumerate(cell["texts"]):
            where = f"{t['text']!r} in {cell['id']} at {width} px"
            assert _inside(t["box"], cell["box"]), f"{where} runs out of its cell: {t['box']} in {cell['box']}"
            assert not any(_overlap(t["box"], u["box"]) for u in cell["texts"][j + 1:]), f"{where} overlaps"
            assert t["size"] >= 11, f"{where}: {t['size']} px"
            colour = wcag.with_opacity(wcag.parse(t["color"]), t["opacity"])
            contrast = min(wcag.ratio(colour, bg) for bg in backgrounds)
            assert contrast >= wcag.AA_NORMAL_TEXT, f"{where}: {contrast:.2f}:1"
            lowest[cell["id"][:4]] = min(lowest.get(cell["id"][:4], 99.0), contrast)
    assert watched.errors == []
    print(f"\n{width} px: lowest contrast in the risk map {min(lowest.values()):.2f}:1")


def test_the_example_report_reads_on_a_420_px_phone(browser: Any, report_file: Path) -> None:
    """The real example at 420 px: the page does not scroll sideways, the map is one block
    per phase; a screenshot of the map goes to out/report-420.png for people to look at."""
    watched = Watched(browser)
    page = watched.page
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(report_file.as_uri(), wait_until="load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 420
    assert page.evaluate("() => { const m = document.querySelector('.grid-scroll'); "
                         "return m.scrollWidth <= m.clientWidth; }")  # nor does the map inside its box
    business_goal = page.locator(".grid tbody tr").first
    assert business_goal.locator("th").inner_text() == "Business goal"
    assert "Security" in business_goal.locator('a.cell[data-question="MLSEC01"]').inner_text()  # its pillar, named
    page.locator("#map").screenshot(path=str(OUT / "report-420.png"))
    page.screenshot(path=str(OUT / "report-420-page.png"), full_page=True)
    assert watched.off_disk() == [] and watched.errors == []
