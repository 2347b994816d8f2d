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
    """Open the published page at a size: None is a 1280 px desktop, a number a window
    that wide (900 px high), else a phone's name."""
    pages: list[Page] = []

    def _open(device: str | int | None, suffix: str = "", path: Any = REPORT) -> Page:
        if isinstance(device, int):
            options: dict[str, Any] | None = {"viewport": {"width": device, "height": 900}}
        else:
            options = DEVICES[device] if device else None
        pages.append(Page(browser, path, device=options, suffix=suffix))
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


# Every text the traces draw (focus labels, cluster counts), every bar and marker, in
# page pixels, with the plot area of its panel. A box is [left, top, right, bottom].
DRAWN_JS = """() => {
  const gd = document.getElementById("eventline-timeline"), box = gd.getBoundingClientRect();
  const area = {}, texts = [], things = [];
  const axes = t => [gd._fullLayout[(t.xaxis || "x").replace("x", "xaxis")],
                     gd._fullLayout[(t.yaxis || "y").replace("y", "yaxis")]];
  gd._fullData.forEach(t => {
    const [xa, ya] = axes(t), key = t.xaxis + t.yaxis;
    area[key] = [box.left + xa._offset, box.top + ya._offset,
                 box.left + xa._offset + xa._length, box.top + ya._offset + ya._length];
    if (!t.meta || t.visible !== true) return;
    const px = x => box.left + xa._offset + xa.d2p(x), py = y => box.top + ya._offset + ya.d2p(y);
    if (t.meta[1] === "spans") {
      for (let j = 0; j + 1 < t.x.length; j += 3) {
        if (t.x[j] === null) continue;
        const y = py(t.y[j]), w = t.line.width / 2;
        things.push({what: "bar", id: t.customdata[j], key,
          box: [Math.max(px(t.x[j]), area[key][0]), y - w, Math.min(px(t.x[j + 1]), area[key][2]), y + w]});
      }
    }
    if (["events", "clusters", "ongoing"].includes(t.meta[1])) {
      t.x.forEach((x, j) => {
        if (x === null) return;
        const cd = t.customdata[j], size = Array.isArray(t.marker.size) ? t.marker.size[j] : t.marker.size;
        const r = size / 2, cx = px(x), cy = py(t.y[j]);
        things.push({what: t.meta[1], id: cd[0] || cd[2], key, box: [cx - r, cy - r, cx + r, cy + r]});
      });
    }
  });
  document.querySelectorAll("#eventline-timeline g.trace.scatter").forEach(g => {
    const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (!t || !t.meta || (t.meta[1] !== "labels" && t.meta[1] !== "clusters")) return;
    g.querySelectorAll("text").forEach((el, j) => {
      if (!el.textContent.trim()) return;
      const r = el.getBoundingClientRect(), d = el.__data__ || {};
      const k = d.i !== undefined ? d.i : j;
      const id = t.meta[1] === "labels" ? t.customdata[k] : null;
      const ids = t.meta[1] === "clusters" ? t.customdata[k][2].split(" ") : [];
      texts.push({text: el.textContent.trim(), what: t.meta[1], id, ids, key: t.xaxis + t.yaxis,
        box: [r.left, r.top, r.right, r.bottom]});
    });
  });
  return {area, texts, things};
}"""


