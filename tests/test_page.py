"""The timeline page in a real browser: Debian's Chromium, headless, via Playwright."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import eventline
from eventline import render

from .conftest import HOSTILE, REPO, write_json

READY = "html[data-eventline-ready]"

# Points each trace really drew: SVG traces from calcdata, WebGL traces from
# the positions handed to the subplot's regl scene.
COUNT_JS = """() => {
  const gd = document.getElementById("eventline-timeline");
  const drawn = (t, i) => {
    if (t.type !== "scattergl") {
      return gd.calcdata[i].filter(p => p.x !== undefined && !Number.isNaN(p.x)).length;
    }
    const plot = gd._fullLayout._plots[(t.xaxis || "x") + (t.yaxis || "y")];
    const options = plot._scene.markerOptions[gd.calcdata[i][0].t.index];
    return options ? options.positions.filter((v, k) => k % 2 === 0 && !Number.isNaN(v)).length : 0;
  };
  return gd.data.map((t, i) => ({
    meta: t.meta || null, type: t.type, mode: t.mode, name: t.name, drawn: drawn(t, i),
  }));
}"""

# Where an event's own marker (or the cluster holding it) is drawn in a panel, in page pixels.
POINT_JS = """([eventId, panel]) => {
  const gd = document.getElementById("eventline-timeline");
  for (let i = 0; i < gd.data.length; i++) {
    const t = gd.data[i];
    if (!t.meta || t.meta[0] !== (panel || "overview") || !t.customdata) continue;
    if (t.meta[1] !== "events" && t.meta[1] !== "clusters") continue;
    const j = t.customdata.findIndex(c => c[0] === eventId || (c[2] || "").split(" ").includes(eventId));
    if (j < 0) continue;
    const xa = gd._fullLayout[(t.xaxis || "x").replace("x", "xaxis")];
    const ya = gd._fullLayout[(t.yaxis || "y").replace("y", "yaxis")];
    const box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(t.x[j]), box.top + ya._offset + ya.d2p(t.y[j])];
  }
  return null;
}"""

# Event ids a reader can reach in the overview now: visible markers and cluster members.
REACH_JS = """() => {
  const gd = document.getElementById("eventline-timeline");
  const ids = [];
  gd.data.forEach(t => {
    if (!t.meta || t.meta[0] !== "overview" || !t.customdata) return;
    t.customdata.forEach((c, j) => {
      if (t.x[j] === null) return;
      if (t.meta[1] === "events") ids.push(c[0]);
      if (t.meta[1] === "clusters") ids.push(...c[2].split(" "));
    });
  });
  return ids.sort();
}"""


class Page:
    """A loaded page with what it logged and what it tried to fetch."""

    def __init__(self, browser: Any, path: Path, *, javascript: bool = True) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
        )
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        if javascript:
            self.page.wait_for_selector(READY, state="attached", timeout=60_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.fulfill(status=200, content_type="text/plain", body="stub")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    pages: list[Page] = []

    def _open(path: Path, **kwargs: Any) -> Page:
        pages.append(Page(browser, path, **kwargs))
        return pages[-1]

    yield _open
    for page in pages:
        page.close()


def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("EVENTLINE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(folder / name), full_page=True)


def test_published_page_loads_offline_and_draws_every_event(open_page, tmp_path):
    """reports/timeline.html opens from file:// with no network and no errors; each event
    has one marker in the overview, and the focus panel labels the crowded week."""
    report = REPO / "reports" / "timeline.html"
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(report)
    _screenshot(page, "timeline.png", tmp_path)
    assert page.errors == []
    assert page.requests == []
    traces = page.page.evaluate(COUNT_JS)
    assert page.page.evaluate(REACH_JS) == sorted(e.id for e in tl)
    legend = page.page.locator("#eventline-timeline .legend .traces").all_text_contents()
    assert [t.strip() for t in legend] == [c.label for c in tl.categories.values()]
    drawn_svg = page.page.locator(
        "#eventline-timeline .subplot.xy .scatterlayer path.point"
    ).count()
    markers = [
        t for t in traces if t["meta"] and t["meta"][0] == "overview" and t["mode"] != "lines"
    ]
    assert drawn_svg == sum(t["drawn"] for t in markers)
    labels = page.page.locator(
        "#eventline-timeline .subplot.x2y2 .scatterlayer text"
    ).all_text_contents()
    assert "Trump and Putin speak by phone" in [t.strip() for t in labels]
    assert page.page.locator("li.event").count() == len(tl)
    assert page.page.get_by_role("figure", name="Interactive timeline chart of").count() == 1


def test_hover_shows_the_event_and_click_opens_its_source(open_page):
    """Hovering a marker shows title, date and summary; clicking opens the cited source."""
    page = open_page(REPO / "reports" / "timeline.html")
    tl = eventline.load(REPO / "data" / "events.json")
    event = tl.get("crimea-annexation")
    assert event is not None
    x, y = page.page.evaluate(POINT_JS, [event.id])
    page.page.mouse.move(x, y)
    hover = page.page.locator("#eventline-timeline .hoverlayer .hovertext")
    hover.wait_for(timeout=5000)
    text = hover.text_content()
    assert event.title in text
    assert "18 March 2014" in text
    with page.context.expect_page() as popup_info:
        page.page.mouse.click(x, y)
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == tl.sources["bbc-crimea-treaty"].url
    assert page.errors == []


def test_legend_hides_a_category_in_both_panels(open_page):
    """Clicking a legend item hides that category's traces in overview and focus."""
    page = open_page(REPO / "reports" / "timeline.html")
    page.page.locator("#eventline-timeline .legend .traces", has_text="Commentary").click()
    page.page.wait_for_function(
        """() => document.getElementById("eventline-timeline").data
            .filter(t => t.legendgroup === "commentary").every(t => t.visible === "legendonly")"""
    )
    assert page.errors == []


