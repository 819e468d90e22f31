"""In a real browser: the results' charts keep readable words on a phone, and the meeting pack
prints one application per A4 page (Chromium's own print to PDF, pages counted)."""

import re
from typing import Any

import pytest
from flask import Flask

from panel.demo import DEMO_PASSWORD, seed
from panel.extensions import db
from panel.models import FundingRound
from panel.results import services
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.measure import overflowing

STAFF = "asha.patel@demo.example"

# The size every word of a chart is drawn at, in CSS px: an SVG drawn with a viewBox scales its
# text with the screen, so SVG text counts its font size times the drawing's scale.
CHART_TEXT = """
(selector) => {
  const sizes = [];
  for (const chart of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('title, .visually-hidden')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      if (el instanceof SVGElement) size *= el.getScreenCTM().a;
      sizes.push([node.textContent.trim().slice(0, 30), Math.round(size * 10) / 10]);
    }
  }
  return sizes;
}
"""
OLD_CHART = """() => {
  const figure = document.querySelector('figure');
  figure.insertAdjacentHTML('beforeend', '<svg width="640" height="40" viewBox="0 0 640 40">'
    + '<text x="0" y="14" font-size="12">CF26-0004</text></svg>');
}"""


@pytest.fixture
def spring(app: Flask) -> FundingRound:
    seed()
    round_ = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == "spring-demo")
    ).scalar_one()
    db.session.commit()  # release SQLite's lock before the live server writes
    return round_


def test_at_320px_no_chart_word_is_under_12px(
    spring: FundingRound, live_server: str, page: Any
) -> None:
    """Bars carry the project's name with the reference beside it; every word of the ranking
    chart, its table, and an application's dot plot is at least 12 CSS px on a 320 px screen,
    and the dot plot spans the page's width."""
    page.set_viewport_size({"width": 320, "height": 700})
    sign_in(page, live_server, STAFF, DEMO_PASSWORD)
    page.goto(f"{live_server}/rounds/{spring.id}/results")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    first = page.locator(".bar-chart__row").first
    label = first.locator(".bar-chart__label").inner_text()
    assert re.search(r"\S+ CF\d\d-\d{4}$", label), label  # the name, then the reference
    sizes = page.evaluate(CHART_TEXT, ".bar-chart")
    assert len(sizes) > 10
    assert [s for s in sizes if s[1] < 12] == []
    assert (
        page.locator(".bar-chart table tbody tr").count() == page.locator(".bar-chart__row").count()
    )

    page.locator(".standing__title a").first.click()
    page.locator(".dot-plot svg").wait_for()
    sizes = page.evaluate(CHART_TEXT, ".dot-plot")
    assert len(sizes) >= 5 and [s for s in sizes if s[1] < 12] == []
    plot = page.locator(".dot-plot svg").bounding_box()
    main = page.locator("main").bounding_box()
    assert plot["width"] >= main["width"] - 1
    # The measure itself: the old chart (a 640 px drawing scaled to the phone) is caught.
    page.evaluate(OLD_CHART)
    assert [s for s in page.evaluate(CHART_TEXT, ".dot-plot") if s[1] < 12] != []


def test_the_results_page_leads_with_words_and_keeps_the_figures_behind_a_disclosure(
    spring: FundingRound, live_server: str, page: Any
) -> None:
    sign_in(page, live_server, STAFF, DEMO_PASSWORD)
    page.goto(f"{live_server}/rounds/{spring.id}/results")
    lead = page.locator("[data-agreement]")
    assert lead.is_visible() and "applications" in lead.inner_text()
    figures = page.locator("details#figures")
    assert not figures.locator("table").first.is_visible()
    figures.locator("summary").click()
    assert figures.locator("table").first.is_visible()
    assert "Krippendorff" in figures.inner_text()
    assert_accessible(page)
    # On a wide screen too, no column of the figures is out of sight (the table used to be
    # 2,100 px wide in a 960 px column).
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflowing(page, 1280) == []


def _pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF: its page objects (not the /Pages tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_meeting_pack_prints_one_application_per_a4_page(
    spring: FundingRound, live_server: str, page: Any
) -> None:
    """Chromium's print to PDF: a cover, the agenda, then exactly one page per application;
    no menu or link back is printed, and the pack passes axe on screen."""
    sign_in(page, live_server, STAFF, DEMO_PASSWORD)
    page.goto(f"{live_server}/rounds/{spring.id}/meeting/pack")
    assert_accessible(page)
    cover = page.locator(".pack__cover").inner_text()
    assert "Community Room, Beeston Hub, or by phone / online" in cover  # the demo's meeting
    assert "Budget" in cover and "£12,000" in cover and spring.name in cover
    found = services.compute(spring)
    pages_on_screen = page.locator("[data-pack-page]").count()
    assert pages_on_screen == len(found.applications) >= 3
    page.emulate_media(media="print")
    assert not page.locator(".header__nav").count()  # the pack has no menu at all
    assert not page.locator(".back-link").is_visible()
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert _pdf_pages(pdf) == 2 + pages_on_screen
