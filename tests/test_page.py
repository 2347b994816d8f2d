"""The timeline page in a real browser: Debian's Chromium, headless, via Playwright."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

import eventline
from eventline import render

from .conftest import DEVICES, HOSTILE, REPO, write_json

READY = "html[data-eventline-ready]"


# Points each trace really drew: SVG traces from calcdata, WebGL traces from
# the positions handed to the subplot's regl scene.
def _page_file(tmp_path: Path, name: str, doc: dict) -> tuple[Path, eventline.Timeline]:
    """``doc`` written as ``name``.json, loaded, and rendered to ``name``.html."""
    tl = eventline.load(write_json(tmp_path / f"{name}.json", doc))
    out = tmp_path / f"{name}.html"
    out.write_text(render.to_html(tl), encoding="utf-8")
    return out, tl


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

    def __init__(
        self,
        browser: Any,
        path: Path,
        *,
        javascript: bool = True,
        device: dict[str, Any] | None = None,
        suffix: str = "",
    ) -> None:
        # A phone is a Playwright device descriptor (viewport, touch, mobile) on Chromium.
        options = {k: v for k, v in (device or {}).items() if k != "default_browser_type"}
        options.setdefault("viewport", {"width": 1280, "height": 900})
        self.context = browser.new_context(java_script_enabled=javascript, **options)
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
        self.page.goto(path.as_uri() + suffix)
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
    # and one unseen point that keeps the overview's axes drawn when a search empties it
    assert drawn_svg == sum(t["drawn"] for t in markers) + 1
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


def test_legend_filters_the_chart_and_the_chronology_as_the_category_menu_does(open_page):
    """Clicking a legend item shows only that category in both panels and in the
    chronology, sets the category menu and the address; a second click shows all."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPO / "reports" / "timeline.html")
    p = page.page
    p.locator("#eventline-timeline .legend .traces", has_text="Commentary").click()
    p.wait_for_function("() => location.search === '?category=commentary'")
    assert p.locator("#eventline-timeline-category").input_value() == "commentary"
    assert p.evaluate(VISIBLE_IDS_JS) == [e.id for e in tl if e.category == "commentary"]
    shown = p.evaluate(
        """() => [...new Set(document.getElementById("eventline-timeline").data
            .filter(t => t.legendgroup && t.visible !== false && t.x && t.x.some(x => x !== null))
            .map(t => t.legendgroup))]"""
    )
    assert shown == ["commentary"]
    p.locator("#eventline-timeline .legend .traces", has_text="Commentary").click()
    p.wait_for_function("() => location.search === ''")
    assert len(p.evaluate(VISIBLE_IDS_JS)) == len(tl)
    assert page.errors == []