def test_without_javascript_the_chronology_lists_every_event(open_page):
    """A reader without JavaScript gets every event, its date and its sources."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPO / "reports" / "timeline.html", javascript=False)
    items = page.page.locator("li.event")
    assert items.count() == len(tl)
    first = items.first.inner_text()
    assert tl[0].title in first
    assert tl[0].date.display() in first
    assert page.page.get_by_text("The interactive chart needs JavaScript").is_visible()


def test_hostile_text_runs_nothing_and_adds_no_element(open_page, tmp_path, hostile_file):
    """Script, onerror and javascript: payloads in every text field stay inert text."""
    tl = eventline.load(hostile_file)
    out = tmp_path / "evil.html"
    out.write_text(render.to_html(tl), encoding="utf-8")
    page = open_page(out)
    x, y = page.page.evaluate(POINT_JS, ["call", "focus"])
    page.page.mouse.move(x, y)
    hover = page.page.locator("#eventline-timeline .hoverlayer .hovertext")
    hover.wait_for(timeout=5000)
    assert HOSTILE in (hover.text_content() or "")
    with page.context.expect_page() as popup_info:
        page.page.mouse.click(x, y)
    popup_info.value.wait_for_load_state()
    page.page.get_by_role("link", name=HOSTILE).first.click()
    assert page.dialogs == []
    assert page.page.evaluate("() => window.__xss") is None
    assert page.page.locator("img").count() == 0
    assert page.page.locator("script").count() == 6
    assert page.page.locator("#eventline-timeline a").count() == 0
    assert page.errors == []


def test_thousands_of_events_draw_with_webgl(open_page, tmp_path, small_doc):
    """Above the threshold the page uses scattergl, draws every event, and logs no error."""
    base = small_doc["events"][3]
    small_doc["events"] = [
        {
            **base,
            "id": f"e{i:05d}",
            "date": f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        for i in range(3000)
    ]
    tl = eventline.load(write_json(tmp_path / "many.json", small_doc))
    out = tmp_path / "many.html"
    out.write_text(render.to_html(tl), encoding="utf-8")
    page = open_page(out)
    traces = page.page.evaluate(COUNT_JS)
    overview = [
        t for t in traces if t["meta"] in (["overview", "events"], ["overview", "clusters"])
    ]
    assert {t["type"] for t in overview} == {"scattergl"}
    assert page.page.evaluate(REACH_JS) == sorted(e.id for e in tl)
    # Chromium's advice to plotly.js's WebGL text atlas (Canvas2D readback) is not an error.
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []
