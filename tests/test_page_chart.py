"""The chart on the page, as a reader sees it in Chromium: highlight rings, focus labels,
the focus band, the modebar under the keyboard, and clusters that follow the zoom."""

from __future__ import annotations

from typing import Any

import pytest

import eventline

from .conftest import DEVICES, REPO
from .test_page import Page

REPORT = REPO / "reports" / "timeline.html"
EVENTS = [e.id for e in eventline.load(REPO / "data" / "events.json")]
# A desktop, a 320 px phone and a 390 px phone.
SIZES = [None, "Galaxy S9+", "iPhone 12"]


@pytest.fixture
def show(browser):
    """Open the published page at a size: None is a 1280 px desktop, else a phone's name."""
    pages: list[Page] = []

    def _open(device: str | None, suffix: str = "", path: Any = REPORT) -> Page:
        pages.append(Page(browser, path, device=DEVICES[device] if device else None, suffix=suffix))
        return pages[-1]

    yield _open
    for page in pages:
        page.close()


# The highlight ring of one event as the reader sees it: each ring's box (its stroke
# included) and whether any clip path of the SVG cuts it.
RING_JS = """(id) => {
  const rings = Array.from(document.querySelectorAll("#eventline-timeline g.trace.scatter"))
    .filter(g => { const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
      return t && t.meta && t.meta[0] === "highlight" && t.meta[1] === id; })
    .flatMap(g => Array.from(g.querySelectorAll("path.point")));
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5
    && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  return rings.map(ring => {
    const r = ring.getBoundingClientRect(), w = parseFloat(getComputedStyle(ring).strokeWidth) / 2;
    const box = {left: r.left - w, right: r.right + w, top: r.top - w, bottom: r.bottom + w};
    const cuts = [];
    for (let el = ring; el && el.tagName !== "DIV"; el = el.parentNode) {
      const clip = el.getAttribute && el.getAttribute("clip-path");
      const m = clip && /#([^")]+)/.exec(clip);
      const rect = m && document.getElementById(m[1]) && document.getElementById(m[1]).querySelector("rect");
      if (rect) {  // a clip rect is in the user space of the element it clips
        const c = el.getScreenCTM(), x = rect.x.baseVal.value, y = rect.y.baseVal.value;
        const a = new DOMPoint(x, y).matrixTransform(c);
        const b = new DOMPoint(x + rect.width.baseVal.value, y + rect.height.baseVal.value).matrixTransform(c);
        if (!inside(box, {left: a.x, top: a.y, right: b.x, bottom: b.y})) cuts.push(m[1]);
      }
      if (el.tagName === "svg" && !inside(box, el.getBoundingClientRect())) cuts.push("svg");
    }
    if (!inside(box, {left: 0, right: innerWidth, top: -1e9, bottom: 1e9})) cuts.push("screen");
    return {w: box.right - box.left, cuts};
  });
}"""


@pytest.mark.parametrize("device", SIZES)
def test_permalink_ring_is_whole_for_every_event_even_at_the_edges(show, device):
    """Opening any event's permalink draws its highlight ring whole, in every panel,
    even for events at the plot's left or right edge (nothing clips it)."""
    page = show(device)
    p = page.page
    for event_id in EVENTS:
        p.evaluate("(id) => { location.hash = '#event-' + id; }", event_id)
        p.wait_for_function(
            """(id) => document.getElementById("eventline-timeline").data
              .some(t => t.meta && t.meta[0] === "highlight" && t.meta[1] === id)""",
            arg=event_id,
        )
        rings = p.evaluate(RING_JS, event_id)
        assert rings, event_id
        assert [(event_id, r["cuts"]) for r in rings] == [(event_id, [])] * len(rings)
        assert all(r["w"] >= 28 for r in rings), (event_id, rings)
    assert page.errors == []