@pytest.mark.parametrize("width", [1280, 768])
def test_long_category_labels_are_shortened_not_cut_or_drawn_over(
    open_page, tmp_path, small_doc, width
):
    """A long category label beside its lane stays inside the page's left edge and, in
    the chart's legend, does not run over the next entry: both end with "…"."""
    small_doc["categories"][0]["label"] = "Diplomacy and peace negotiations"
    small_doc["categories"][1]["label"] = "International law and war crimes tribunals"
    path, _ = _page_file(tmp_path, "long-labels", small_doc)
    page = open_page(path, device={"viewport": {"width": width, "height": 900}})
    p = page.page
    box = p.locator("#eventline-timeline").bounding_box()
    assert box is not None
    ticks = p.locator("#eventline-timeline .ytick text")
    texts = ticks.all_text_contents()
    assert "Diplomacy and pea…" in texts
    for i in range(ticks.count()):
        tick = ticks.nth(i).bounding_box()
        assert tick is not None
        assert tick["x"] >= box["x"]
    entries = p.locator("#eventline-timeline .legend .traces")
    boxes = []
    for i in range(entries.count()):
        text = entries.nth(i).locator("text").bounding_box()
        assert text is not None
        boxes.append((text["x"], text["y"], text["x"] + text["width"]))
    for (_, y0, x1), (u0, v0, _) in itertools.combinations(sorted(boxes), 2):
        assert abs(y0 - v0) > 1 or x1 <= u0  # one row: each text ends before the next starts
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
    """Above the threshold the page uses scattergl, reaches every event, logs no error;
    search and permalinks find events past the chronology's first thousand."""
    base = small_doc["events"][3]
    small_doc["events"] = [
        {
            **base,
            "id": f"e{i:05d}",
            "title": f"Call number {i}",
            "date": f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        for i in range(3000)
    ]
    out, tl = _page_file(tmp_path, "many", small_doc)
    page = open_page(out)
    traces = page.page.evaluate(COUNT_JS)
    overview = [
        t for t in traces if t["meta"] in (["overview", "events"], ["overview", "clusters"])
    ]
    assert {t["type"] for t in overview} == {"scattergl"}
    assert page.page.evaluate(REACH_JS) == sorted(e.id for e in tl)
    p = page.page
    p.get_by_label("Search events").fill("NUMBER 2999")
    p.wait_for_function("() => location.search === '?q=NUMBER+2999'")
    assert p.locator("#eventline-timeline-status").inner_text() == "1 of 3,000 events shown"
    assert p.evaluate(VISIBLE_IDS_JS) == ["e02999"]
    # The chart keeps one overview marker: the event's own, or the cluster holding it.
    spots = p.evaluate(OVERVIEW_SPOTS_JS)
    assert len(spots) == 1
    assert "e02999" in spots[0]
    p.get_by_role("link", name="Call number 2999", exact=True).click()
    p.wait_for_function("() => location.hash === '#event-e02999'")
    assert "current" in (p.locator("#event-e02999").get_attribute("class") or "")
    # Chromium's advice to plotly.js's WebGL text atlas (Canvas2D readback) is not an error.
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []


@pytest.fixture
def beyond(tmp_path, small_doc):
    """A page of 2,500 events, one a day in id order, whose later ones hold words only in
    a summary, a place or a tag, so the search must read the table past the first 1,000."""
    data = small_doc
    base = data["events"][3]
    first = dt.date(2010, 1, 1)
    data["events"] = [
        {
            **base,
            "id": f"e{i:05d}",
            "title": f"Call number {i}",
            "date": (first + dt.timedelta(days=i)).isoformat(),
        }
        for i in range(2500)
    ]
    data["events"][2100]["summary"] = "Talks on the Bodensee ferry."
    data["events"][2200]["places"] = ["Świnoujście"]
    data["events"][2300]["tags"] = ["grain-corridor"]
    data["events"][2450]["title"] = "<img src=x onerror=alert(1)>"
    out, tl = _page_file(tmp_path, "beyond", data)
    return out, tl


@pytest.mark.parametrize(
    ("query", "event_id", "field"),
    [
        ("bodensee", "e02100", "Talks on the Bodensee ferry."),
        ("SWINOUJSCIE", "e02200", "Places: Świnoujście"),
        ("grain-corridor", "e02300", "Tags: grain-corridor"),
    ],
)
def test_search_finds_a_word_in_the_summary_places_or_tags_of_any_event(
    open_page, beyond, query, event_id, field
):
    """Past the first 1,000 events the search still reads summaries, places and tags
    (case and accents aside), lists the match in full and leaves only it in the chart."""
    page = open_page(beyond[0])
    p = page.page
    p.get_by_label("Search events").fill(query)
    p.wait_for_function(f"() => location.search === '?q={query}'")
    assert p.locator("#eventline-timeline-status").inner_text() == "1 of 2,500 events shown"
    assert p.evaluate(VISIBLE_IDS_JS) == [event_id]
    item = p.locator(f"#event-{event_id}")
    assert field in item.inner_text()
    assert item.get_by_role("button", name="Copy link").count() == 1
    assert p.locator("#eventline-timeline-more-note").inner_text() == "1–1 of 1"
    spots = p.evaluate(OVERVIEW_SPOTS_JS)
    assert len(spots) == 1
    assert event_id in spots[0]
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []


@pytest.mark.parametrize("word", ["actors", "places", "tags"])
def test_search_reads_names_and_tags_not_the_labels_around_them(
    open_page, tmp_path, small_doc, word
):
    """The search reads an entry's actors, places and tags, not the "Actors:", "Places:"
    and "Tags:" labels before them: no event matches the label's word, as past the
    first 1,000 events, where the labels are not in the searched text either."""
    small_doc["events"][0] |= {"actors": ["putin"], "places": ["Kyiv"], "tags": ["talks"]}
    path, _ = _page_file(tmp_path, "labels", small_doc)
    page = open_page(path)
    p = page.page
    p.get_by_label("Search events").fill("kyiv")
    p.wait_for_function("() => location.search === '?q=kyiv'")
    assert p.evaluate(VISIBLE_IDS_JS) == ["annexation"]
    p.get_by_label("Search events").fill(word)
    p.wait_for_function(f"() => location.search === '?q={word}'")
    assert p.evaluate(VISIBLE_IDS_JS) == []
    assert p.locator("#eventline-timeline-empty").is_visible()
    assert page.errors == []


HTML_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # a valid year, month or date string (HTML)


def test_dates_are_html_dates_and_the_search_still_reads_their_edtf(open_page, beyond):
    """Each entry's <time datetime> is a date HTML can read (the start, at its precision)
    with the EDTF date in data-edtf, in the page's HTML and in the entries past the first
    1,000; searching for an interval's EDTF still finds its event."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPORT)
    p = page.page
    times = p.evaluate(
        "() => Array.from(document.querySelectorAll('li.event time'))"
        ".map(t => [t.getAttribute('datetime'), t.getAttribute('data-edtf')])"
    )
    assert [edtf for _, edtf in times] == [str(e.date) for e in tl]
    assert all(re.fullmatch(HTML_DATE, value) for value, _ in times)
    assert all(edtf.startswith(value) for value, edtf in times)
    spanning = next(e for e in tl if "/" in str(e.date) and not str(e.date).endswith(".."))
    p.get_by_label("Search events").fill(str(spanning.date))
    p.wait_for_function("() => location.search.startsWith('?q=')")
    assert spanning.id in p.evaluate(VISIBLE_IDS_JS)
    later = open_page(beyond[0], suffix="#event-e02200").page
    value, edtf = later.evaluate(
        "() => { const t = document.querySelector('#event-e02200 time');"
        " return [t.getAttribute('datetime'), t.getAttribute('data-edtf')]; }"
    )
    event = beyond[1].get("e02200")
    assert event is not None
    assert (value, edtf) == (str(event.date), str(event.date))  # a plain day: the same
    assert page.errors == []


def test_permalink_opens_an_event_past_the_first_thousand(open_page, beyond):
    """#event-<id> of the 2,201st event opens its page of the list below the chronology,
    scrolled to and marked, with its place among the others; the pager reaches the last."""
    page = open_page(beyond[0], suffix="#event-e02200")
    p = page.page
    item = p.locator("#event-e02200")
    assert "current" in (item.get_attribute("class") or "")
    box = item.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 900
    assert "Places: Świnoujście" in item.inner_text()
    assert p.locator("#eventline-timeline-more-note").inner_text() == "1,201–1,300 of 1,500"
    marks = p.evaluate(
        """() => document.getElementById("eventline-timeline").data
            .filter(t => t.meta && t.meta[0] === "highlight").map(t => t.xaxis)"""
    )
    assert marks[0] == "x"
    p.get_by_role("button", name="Next 100").click()
    assert p.locator("#eventline-timeline-more-note").inner_text() == "1,301–1,400 of 1,500"
    p.get_by_role("button", name="Next 100").click()
    assert p.locator("#eventline-timeline-more-note").inner_text() == "1,401–1,500 of 1,500"
    assert p.get_by_role("button", name="Next 100").is_disabled()
    assert p.evaluate(VISIBLE_IDS_JS)[1000:] == [f"e{i:05d}" for i in range(2400, 2500)]
    # Hostile text past the first 1,000 is shown as text, never run.
    assert p.locator("#event-e02450 .permalink").inner_text() == "<img src=x onerror=alert(1)>"
    assert p.locator("img").count() == 0
    assert page.dialogs == []
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []


REPORT = REPO / "reports" / "timeline.html"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

# Every control a finger can hit, with its box: links, buttons, fields.
TARGETS_JS = """() => Array.from(document.querySelectorAll("a, button, input, select"))
  .filter(el => !el.closest(".skip, .modebar") && el.getClientRects().length > 0)
  .map(el => { const r = el.getBoundingClientRect();
    return {text: (el.textContent || el.id).trim().slice(0, 40), w: r.width, h: r.height}; })"""

# The ids behind each drawn overview marker: one event's, or a cluster's members.
OVERVIEW_SPOTS_JS = """() => document.getElementById("eventline-timeline").data
  .filter(t => t.meta && t.meta[0] === "overview" && t.visible !== false)
  .filter(t => t.meta[1] === "events" || t.meta[1] === "clusters")
  .flatMap(t => t.customdata.filter((c, j) => t.x[j] !== null)
    .map(c => c[2] ? c[2].split(" ") : [c[0]]))"""
VISIBLE_IDS_JS = """() => Array.from(document.querySelectorAll("li.event"))
  .filter(li => !li.hidden && !li.closest("[hidden]")).map(li => li.id.slice(6))"""


def _phone(name: str = "Pixel 5") -> dict[str, Any]:
    return DEVICES[name]


@pytest.fixture
def accented(tmp_path, small_doc):
    """A small page whose events carry accents, for search."""
    small_doc["events"][3]["summary"] = "They spoke about Zelenskyy’s DÉMARCHE in Genève."
    return _page_file(tmp_path, "accented", small_doc)[0]


@pytest.mark.parametrize(
    ("device", "width"),
    [
        ("Galaxy S9+", 320),
        ("Galaxy S8", 360),
        ("iPhone 13", 390),
        ("Nexus 5X", 412),
        ("iPad Mini", 768),
    ],
)
def test_no_sideways_scroll_on_phones_and_tablets(open_page, tmp_path, device, width):
    """At 320–768 px the published page fits the screen: nothing scrolls sideways."""
    page = open_page(REPORT, device=_phone(device))
    assert page.page.evaluate("() => innerWidth") == width
    scroll = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width
    plot = page.page.locator("#eventline-timeline .main-svg").first.bounding_box()
    assert plot is not None
    assert plot["x"] >= 0
    assert plot["x"] + plot["width"] <= width
    _screenshot(page, f"phone-{width}.png", tmp_path)
    assert page.errors == []


def test_phone_gets_a_compact_overview_and_taps_show_the_event(open_page, tmp_path):
    """On a phone: one compact overview panel, no Plotly legend, targets at least 24 px,
    a tap on a marker shows the event (what a hover shows), a tap on a cluster lists it."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPORT, device=_phone("Pixel 5"))
    _screenshot(page, "phone-pixel5.png", tmp_path)
    axes = page.page.evaluate(
        """() => Array.from(new Set(document.getElementById("eventline-timeline").data
            .map(t => t.xaxis || "x")))"""
    )
    assert axes == ["x"]
    assert page.page.locator("#eventline-timeline .legend").count() == 0
    chart = page.page.locator("#eventline-timeline").bounding_box()
    assert chart is not None
    assert chart["height"] < 400
    small = [t for t in page.page.evaluate(TARGETS_JS) if t["w"] < 24 or t["h"] < 24]
    assert small == []
    assert page.page.evaluate(REACH_JS) == sorted(e.id for e in tl)

    event = tl.get("crimea-annexation")
    assert event is not None
    page.page.evaluate(
        "() => window.scrollTo(0, document.getElementById('eventline-timeline').offsetTop - 20)"
    )
    x, y = page.page.evaluate(POINT_JS, [event.id])
    page.page.touchscreen.tap(x, y)
    details = page.page.locator("#eventline-timeline-details")
    details.wait_for(state="visible", timeout=5000)
    text = details.inner_text()
    assert event.title in text
    assert "18 March 2014" in text
    assert "International law" in text or "Military" in text

    page.page.evaluate(
        "() => window.scrollTo(0, document.getElementById('eventline-timeline').offsetTop - 20)"
    )
    x, y = page.page.evaluate(POINT_JS, ["trump-zelenskiy-call"])
    page.page.touchscreen.tap(x, y)
    page.page.wait_for_function(
        "() => document.querySelectorAll('#eventline-timeline-details .members a').length > 1"
    )
    members = details.locator(".members a").all_text_contents()
    # At this width June 2024 is 6 px from February 2025: that marker joins the cluster
    # rather than hide under it.
    ceasefire = tl.get("putin-ceasefire-terms")
    first, second = tl.get("kremlin-announces-summit-plan"), tl.get("trump-zelenskiy-call")
    assert ceasefire is not None
    assert first is not None
    assert second is not None
    assert members == [
        f"{ceasefire.date.display()}: {ceasefire.title}",
        f"{first.date.display()}: {first.title}",
        f"{second.date.display()}: {second.title}",
    ]
    details.get_by_role("link", name=second.title).click()
    page.page.wait_for_function("() => location.hash === '#event-trump-zelenskiy-call'")
    _screenshot(page, "phone-cluster.png", tmp_path)
    assert page.errors == []


RANGE_JS = """() => document.getElementById("eventline-timeline")._fullLayout.xaxis.range"""


def _tap(page: Page, event_id: str) -> None:
    page.page.evaluate(
        "() => window.scrollTo(0, document.getElementById('eventline-timeline').offsetTop - 20)"
    )
    x, y = page.page.evaluate(POINT_JS, [event_id])
    page.page.touchscreen.tap(x, y)
    page.page.locator("#eventline-timeline-details").wait_for(state="visible", timeout=5000)


def test_phone_time_axis_keeps_its_range_after_taps_and_a_search(open_page):
    """On a 320 px phone, taps on a marker and a cluster and a search leave the
    overview's time axis (and so every dot) where it was."""
    page = open_page(REPORT, device=_phone("Galaxy S9+"))
    before = page.page.evaluate(RANGE_JS)
    assert before == ["2003-02-18T00:00:00", "2025-08-31T00:00:00"]
    _tap(page, "crimea-annexation")
    _tap(page, "trump-zelenskiy-call")
    assert page.page.evaluate(RANGE_JS) == before
    page.page.get_by_label("Search events").fill("trump")
    page.page.wait_for_function("() => location.search === '?q=trump'")
    assert page.page.evaluate(RANGE_JS) == before
    assert page.errors == []


def test_escape_closes_the_box_of_a_tapped_event(open_page):
    """The box a tap opens under the chart takes the focus; Escape closes it, as the
    Close button does."""
    page = open_page(REPORT, device=_phone("Pixel 5"))
    _tap(page, "crimea-annexation")
    details = page.page.locator("#eventline-timeline-details")
    assert page.page.evaluate("() => document.activeElement.id") == "eventline-timeline-details"
    page.page.keyboard.press("Escape")
    details.wait_for(state="hidden", timeout=5000)
    _tap(page, "crimea-annexation")
    details.get_by_role("button", name="Close").click()
    details.wait_for(state="hidden", timeout=5000)
    assert page.errors == []


HOVER_LABELS_JS = """() => document.querySelectorAll(
  "#eventline-timeline .hoverlayer .hovertext").length"""


def test_phone_tap_shows_no_plotly_hover_label(open_page):
    """On a touch phone a tap on a marker or a cluster shows the event in the box
    under the chart only: no Plotly hover label (it named another event, cut off)."""
    page = open_page(REPORT, device=_phone("Galaxy S9+"))
    _tap(page, "trump-zelenskiy-call")
    page.page.wait_for_timeout(300)
    assert page.page.evaluate(HOVER_LABELS_JS) == 0
    assert page.page.locator("#eventline-timeline-details .members a").count() == 3
    _tap(page, "crimea-annexation")
    page.page.wait_for_timeout(300)
    assert page.page.evaluate(HOVER_LABELS_JS) == 0
    assert "Crimea" in page.page.locator("#eventline-timeline-details").inner_text()
    assert page.errors == []


# Each lane name as drawn: its lines joined by spaces, and where it starts and ends.
LANE_NAMES_JS = """() => Array.from(document.querySelectorAll("#eventline-timeline .ytick text"))
  .map(t => { const lines = t.querySelectorAll("tspan.line"), r = t.getBoundingClientRect();
    return {text: lines.length ? Array.from(lines, l => l.textContent).join(" ") : t.textContent,
      left: r.left, right: r.right}; })"""


@pytest.mark.parametrize("device", ["Galaxy S9+", "Nexus 5X"])
def test_phone_overview_shows_whole_lane_names(open_page, device):
    """At 320 and 412 px every lane name is drawn whole ("International law" on two
    lines), inside the screen, with nothing scrolling sideways."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPORT, device=_phone(device))
    width = page.page.evaluate("() => innerWidth")
    names = page.page.evaluate(LANE_NAMES_JS)
    assert [n["text"] for n in names] == [c.label for c in tl.categories.values()]
    assert all(n["left"] >= 0 and n["right"] <= width for n in names)
    assert page.page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert page.errors == []


def test_search_filters_chart_and_chronology_and_is_kept_in_the_url(open_page, accented):
    """Typing filters both views, ignoring case and accents; ?q= survives a reload;
    no match says so; Clear shows every event again."""
    page = open_page(accented)
    p = page.page
    p.get_by_label("Search events").fill("demarche geneve")
    p.wait_for_function("() => location.search === '?q=demarche+geneve'")
    assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    assert p.evaluate(REACH_JS) == ["call"]
    assert p.locator("#eventline-timeline-status").inner_text() == "1 of 5 events shown"
    p.reload()
    p.wait_for_selector(READY, state="attached")
    assert p.get_by_label("Search events").input_value() == "demarche geneve"
    assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    assert p.evaluate(REACH_JS) == ["call"]

    p.get_by_label("Search events").fill("nothing like this")
    p.wait_for_function("() => location.search === '?q=nothing+like+this'")
    assert p.evaluate(VISIBLE_IDS_JS) == []
    assert p.evaluate(REACH_JS) == []
    assert p.get_by_text("No event matches this search and these filters.").is_visible()

    p.get_by_role("button", name="Clear").click()
    p.wait_for_function("() => location.search === ''")
    assert len(p.evaluate(VISIBLE_IDS_JS)) == 5
    assert not p.get_by_text("No event matches").is_visible()
    assert page.errors == []


def test_category_and_actor_filters_combine_and_load_from_the_url(open_page, accented):
    """?category= and ?actor= select events in both views, and the selects show them."""
    page = open_page(accented, suffix="?category=military&actor=putin")
    p = page.page
    assert p.get_by_label("Category", exact=True).input_value() == "military"
    assert p.get_by_label("Actor", exact=True).input_value() == "putin"
    assert p.evaluate(VISIBLE_IDS_JS) == ["annexation", "invasion"]
    assert p.evaluate(REACH_JS) == ["annexation", "invasion"]
    p.get_by_label("Category", exact=True).select_option("diplomacy")
    p.wait_for_function("() => location.search === '?category=diplomacy&actor=putin'")
    assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    assert p.evaluate(REACH_JS) == ["call"]
    assert page.errors == []


def test_permalink_scrolls_to_and_highlights_the_event_and_copies_its_link(open_page, browser):
    """#event-<id> scrolls to the entry and marks it in the chronology and in both chart
    panels; its Copy link button puts that URL on the clipboard."""
    page = open_page(REPORT, suffix="#event-trump-putin-call")
    p = page.page
    item = p.locator("#event-trump-putin-call")
    assert "current" in (item.get_attribute("class") or "")
    assert item.is_visible()
    box = item.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 900
    marks = p.evaluate(
        """() => document.getElementById("eventline-timeline").data
            .filter(t => t.meta && t.meta[0] === "highlight")
            .map(t => [t.xaxis, t.x.length]).sort()"""
    )
    assert marks == [["x", 1], ["x2", 1]]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    item.get_by_role("button", name="Copy link").click()
    url = REPORT.as_uri() + "#event-trump-putin-call"
    p.wait_for_function("() => document.getElementById('eventline-timeline-status').textContent")
    assert p.locator("#eventline-timeline-status").inner_text() == f"Link copied: {url}"
    assert p.evaluate("() => navigator.clipboard.readText()") == url
    assert page.errors == []


def test_permalink_to_an_event_the_search_hides_clears_the_search_and_says_so(open_page):
    """A link with a search that hides its event (?q=…#event-<id>) clears the search to
    show the event, and the status line tells the reader why their search is gone."""
    page = open_page(REPORT, suffix="?q=nothing+like+this#event-trump-putin-call")
    p = page.page
    item = p.locator("#event-trump-putin-call")
    assert "current" in (item.get_attribute("class") or "")
    assert item.is_visible()
    assert p.locator("#eventline-timeline-q").input_value() == ""
    assert p.locator("#eventline-timeline-status").inner_text() == (
        "The search was cleared to show this event."
    )
    assert p.evaluate("() => location.search") == ""
    assert page.errors == []


def test_permalink_to_an_event_the_page_does_not_hold_says_so(open_page):
    """A link to an id no event has (renamed, removed or mistyped) leaves the page as it
    is and tells the reader in the status line, rather than doing nothing."""
    page = open_page(REPORT, suffix="#event-no-such-event")
    p = page.page
    assert p.locator("#eventline-timeline-status").inner_text() == (
        "This page has no event no-such-event; the link may be out of date."
    )
    assert p.locator("li.event.current").count() == 0
    assert page.errors == []


def test_a_timeline_without_events_says_so(open_page, tmp_path, small_doc):
    """A new project's empty timeline renders a page that says it has no events yet, in
    the chronology and over the chart."""
    small_doc["events"] = []
    path, _ = _page_file(tmp_path, "empty", small_doc)
    page = open_page(path)
    p = page.page
    assert p.locator(".chronology .note").inner_text() == "This timeline has no events yet."
    assert p.locator("li.event").count() == 0
    headings = p.evaluate(
        """() => document.getElementById("eventline-timeline").layout.annotations
            .map(a => a.text)"""
    )
    assert headings[0] == "<b>Overview: no events yet</b>"  # not a made-up span of years
    assert page.errors == []


def test_keyboard_reaches_every_event_and_arrows_move_between_them(open_page, accented):
    """Tab reaches every event's link; arrow keys go to the next and previous event;
    the focused link shows a visible outline."""
    page = open_page(accented)
    p = page.page
    reached = []
    for _ in range(80):
        p.keyboard.press("Tab")
        focused = p.evaluate(
            "() => { const li = document.activeElement.closest('li.event');"
            " return li ? li.id.slice(6) : null; }"
        )
        if focused and focused not in reached:
            reached.append(focused)
    assert reached == ["annexation", "invasion", "war", "call", "conference"]
    p.locator("#event-annexation a.permalink").focus()
    p.keyboard.press("ArrowDown")
    p.keyboard.press("ArrowDown")
    assert p.evaluate("() => document.activeElement.closest('li.event').id") == "event-war"
    p.keyboard.press("ArrowUp")
    assert p.evaluate("() => document.activeElement.closest('li.event').id") == "event-invasion"
    p.keyboard.press("End")
    assert p.evaluate("() => document.activeElement.closest('li.event').id") == "event-conference"
    outline = p.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none"
    assert outline[1] >= 2
    marks = p.evaluate(
        """() => document.getElementById("eventline-timeline").data
            .filter(t => t.meta && t.meta[0] === "highlight").length"""
    )
    assert marks >= 1
    assert page.errors == []


@pytest.mark.parametrize("device", [None, "Pixel 5"])
def test_axe_finds_no_serious_violation_with_or_without_a_search(open_page, device):
    """axe-core (run offline in the page) reports no serious or critical violation on the
    published page, before and during a search, at desktop and phone sizes."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    page = open_page(REPORT, device=_phone(device) if device else None)
    p = page.page
    p.add_script_tag(path=str(AXE))
    run_axe = """async () => { const r = await axe.run(document);
      return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")); }"""
    assert p.evaluate(run_axe) == []
    p.get_by_label("Search events").fill("putin")
    p.wait_for_function("() => location.search === '?q=putin'")
    assert p.evaluate(run_axe) == []
    p.get_by_label("Search events").fill("no such words here")
    p.wait_for_function("() => location.search.startsWith('?q=no')")
    assert p.evaluate(run_axe) == []


def test_print_shows_the_header_and_chronology_without_controls(open_page, tmp_path):
    """Printed, the page is its header and chronology: no search, chart or copy buttons."""
    page = open_page(REPORT)
    p = page.page
    p.emulate_media(media="print")
    assert p.locator("h1").is_visible()
    assert p.locator("li.event").first.is_visible()
    for hidden in ("#eventline-timeline-controls", "#eventline-timeline", "button.copy-link"):
        assert not p.locator(hidden).first.is_visible(), hidden
    assert not p.locator("#eventline-timeline-status").is_visible()
    p.pdf(path=str(tmp_path / "timeline.pdf"))


def test_a_filtered_view_prints_how_many_events_it_shows(open_page, accented):
    """Printed while a search is active, the page says it shows only some of the events."""
    page = open_page(accented)
    p = page.page
    p.get_by_label("Search events").fill("demarche geneve")
    p.wait_for_function("() => location.search === '?q=demarche+geneve'")
    p.emulate_media(media="print")
    status = p.locator("#eventline-timeline-status")
    assert status.is_visible()
    assert status.inner_text() == "1 of 5 events shown"
    assert not p.get_by_label("Search events").is_visible()


def test_right_to_left_names_keep_their_order_in_the_chronology(open_page, tmp_path, small_doc):
    """Two right-to-left names in one "Actors:" line read in their data order, left to right."""
    small_doc["actors"][1]["name"] = "موسكو"  # trump, listed first in "call"
    small_doc["actors"][0]["name"] = "ירושלים"  # putin, second
    small_doc["events"][3]["places"] = ["القدس", "תל אביב", "Washington"]
    out = tmp_path / "rtl.html"
    out.write_text(render.to_html(eventline.load(write_json(tmp_path / "e.json", small_doc))))
    page = open_page(out)
    lefts = page.page.evaluate(
        """() => {
          const p = document.querySelector('#event-call .meta');
          const left = word => {
            const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walk.nextNode()) && !node.textContent.includes(word)) {}
            const r = document.createRange(), i = node.textContent.indexOf(word);
            r.setStart(node, i); r.setEnd(node, i + word.length);
            return r.getBoundingClientRect().left; };
          return ['موسكو', 'ירושלים', 'القدس', 'תל אביב', 'Washington'].map(left);
        }"""
    )
    assert lefts[0] < lefts[1]
    assert lefts[2] < lefts[3] < lefts[4]
    assert page.errors == []


def test_axe_finds_no_serious_violation_in_the_list_past_the_first_thousand(open_page, beyond):
    """The paged list of later events, opened by a permalink, passes axe-core too."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    page = open_page(beyond[0], suffix="#event-e02200")
    p = page.page
    p.add_script_tag(path=str(AXE))
    violations = p.evaluate(
        """async () => { const r = await axe.run(document);
        return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")); }"""
    )
    assert violations == []


# The focus ring of what has focus (its outline, offset included) and every piece of
# text on the page it would cover, each a [left, top, right, bottom] box.
RING_OVER_TEXT_JS = """() => {
  const el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
  const out = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset);
  const ring = [r.left - out, r.top - out, r.right + out, r.bottom + out];
  const covered = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim() || el.contains(n)) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const b of range.getClientRects()) {
      if (b.width && Math.min(b.right, ring[2]) > Math.max(b.left, ring[0])
          && Math.min(b.bottom, ring[3]) > Math.max(b.top, ring[1])) {
        covered.push(n.textContent.trim().slice(0, 30));
      }
    }
  }
  return {style: s.outlineStyle, covered};
}"""


@pytest.mark.parametrize("device", [None, "iPhone 12"])
def test_no_focus_ring_of_a_control_covers_any_text(open_page, device):
    """Tabbing through the search box, filters and Clear button draws each one's focus
    ring clear of every text, the search hint below it and the labels above included."""
    page = open_page(REPO / "reports" / "timeline.html", device=DEVICES[device] if device else None)
    p = page.page
    p.focus("#eventline-timeline-q")
    for _ in range(4):
        ring = p.evaluate(RING_OVER_TEXT_JS)
        assert ring["style"] == "solid"
        assert ring["covered"] == []
        p.keyboard.press("Tab")
    assert page.errors == []


def test_a_chart_of_many_crowded_lanes_stays_under_the_webgl_size_limit(
    open_page, tmp_path, small_doc
):
    """Twenty categories of many overlapping spans in one week would make a chart taller
    than Chromium's largest WebGL surface (8192 px at twice the pixels), which stretches
    marks out of their lanes: the chart stays at most 4,000 px high, every lane keeps
    its name, and every event stays reachable."""
    base = small_doc["events"][3]
    small_doc["categories"] = [{"id": f"c{i:02d}", "label": f"Lane {i}"} for i in range(20)]
    small_doc["events"] = [
        {
            **base,
            "id": f"e{i:04d}",
            "title": f"Talks round {i}",
            "category": f"c{i % 20:02d}",
            "date": f"2025-02-{1 + i % 5:02d}/2025-02-{9 + i % 4:02d}",
        }
        for i in range(2400)
    ]
    out, tl = _page_file(tmp_path, "crowded", small_doc)
    page = open_page(out)
    p = page.page
    height = p.evaluate("() => document.getElementById('eventline-timeline').offsetHeight")
    assert 1000 < height <= 4000
    lanes = p.evaluate(
        "() => Array.from(document.querySelectorAll('#eventline-timeline .ytick text'),"
        " t => t.textContent)"
    )
    assert {f"Lane {i}" for i in range(20)} <= set(lanes)
    assert p.evaluate(REACH_JS) == sorted(e.id for e in tl)
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []


@pytest.mark.parametrize("device", ["iPhone SE", "iPhone 12"])
def test_phone_tap_on_any_marker_keeps_its_event_shown(open_page, device):
    """Every marker tapped on a phone shows its event (or cluster) under the chart and
    keeps it there: the browser's follow-up click must not land on what the opened
    box moved under the finger (its Close button, its permalink)."""
    tl = eventline.load(REPO / "data" / "events.json")
    page = open_page(REPORT, device=_phone(device))
    points = {}
    for event in tl:
        page.page.evaluate(
            "() => window.scrollTo(0, document.getElementById('eventline-timeline').offsetTop - 20)"
        )
        point = page.page.evaluate(POINT_JS, [event.id])
        assert point is not None, event.id
        points.setdefault(tuple(round(v) for v in point), event.id)
    details = page.page.locator("#eventline-timeline-details")
    wrong = []
    for (x, y), event_id in points.items():
        page.page.evaluate(
            "() => window.scrollTo(0, document.getElementById('eventline-timeline').offsetTop - 20)"
        )
        page.page.touchscreen.tap(x, y)
        page.page.wait_for_timeout(400)  # the follow-up click comes within this
        state = page.page.evaluate(
            """() => {
              const box = document.getElementById("eventline-timeline-details");
              const r = box.getBoundingClientRect();
              return [location.hash, box.hidden, r.top >= 0 && r.top < window.innerHeight];
            }"""
        )
        if state != ["", False, True]:
            wrong.append((event_id, state))
        elif event_id not in details.inner_html():
            wrong.append((event_id, "another event shown"))
    assert wrong == []
    assert page.errors == []


def test_search_reads_typographic_quotes_as_the_keyboards(open_page, accented):
    """A straight apostrophe typed on a keyboard finds the data's curly one, and back;
    quotes around a phrase find what the phrase finds."""
    page = open_page(accented)
    p = page.page
    p.get_by_label("Search events").fill("zelenskyy's demarche")
    p.wait_for_function("() => location.search.startsWith('?q=zelenskyy')")
    assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    assert p.evaluate(REACH_JS) == ["call"]
    p.get_by_label("Search events").fill("ZELENSKYY\u2019S")
    p.wait_for_function("() => location.search.startsWith('?q=ZELENSKYY')")
    assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    p.get_by_label("Search events").fill("zelenskyys")
    p.wait_for_function("() => location.search === '?q=zelenskyys'")
    assert p.evaluate(VISIBLE_IDS_JS) == []
    # Double quotes around a phrase, straight or curly, are not part of its words.
    for quoted in ('"zelenskyy\'s demarche"', "\u201cZelenskyy\u2019s\u201d"):
        p.get_by_label("Search events").fill(quoted)
        p.wait_for_function(f"() => location.search === '?q={quote_plus(quoted)}'")
        assert p.evaluate(VISIBLE_IDS_JS) == ["call"]
    assert page.errors == []


@pytest.mark.parametrize("device", [None, "iPhone 13"])
def test_a_timeline_without_events_renders_and_opens(open_page, tmp_path, run, device):
    """An empty data file, or a filter that keeps no event, is a page that says so
    (no traceback from `eventline render`), opening without script errors."""
    empty = write_json(tmp_path / "empty.json", {"title": "Nothing yet", "events": []})
    out = tmp_path / "empty.html"
    result = run("render", "--data", str(empty), "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, f"{out}: 0 events drawn\n")
    filtered = tmp_path / "none.html"
    result = run("render", "--tag", "no-such-tag", "-o", str(filtered))
    assert (result.exit_code, result.stdout) == (0, f"{filtered}: 0 events drawn\n")
    for path in (out, filtered):
        page = open_page(path, device=_phone(device) if device else None)
        assert page.errors == []
        assert page.page.locator("li.event").count() == 0
        assert "0 events" in page.page.locator("header").inner_text()


ZOOM_JS = """async (range) => {
  const gd = document.getElementById("eventline-timeline");
  await Plotly.relayout(gd, {"xaxis.range": range});
  await new Promise(r => setTimeout(r, 200));
}"""

OWN_HOVER_JS = """(id) => {
  for (const t of document.getElementById("eventline-timeline").data) {
    if (!t.meta || t.meta[0] !== "overview" || t.meta[1] !== "events") continue;
    const j = t.customdata.findIndex(c => c[0] === id);
    if (j >= 0) return t.hovertext[j];
  }
  return null;
}"""


def test_later_events_keep_their_actors_and_dates_in_filters_search_and_hovers(
    open_page, tmp_path, small_doc
):
    """Past the first 1,000 events (whose actors travel as indices into a table of
    names) the actor filter and the search read each event's actors, the list names
    them as the chronology does, and a member given its own marker by a zoom hovers
    its title, date and category."""
    base, first = small_doc["events"][3], dt.date(2010, 1, 1)
    small_doc["events"] = [
        {
            **base,
            "id": f"e{i:05d}",
            "title": f"Call number {i}",
            "date": (first + dt.timedelta(days=i)).isoformat(),
            "actors": ["trump"],
        }
        for i in range(1500)
    ]
    small_doc["events"][1200]["actors"] = ["trump", "putin"]
    small_doc["events"][1300]["actors"] = ["putin"]
    out, tl = _page_file(tmp_path, "actors", small_doc)
    page = open_page(out, suffix="?actor=putin")
    p = page.page
    p.wait_for_function("() => document.querySelectorAll('li.event.extra').length === 2")
    assert p.evaluate(VISIBLE_IDS_JS) == ["e01200", "e01300"]
    assert "Actors: Donald Trump, Vladimir Putin" in p.locator("#event-e01200").inner_text()
    assert p.locator("#event-e01300").get_attribute("data-actors") == "putin"
    p.get_by_label("Actor", exact=True).select_option("")
    p.get_by_label("Search events").fill("vladimir")
    p.wait_for_function("() => location.search === '?q=vladimir'")
    assert p.evaluate(VISIBLE_IDS_JS) == ["e01200", "e01300"]
    p.get_by_label("Search events").fill("")
    p.wait_for_function("() => location.search === ''")
    day = tl.get("e01300").date.lower
    window = [(day - dt.timedelta(days=3)).isoformat(), (day + dt.timedelta(days=3)).isoformat()]
    p.evaluate(ZOOM_JS, window)
    hover = p.evaluate(OWN_HOVER_JS, "e01300")
    assert (
        hover
        == f"<b>Call number 1300</b><br>{tl.get('e01300').date.display()} · \u2068Diplomacy\u2069"
    )
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []


@pytest.mark.parametrize("device", ["iPad Mini", "iPhone 13 landscape"])
def test_a_swipe_on_the_chart_scrolls_a_tablet_or_a_sideways_phone(open_page, device):
    """On a touch screen wider than a phone held upright, the chart does not take a
    swipe for a pan: the page scrolls past it, as on the compact chart."""
    page = open_page(REPORT, device=_phone(device))
    p = page.page
    box = p.locator("#eventline-timeline .nsewdrag").first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] - 10, 250)
    p.evaluate("() => window.scrollTo(0, 0)")
    before = p.evaluate("() => window.scrollY")
    cdp = p.context.new_cdp_session(p)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x, "y": y - 20 * step}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    p.wait_for_timeout(500)
    assert p.evaluate("() => window.scrollY") > before + 100
    layout = p.evaluate("() => document.getElementById('eventline-timeline').layout")
    assert layout["dragmode"] is False
    assert page.errors == []


def test_search_reads_letters_without_accents_as_a_keyboard_types_them(
    open_page, tmp_path, small_doc
):
    """ł, ø, ß and the like have no accent to strip: "lodz" finds "Łódź", "strasse"
    finds "Straße", "orsted" finds "Ørsted"."""
    small_doc["events"][0]["title"] = "Talks in Łódź"
    small_doc["events"][1]["summary"] = "A meeting on the Königstraße."
    small_doc["events"][2]["title"] = "Ørsted statement"
    out, _ = _page_file(tmp_path, "letters", small_doc)
    page = open_page(out)
    p = page.page
    for query, event_id in (("lodz", "annexation"), ("strasse", "invasion"), ("orsted", "war")):
        p.get_by_label("Search events").fill(query)
        p.wait_for_function(f"() => location.search === '?q={query}'")
        assert p.evaluate(VISIBLE_IDS_JS) == [event_id]
    assert page.errors == []
