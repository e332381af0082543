"""Backlog items saved as they are changed, and milestones saved without leaving the page
(static/answers.js), in a real browser (the system Chromium, through Playwright); with
JavaScript off both forms post as before. Screenshots land in out/web-forms-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import CHROMIUM, OUT, logged_in_page

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install the 'chromium' package (make sysdeps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

REVIEW = "/workloads/fraud-detection"


def test_a_changed_backlog_item_is_saved_without_a_click_and_kept(served: str, browser: Any) -> None:
    page, problems = logged_in_page(browser, served, REVIEW + "/backlog", javascript=True)
    form = page.locator("form.item-form").first
    item = form.locator("input[name=item]").input_value()
    form.locator("input[name=owner]").fill("ana")
    form.locator("select[name=status]").focus()  # leaving the owner field is its change event
    sync_api.expect(form.locator(".save-state")).to_contain_text("Saved at")
    form.locator("select[name=status]").select_option("in_progress")
    sync_api.expect(form.locator(".save-state")).to_contain_text("Saved at")
    OUT.mkdir(exist_ok=True)
    form.screenshot(path=str(OUT / "web-forms-backlog.png"))
    assert page.url == served + REVIEW + "/backlog"  # no navigation
    page.reload()
    page.wait_for_load_state()
    form = page.locator(f"form.item-form:has(input[name=item][value='{item}'])")
    assert form.locator("input[name=owner]").input_value() == "ana"
    assert form.locator("select[name=status]").input_value() == "in_progress"
    assert problems == []  # the script ran under the page's CSP


def test_a_milestone_is_saved_without_leaving_the_review(served: str, browser: Any) -> None:
    page, problems = logged_in_page(browser, served, REVIEW, javascript=True)
    form = page.locator("form.milestone-form")
    form.locator("input[name=milestone]").fill("workshop-1")
    form.locator("button[type=submit]").click()
    state = form.locator(".save-state")
    sync_api.expect(state).to_contain_text("Milestone workshop-1 saved")
    assert form.locator("input[name=milestone]").input_value() == ""
    form.screenshot(path=str(OUT / "web-forms-milestone.png"))
    form.locator("input[name=milestone]").fill("workshop-1")  # the same name again is refused, said inline
    form.locator("button[type=submit]").click()
    sync_api.expect(state).to_contain_text("Not saved (409)")
    assert page.url == served + REVIEW
    page.reload()
    assert "workshop-1" in page.locator("#milestones").locator("..").inner_text()
    assert problems == [] or all("409" in p for p in problems)  # the console notes the refused post only


def test_without_javascript_both_forms_post_as_before(served: str, browser: Any) -> None:
    page, _problems = logged_in_page(browser, served, REVIEW + "/backlog", javascript=False)
    form = page.locator("form.item-form").first
    form.locator("input[name=owner]").fill("otto")
    assert form.locator(".save-state").inner_text() == ""  # nothing saved on change without the script
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form.item-form").first.locator("input[name=owner]").input_value() == "otto"
    page.goto(served + REVIEW)
    page.locator("form.milestone-form input[name=milestone]").fill("plain-post")
    page.locator("form.milestone-form button[type=submit]").click()
    page.wait_for_url(served + REVIEW + "#milestones")
    assert "plain-post" in page.content()
