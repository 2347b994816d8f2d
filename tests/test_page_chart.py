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


# The focus band as drawn: its outline's colour, opacity and width, and its box.
BAND_JS = """() => {
  const gd = document.getElementById("eventline-timeline");
  const i = (gd._fullLayout.shapes || []).findIndex(s => s.name === "focus week");
  if (i < 0) return null;
  const path = gd.querySelector(`.shapelayer path[data-index="${i}"]`), s = getComputedStyle(path);
  const r = path.getBoundingClientRect();
  return {stroke: s.stroke, opacity: parseFloat(s.strokeOpacity), width: parseFloat(s.strokeWidth),
    drawn: r.width + parseFloat(s.strokeWidth), hint: document.querySelector(".pointer-hint").textContent};
}"""


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour with 0–255 channels."""

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over(rgb: tuple[float, ...], alpha: float, under: tuple[float, float, float]):
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(rgb, under, strict=True))


def test_focus_band_the_hint_names_is_outlined_with_enough_contrast(show):
    """The shaded band that the desktop hint says marks the focus week has a 2 px outline
    with at least 3:1 contrast (WCAG 1.4.11) against the white plot and the grey lanes."""
    page = show(None)
    band = page.page.evaluate(BAND_JS)
    assert band is not None
    assert "shaded band is the week the focus panel shows" in band["hint"]
    rgb = tuple(float(c) for c in band["stroke"][band["stroke"].index("(") + 1 : -1].split(","))
    white = (255.0, 255.0, 255.0)
    lane = _over((120, 135, 160), 0.07, white)  # the shaded lanes (chart._lane_band)
    stroke = _over(rgb[:3], band["opacity"], white)
    assert band["width"] >= 2
    assert band["drawn"] >= 10
    assert (
        min(_contrast(stroke, white), _contrast(_over(rgb[:3], band["opacity"], lane), lane)) >= 3
    )
    assert page.errors == []


@pytest.mark.parametrize("device", SIZES[1:])
def test_phones_draw_no_focus_band_as_they_have_no_focus_panel(show, device):
    """A phone's compact overview has no focus panel, so no band points at one."""
    page = show(device)
    assert page.page.evaluate(BAND_JS) is None
    assert page.errors == []


# The focused element: where it is, its outline, and how opaque it and its ancestors are.
FOCUSED_JS = """() => {
  const e = document.activeElement, s = getComputedStyle(e), li = e.closest("li.event");
  let opacity = 1;
  for (let el = e; el && el.nodeType === 1; el = el.parentElement) {
    opacity *= parseFloat(getComputedStyle(el).opacity);
  }
  return {modebar: Boolean(e.closest(".modebar")), title: e.getAttribute("data-title"),
    event: li ? li.id.slice(6) : null, style: s.outlineStyle,
    width: parseFloat(s.outlineWidth), color: s.outlineColor, opacity};
}"""


def test_tab_shows_a_clear_focus_on_the_modebar_and_reaches_every_event(show):
    """Tab goes through the chart's modebar buttons, each drawn with a visible 2 px+
    outline of 3:1 contrast (WCAG 2.4.7, 2.4.11), then on to every event in order."""
    page = show(None)
    p = page.page
    buttons, reached = [], []
    for _ in range(400):
        p.keyboard.press("Tab")
        now = p.evaluate(FOCUSED_JS)
        if now["modebar"]:
            buttons.append(now)
        if now["event"] and now["event"] not in reached:
            reached.append(now["event"])
        if reached and now["event"] is None and not now["modebar"]:
            break
    assert [b["title"] for b in buttons] == [
        "Download plot as a PNG",
        "Zoom",
        "Pan",
        "Zoom in",
        "Zoom out",
        "Reset axes",
    ]
    for button in buttons:
        assert button["style"] == "solid", button
        assert button["width"] >= 2, button
        assert button["opacity"] == 1, button
        rgb = tuple(float(c) for c in button["color"][4:-1].split(","))
        assert _contrast(rgb, (255.0, 255.0, 255.0)) >= 3, button
    assert reached == EVENTS
    assert page.errors == []
