"""The app in a real browser (the system Chromium, through Playwright), over a live
server: log in, walk a review, answer, save two milestones, compare them, see the
portfolio change. Screenshots land in out/web-*.png for people to look at."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from browserkit import CHROMIUM, OUT
from webpeople import PASSWORD

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install the 'chromium' package (make sysdeps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


def _shot(page: Any, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"web-{name}.png"), full_page=False)


def _high_in_portfolio(page: Any, base: str) -> int:
    page.goto(base + "/")
    text = page.locator("tr", has_text="fraud-detection").first.inner_text()
    found = re.search(r"(\d+) high, \d+ medium", text)
    assert found is not None, text
    return int(found.group(1))


def test_a_facilitated_review_in_the_browser(served: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", "edie")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(served + "/")
    _shot(page, "portfolio")
    highs = _high_in_portfolio(page, served)

    page.click("a:text('fraud-detection')")
    page.wait_for_load_state()  # counting below needs the whole page, not the part parsed so far
    assert page.locator("h2[id^=g]").count() == 6
    page.click("a:text('By phase')")
    page.wait_for_load_state()  # the click returns once the URL changes, before the long page is parsed
    assert "by=phase" in page.url and page.locator("div.question").count() == 35
    page.fill("#milestone-name", "kick-off")
    page.click("button:text('Save the review as a milestone')")
    # answers.js saves it without leaving the page (tests/web/test_browser_forms.py); the list shows it on reload
    sync_api.expect(page.locator("form.milestone-form .save-state")).to_contain_text("Milestone kick-off saved")
    page.reload()
    page.wait_for_load_state()
    assert page.locator("#milestones ~ table, section[aria-labelledby=milestones] table").first.is_visible()

    practice = page.locator("#MLOPS01-BP02")
    practice.locator("select[name=status]").select_option("missing")
    practice.locator("textarea[name=notes]").fill("No owner named yet")
    practice.locator("button[type=submit]").click()
    page.wait_for_url("**#MLOPS01-BP02")  # the form post's page (answers.js also saved the changes as made)
    page.wait_for_load_state()
    question = page.locator("div.question", has=page.locator("#MLOPS01-BP02"))
    assert question.locator("h3 .badge").inner_text() == "HIGH"
    assert "Answered in the app by edie" in page.locator("#MLOPS01-BP02").inner_text()
    _shot(page, "answered")

    # Accept the question's risk: owner, end date and reason; shown on the page, the risk stays.
    until = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    page.fill("#ao-MLOPS01", "ana")
    page.fill("#ae-MLOPS01", until)
    page.fill("#ar-MLOPS01", "On-call starts next quarter")
    page.click("button:text('Accept the risk of MLOPS01')")
    page.wait_for_load_state()
    accepted = page.locator("#accepted-MLOPS01-BP02")
    assert accepted.inner_text() == f"Risk accepted by ana until {until}: On-call starts next quarter"
    assert f"accepted until {until}, owner ana" in question.locator("h3").inner_text()
    assert question.locator("h3 .badge").inner_text() == "HIGH"
    _shot(page, "accepted")

    page.fill("#milestone-name", "after workshop")
    page.click("button:text('Save the review as a milestone')")
    sync_api.expect(page.locator("form.milestone-form .save-state")).to_contain_text("after workshop saved")
    page.reload()
    page.wait_for_load_state()
    page.select_option("#cmp-a", "kick-off")
    page.select_option("#cmp-b", "after workshop")
    page.click("button:text('Compare')")
    page.wait_for_load_state()
    assert "/compare?" in page.url
    worsened = page.locator("tr.change-worsened", has_text="MLOPS01").first
    assert "HIGH" in worsened.inner_text()
    _shot(page, "compare")

    assert _high_in_portfolio(page, served) == highs + 1
    assert errors == []


def test_role_views_and_the_backlog_in_the_browser(served: str, browser: Any) -> None:
    """Walk the three role views from the review page's tabs, then set an item of the
    backlog and see it kept; the portfolio shows the trend once there is a milestone."""
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + "/login")
    page.fill("input[name=name]", "edie")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(served + "/")
    page.click("a:text('fraud-detection')")
    page.wait_for_load_state()
    page.fill("#milestone-name", "kick-off")
    page.click("button:text('Save the review as a milestone')")
    page.wait_for_load_state()

    page.click("nav.tabs >> a:text('Business')")
    page.wait_for_url("**/view/business")
    page.wait_for_load_state()  # the click returns once the URL changes, before the page is parsed
    assert page.locator("h2#trend").is_visible() and page.locator("svg.spark").count() == 1
    _shot(page, "view-business")
    page.click("nav.tabs >> a:text('Risk and compliance')")
    page.wait_for_url("**/view/risk")
    page.wait_for_load_state()
    assert page.locator("h2#accepted").is_visible() and page.locator("h2#audit").is_visible()
    _shot(page, "view-risk")
    page.click("nav.tabs >> a:text('Engineer')")
    page.wait_for_url("**/view/engineer")
    page.wait_for_load_state()
    assert page.locator("h2#fixes").is_visible() and page.locator("h2#evidence").is_visible()
    _shot(page, "view-engineer")

    page.click("nav.tabs >> a:text('Backlog')")
    page.wait_for_url("**/backlog")
    page.wait_for_load_state()
    first = page.locator("table.backlog tbody tr").first
    first.locator("input[name=owner]").fill("ana")
    first.locator("input[name=due]").fill("2027-03-31")
    first.locator("select[name=status]").select_option("in_progress")
    first.locator("button[type=submit]").click()
    page.wait_for_url("**/backlog#*")
    page.wait_for_load_state()
    first = page.locator("table.backlog tbody tr").first
    assert first.locator("input[name=owner]").input_value() == "ana"
    assert first.locator("select[name=status]").input_value() == "in_progress"
    assert "Set by edie" in first.inner_text()
    _shot(page, "backlog")

    page.click("a:text('Heat map')")
    page.wait_for_url("**/heatmap")
    page.wait_for_load_state()
    assert page.locator("table.heat tbody tr").count() == 35
    _shot(page, "heatmap")
    page.goto(served + "/")
    page.wait_for_load_state()
    assert page.locator("tr", has_text="fraud-detection").locator("svg.spark").count() == 1
    assert errors == []
