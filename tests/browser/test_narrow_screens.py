"""At 320 px, in a real browser: no page of the demo hides anything off the side of the screen.

The demo is walked as staff, as a resident on the panel and as the public, following every link
a page offers (two pages of each kind of address, so every page type is seen with more than
one round). On each page every element's box is measured against the viewport with every
<details> opened, so the figures behind "Show the figures" are measured too.
"""

import re
from collections import Counter, deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask

from panel.demo import DEMO_PASSWORD, seed
from panel.extensions import db
from panel.models import FundingRound
from tests.browser.conftest import sign_in
from tests.browser.measure import WIDTH, overflowing

PER_KIND = 2  # pages of each kind of address (numbers in the path made alike)
# Signing out ends the walk's session; files are downloads, not pages.
SKIP = re.compile(r"/logout|/static/|\.(csv|xlsx|json|zip|pdf)$|/download")


def walk(page: Any, base: str, starts: list[str]) -> dict[str, list[str]]:
    """Open every page reachable from `starts`, two of each kind; what overflows on each."""
    kinds: Counter[str] = Counter()
    seen: set[str] = set()
    queue = deque(starts)
    found: dict[str, list[str]] = {}
    while queue:
        url = urldefrag(queue.popleft())[0].split("?")[0]
        path = urlsplit(url).path
        kind = re.sub(r"\d+", "N", path)
        if url in seen or not url.startswith(base) or SKIP.search(path) or kinds[kind] >= PER_KIND:
            continue
        seen.add(url)
        answer = page.request.get(url, max_redirects=0)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        kinds[kind] += 1
        page.goto(url)
        found[path] = overflowing(page)
        queue.extend(page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"))
    return found


@pytest.fixture
def demo(app: Flask) -> list[str]:
    seed()
    slugs = [r.slug for r in db.session.execute(db.select(FundingRound)).scalars()]
    db.session.commit()  # release SQLite's lock before the live server writes
    return slugs


@pytest.mark.parametrize(
    "who",
    ["asha.patel@demo.example", "priya.shah@demo.example", None],
    ids=["staff", "resident", "public"],
)
def test_at_320px_no_page_of_the_demo_has_anything_off_the_screen(
    demo: list[str], live_server: str, browser: Any, who: str | None
) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        starts = [f"{live_server}/"]
        if who is None:
            starts += [f"{live_server}/login", f"{live_server}/join"]
            starts += [f"{live_server}/apply/{slug}" for slug in demo]
        else:
            sign_in(page, live_server, who, DEMO_PASSWORD)
        found = walk(page, live_server, starts)
    finally:
        context.close()
    assert len(found) >= {"asha.patel@demo.example": 100, None: 4}.get(who, 25), sorted(found)
    wide = {path: problems for path, problems in found.items() if problems}
    assert wide == {}, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in wide.items())


WIDE_TEXT = """() => {
  const main = document.querySelector('main');
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  wrap.innerHTML = '<p class="nowrap">' + 'wide '.repeat(40) + '</p>';
  main.append(wrap);
}"""
SCROLLER = """() => {
  const main = document.querySelector('main');
  main.innerHTML = '<div class="scroller"><p>' + 'wide '.repeat(40) + '</p></div>';
  main.querySelector('.scroller').style.overflowX = 'auto';
  main.querySelector('.scroller p').style.whiteSpace = 'nowrap';
}"""


def test_the_measure_finds_words_off_the_side_and_a_table_that_scrolls(
    demo: list[str], live_server: str, browser: Any
) -> None:
    """The walk above could fail: words running off the screen, and a box scrolling sideways
    (as the results table did, hiding columns), are both found at 320 px."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 640})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        assert overflowing(page) == []
        page.evaluate(WIDE_TEXT)
        found = overflowing(page)
        assert any(line.startswith('text in p.nowrap "wide wide') for line in found), found
        assert any("the page scrolls sideways" in line for line in found), found
        page.evaluate(SCROLLER)
        found = overflowing(page)
        assert any(line.startswith("div.scroller") and "sideways" in line for line in found), found
    finally:
        context.close()
