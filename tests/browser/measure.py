"""Measuring a page in the browser: does anything reach outside the screen, or hide beyond the
edge of a box that scrolls sideways? Used by every browser test that checks a narrow screen."""

from typing import Any

WIDTH = 320

# Every element's box against the viewport. Text hidden for screen readers only
# (.visually-hidden, a table's headings on a phone) is clipped to 1 px by design and skipped.
MEASURE = """
(width) => {
  const hidden = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.clipPath.startsWith('inset(50%') || el.classList.contains('visually-hidden')) {
      hidden.push(el);
    }
  }
  const isHidden = (el) => hidden.some((h) => h.contains(el));
  const describe = (el) => {
    const name = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
      ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${name} "${text}"`;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (isHidden(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      out.push(`${describe(el)} box ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    // A box that scrolls or clips sideways hides what is beyond its edge.
    const sideways = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    const field = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    if (sideways && !field && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${describe(el)} hides ${el.scrollWidth - el.clientWidth}px sideways`);
    }
  }
  // Words can run out of a box that itself fits: measure every run of text too.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || isHidden(parent)) continue;
    if (parent.closest('script, style, noscript, title')) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      out.push(`text in ${describe(parent)} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return out;
}
"""


def overflowing(page: Any, width: int = WIDTH) -> list[str]:
    """Elements of the page whose box reaches outside the viewport, details opened."""
    # Open every <details> to measure what it holds, then close again those that were closed.
    page.evaluate(
        "document.querySelectorAll('details:not([open])').forEach((d) => {"
        " d.open = true; d.dataset.measureOpened = ''; })"
    )
    problems: list[str] = []
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"the page scrolls sideways: {scroll} px wide")
    problems += page.evaluate(MEASURE, width)
    page.evaluate(
        "document.querySelectorAll('details[data-measure-opened]').forEach((d) => {"
        " d.open = false; delete d.dataset.measureOpened; })"
    )
    return problems[:8]