def _overlap(a: list[float], b: list[float], slack: float = 1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def _label_faults(drawn: dict[str, Any]) -> list[str]:
    """Texts cut by their plot area's edge, or overlapping another text, bar or marker
    (a label may touch its own event's marker, a cluster count its own cluster and its
    members' bars, on which the cluster sits)."""
    faults = []
    texts, things = drawn["texts"], drawn["things"]
    for i, t in enumerate(texts):
        a = drawn["area"][t["key"]]
        if t["box"][0] < a[0] - 0.5 or t["box"][2] > a[2] + 0.5:
            faults.append(f"{t['text']!r} leaves the plot area {a} at {t['box']}")
        for u in texts[i + 1 :]:
            if _overlap(t["box"], u["box"]):
                faults.append(f"{t['text']!r} overlaps {u['text']!r}")
        for thing in things:
            own = t["what"] == "labels" and thing["id"] == t["id"] and thing["what"] == "events"
            count = t["what"] == "clusters" and (
                thing["what"] == "clusters" or (thing["what"] == "bar" and thing["id"] in t["ids"])
            )
            if not own and not count and _overlap(t["box"], thing["box"]):
                faults.append(f"{t['text']!r} overlaps the {thing['what']} of {thing['id']}")
    return faults


@pytest.mark.parametrize("device", [*SIZES, 768, 1024])
def test_no_chart_text_is_cut_or_drawn_over_another_text_bar_or_marker(show, device):
    """Every focus label and cluster count is whole inside its panel and clear of other
    labels, of bars (the red "ongoing" war across the focus week) and of other markers;
    on the desktop the focus panel still titles every one of its events (narrower
    windows shorten a title with "…" to the room it has)."""
    page = show(device)
    drawn = page.page.evaluate(DRAWN_JS)
    assert _label_faults(drawn) == []
    labels = [t["text"] for t in drawn["texts"] if t["what"] == "labels"]
    titles = {e.title for e in eventline.load(REPO / "data" / "events.json")}
    shortened = [t for t in labels if t not in titles]
    assert all(t.endswith("…") and any(x.startswith(t[:-1]) for x in titles) for t in shortened)
    if device is None:
        assert "Munich Security Conference 2025" in labels
        assert "The full-scale war in Ukraine" in labels
        focus = {i for t in drawn["things"] if t["key"] == "x2y2" for i in t["id"].split(" ")}
        titled = [t["id"] for t in drawn["texts"] if t["what"] == "labels"]
        assert sorted(titled) == sorted(focus)
        assert len(focus) == 16
    assert page.errors == []


# The overview's markers now: each lone event, and each cluster's members.
MARKERS_JS = """() => {
  const gd = document.getElementById("eventline-timeline"), lone = [], clusters = [];
  gd.data.forEach(t => {
    if (!t.meta || t.meta[0] !== "overview" || !t.customdata) return;
    t.customdata.forEach((c, j) => {
      if (t.x[j] === null) return;
      if (t.meta[1] === "events") lone.push(c[0]);
      if (t.meta[1] === "clusters") clusters.push(c[2].split(" ").sort());
    });
  });
  return {lone: lone.sort(), clusters: clusters.sort()};
}"""

ZOOM_JS = """async (range) => {
  const gd = document.getElementById("eventline-timeline");
  await Plotly.relayout(gd, {"xaxis.range": range});
  await new Promise(r => setTimeout(r, 200));
}"""


def test_zooming_in_splits_clusters_whose_members_now_have_room(show):
    """Zoomed in on February 2025, events a few days apart that shared one cluster in the
    whole-span overview get markers of their own; zoomed back out they merge again;
    every event stays reachable throughout."""
    page = show(None)
    p = page.page
    start = p.evaluate("() => document.getElementById('eventline-timeline').layout.xaxis.range")
    before = p.evaluate(MARKERS_JS)
    munich = next(c for c in before["clusters"] if "munich-security-conference" in c)
    assert "trump-orders-talks" in munich
    assert "munich-security-conference" not in before["lone"]

    p.evaluate(ZOOM_JS, ["2025-01-25", "2025-02-20"])
    zoomed = p.evaluate(MARKERS_JS)
    assert "munich-security-conference" in zoomed["lone"]
    assert "trump-rare-earths-oval-office" in zoomed["lone"]
    # Events on one day in one slot are spread across their day once it is wide enough.
    assert "bruen-comparison" in zoomed["lone"]
    assert "landsbergis-criticism" in zoomed["lone"]
    assert len(zoomed["lone"]) > len(before["lone"])
    reach = sorted(zoomed["lone"] + [i for c in zoomed["clusters"] for i in c])
    assert reach == sorted(EVENTS)

    p.evaluate(ZOOM_JS, start)
    assert p.evaluate(MARKERS_JS) == before
    assert page.errors == []


def test_zooming_to_one_day_gives_every_same_day_event_a_marker_of_its_own(show):
    """Zoomed on a day, events of that day that shared one spot (a cluster that no zoom
    used to split) get markers of their own, spread across the day, each hovering its
    own title; zoomed back out they share one cluster again."""
    page = show(None)
    p = page.page
    start = p.evaluate("() => document.getElementById('eventline-timeline').layout.xaxis.range")
    before = p.evaluate(MARKERS_JS)
    assert ["kremlin-announces-summit-plan", "trump-zelenskiy-call"] in before["clusters"]
    p.evaluate(ZOOM_JS, ["2025-02-11T12:00", "2025-02-12T12:00"])
    zoomed = p.evaluate(MARKERS_JS)
    assert zoomed["clusters"] == []
    for pair in (
        ["kremlin-announces-summit-plan", "trump-zelenskiy-call"],
        ["bruen-comparison", "landsbergis-criticism"],
        ["cleverly-warning", "mcfaul-criticism"],
        ["herbst-assessment", "wertheim-assessment"],
    ):
        assert set(pair) <= set(zoomed["lone"])
    assert sorted(zoomed["lone"]) == sorted(EVENTS)
    # The two of 12 February are each at a point of their own within that day.
    xs = p.evaluate(
        """(ids) => { const out = {};
          document.getElementById("eventline-timeline").data.forEach(t => {
            if (t.meta && t.meta[0] === "overview" && t.meta[1] === "events")
              t.customdata.forEach((c, j) => { if (ids.includes(c[0])) out[c[0]] = t.x[j]; });
          }); return out; }""",
        ["kremlin-announces-summit-plan", "trump-zelenskiy-call"],
    )
    assert sorted(xs.values()) == ["2025-02-12T06:00:00", "2025-02-12T18:00:00"]
    p.evaluate(ZOOM_JS, start)
    assert p.evaluate(MARKERS_JS) == before
    assert page.errors == []


def test_a_search_then_a_zoom_regroups_only_the_matching_events(show):
    """With a search active, clusters hold only matching events, and a zoom keeps it so."""
    page = show(None, suffix="?q=trump")
    p = page.page
    shown = p.evaluate(
        "() => Array.from(document.querySelectorAll('li.event:not([hidden])'), li => li.id.slice(6))"
    )
    markers = p.evaluate(MARKERS_JS)
    assert sorted(markers["lone"] + [i for c in markers["clusters"] for i in c]) == sorted(shown)
    p.evaluate(ZOOM_JS, ["2025-01-25", "2025-02-20"])
    markers = p.evaluate(MARKERS_JS)
    assert sorted(markers["lone"] + [i for c in markers["clusters"] for i in c]) == sorted(shown)
    assert "trump-resources-for-aid" in markers["lone"]
    assert page.errors == []


KREMLIN = "Kremlin says Putin and Trump agreed to meet; Putin invites Trump to Moscow"


@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_focus_titles_are_whole_where_the_panel_has_room(show, width):
    """On wide windows a long focus title is drawn whole (no fixed character cut): a
    title is shortened with "…" only where the next text, bar, marker or the panel's
    edge leaves no room for all of it."""
    page = show(width)
    drawn = page.page.evaluate(DRAWN_JS)
    labels = [t for t in drawn["texts"] if t["what"] == "labels"]
    assert KREMLIN in [t["text"] for t in labels]
    for t in labels:
        if not t["text"].endswith("…"):
            continue
        box, area = t["box"], drawn["area"][t["key"]]
        # What stops it, on one side or the other: a thing in its row, or the edge.
        row = [
            u["box"]
            for u in drawn["texts"] + drawn["things"]
            if u is not t and _overlap(u["box"], [-1e9, box[1], 1e9, box[3]], 0)
        ]
        right = min([area[2], *(b[0] for b in row if b[0] >= box[2] - 1)]) - box[2]
        left = box[0] - max([area[0], *(b[2] for b in row if b[2] <= box[0] + 1)])
        assert min(right, left) < 40, t["text"]
    assert page.errors == []


# Plotly's own legend and axis tick labels: each text's box, the legend's box and the
# chart's box, in page pixels ([left, top, right, bottom]).
AXIS_TEXT_JS = """() => {
  const gd = document.getElementById("eventline-timeline"), b = gd.getBoundingClientRect();
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const texts = sel => Array.from(gd.querySelectorAll(sel), el => ({text: el.textContent, box: box(el)}))
    .filter(t => t.box[2] > t.box[0]);  // plotly.js keeps unused ticks, empty
  return {chart: [b.left, b.top, b.right, b.bottom], legend: box(gd.querySelector("g.legend rect.bg")),
          entries: texts("g.legend text"), ticks: texts("g.xtick text, g.x2tick text")};
}"""


@pytest.mark.parametrize("width", [768, 1024, 1280])
def test_category_legend_and_day_labels_are_whole_inside_the_chart(show, width):
    """Each category name in plotly's legend and each slanted day label of the focus
    panel is whole inside the chart, and no day label runs under the legend."""
    page = show(width)
    drawn = page.page.evaluate(AXIS_TEXT_JS)
    chart = drawn["chart"]
    names = [e["text"] for e in drawn["entries"]]
    assert "International law" in names
    assert "Reporting" in names
    for t in drawn["entries"] + drawn["ticks"]:
        left, top, right, bottom = t["box"]
        assert chart[0] - 0.5 <= left < right <= chart[2] + 0.5, t
        assert chart[1] - 0.5 <= top < bottom <= chart[3] + 0.5, t
    for t in drawn["ticks"]:
        assert not _overlap(t["box"], drawn["legend"], 0), t["text"]
    assert page.errors == []


@pytest.mark.parametrize("device", [None, "iPhone 12"])
def test_cluster_counts_of_thousands_are_short_and_inside_their_markers(
    show, tmp_path, small_doc, device
):
    """A cluster of thousands shows a short count ("1.5K"; its hover lists the whole
    number) that stays inside its marker, and no two counts overlap."""
    from eventline import render

    from .conftest import write_json

    base = small_doc["events"][3]
    small_doc["events"] = [
        {**base, "id": f"e{i:05d}", "title": f"Call {i}", "date": f"2025-02-{1 + i % 3:02d}"}
        for i in range(4500)
    ] + [{**base, "id": "early", "title": "Early", "date": "2015-01-01"}]
    tl = eventline.load(write_json(tmp_path / "many.json", small_doc))
    out = tmp_path / "many.html"
    # Drawn as SVG, whose texts the browser measures (WebGL draws the same counts).
    out.write_text(render.to_html(tl, webgl=False), encoding="utf-8")
    page = show(device, path=out)
    drawn = page.page.evaluate(DRAWN_JS)
    counts = [t for t in drawn["texts"] if t["what"] == "clusters"]
    assert counts
    assert any(t["text"].endswith("K") for t in counts)
    assert all(len(t["text"]) <= 4 for t in counts)
    for t in counts:
        marker = next(
            u["box"]
            for u in drawn["things"]
            if u["what"] == "clusters" and u["id"].split(" ") == t["ids"]
        )
        assert marker[0] - 0.5 <= t["box"][0] < t["box"][2] <= marker[2] + 0.5, t["text"]
    for i, t in enumerate(counts):
        assert not any(_overlap(t["box"], u["box"]) for u in counts[i + 1 :]), t["text"]
    assert [e for e in page.errors if not any(w in e for w in ("WebGL", "GPU", "Canvas2D"))] == []
