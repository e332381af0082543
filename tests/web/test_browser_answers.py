"""Answers saved as they are given (static/answers.js) in a real browser (the system
Chromium, through Playwright): a changed field is saved without a click and kept over a
reload, a refused save says why beside the form, and with JavaScript off the Save button
posts the form as before. Screenshots land in out/web-autosave-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import CHROMIUM, OUT, logged_in_page

PRACTICE = "MLOPS01-BP02"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install the 'chromium' package (make sysdeps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


def _shot(page: Any, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.locator(f"#{PRACTICE}").screenshot(path=str(OUT / f"web-autosave-{name}.png"))


def test_a_changed_answer_is_saved_without_a_click_and_kept(served: str, browser: Any) -> None:
    page, problems = logged_in_page(browser, served, "/workloads/fraud-detection", javascript=True)
    form = page.locator(f"#{PRACTICE} form.answer-form")
    form.locator("select[name=status]").select_option("partial")
    sync_api.expect(form.locator(".save-state")).to_contain_text("Saved at")
    form.locator("textarea[name=notes]").fill("Owner named at the workshop")
    form.locator("select[name=reason]").focus()  # leaving the notes is their change event
    sync_api.expect(form.locator(".save-state")).to_contain_text("Saved at")
    _shot(page, "saved")
    page.reload()
    page.wait_for_load_state()
    form = page.locator(f"#{PRACTICE} form.answer-form")
    assert form.locator("select[name=status]").input_value() == "partial"
    assert form.locator("textarea[name=notes]").input_value() == "Owner named at the workshop"
    assert "Answered in the app by edie" in page.locator(f"#{PRACTICE}").inner_text()
    assert problems == []  # the script ran under the page's CSP, nothing refused


def test_a_refused_save_says_why_beside_the_form(served: str, browser: Any) -> None:
    page, _problems = logged_in_page(browser, served, "/workloads/fraud-detection", javascript=True)
    form = page.locator(f"#{PRACTICE} form.answer-form")
    form.locator("input[name=csrf]").evaluate("input => { input.value = 'stale'; }")
    form.locator("select[name=status]").select_option("missing")
    state = form.locator(".save-state")
    sync_api.expect(state).to_contain_text("Not saved (403): This form is out of date")
    assert "failed" in (state.get_attribute("class") or "")
    _shot(page, "refused")
    page.reload()
    assert page.locator(f"#{PRACTICE} select[name=status]").input_value() != "missing"


def test_without_javascript_the_save_button_posts_the_form(served: str, browser: Any) -> None:
    page, problems = logged_in_page(browser, served, "/workloads/fraud-detection", javascript=False)
    form = page.locator(f"#{PRACTICE} form.answer-form")
    form.locator("select[name=status]").select_option("implemented")
    assert form.locator(".save-state").inner_text() == ""  # nothing saved on change without the script
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Answered in the app by edie on" in page.locator(f"#{PRACTICE}").inner_text()
    page.reload()
    assert page.locator(f"#{PRACTICE} select[name=status]").input_value() == "implemented"
    assert problems == []


def test_a_question_s_own_answer_is_saved_on_change_too(served: str, browser: Any) -> None:
    page, problems = logged_in_page(browser, served, "/workloads/fraud-detection", javascript=True)
    form = page.locator("form.question-form", has=page.locator("input[name=question][value=MLOPS01]"))
    form.locator("select[name=applicable]").select_option("no")
    sync_api.expect(form.locator(".save-state")).to_contain_text("Saved at")
    page.reload()
    page.wait_for_load_state()
    assert page.locator("#q-MLOPS01").inner_text().startswith("Not applicable to this workload")
    assert problems == []
