"""The interactive timeline: a Plotly figure and a self-contained HTML page.

The figure has two panels: an overview of the whole span and a focus panel
on the most crowded week, one lane per category in both. Point events are
markers; intervals are bars; a month or a year is drawn as the dotted, lighter
span it could fall in; an open end runs to the right edge with an arrow.

Every text from the data is HTML-escaped before it reaches Plotly (which
renders a few tags in labels) or the page, and the figure's JSON is written
with ``<``, ``>`` and ``&`` escaped so no value can close a script tag.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import textwrap
from collections.abc import Sequence
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any, Literal

import attrs

from eventline.bidi import FSI, PDI, isolate, isolate_join
from eventline.dates import DatePoint, EventDate
from eventline.model import Event, Timeline

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["DIV_ID", "WEBGL_THRESHOLD", "figure", "to_html"]

DIV_ID = "eventline-timeline"
WEBGL_THRESHOLD = 2000  # above this many events, markers and bars use WebGL
CHRONOLOGY_LIMIT = 1000  # the page lists at most this many events
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_FOCUS_DAYS = 7
_ROW_PX = 26
_OVERVIEW_SLOTS = 3
_FOCUS_SLOTS = 8
_LABEL_CHARS = 64
_CHAR_PX = 6.6
_PLOT_PX = 900  # the focus panel's drawing width assumed when packing labels
_DAY = dt.timedelta(days=1)
_NOON = dt.timedelta(hours=12)

PlotlyJS = Literal["embed", "cdn"]


@attrs.frozen
class _Span:
    """An event placed on a time axis: from ``start`` to ``end`` (exclusive), as datetimes."""

    event: Event
    start: dt.datetime
    end: dt.datetime
    open_end: bool
    coarse: bool  # month or year precision somewhere: the day is not known

    @property
    def point(self) -> bool:
        return not self.open_end and not self.coarse and self.end - self.start == _DAY

    @property
    def middle(self) -> dt.datetime:
        return self.start + (self.end - self.start) / 2


def _span(event: Event, right_edge: dt.datetime) -> _Span:
    date = event.date
    start = dt.datetime.combine(date.lower, dt.time())
    upper = date.upper
    end = right_edge if upper is None else _add(dt.datetime.combine(upper, dt.time()), _DAY)
    return _Span(event, start, end, upper is None, date.precision != "day")


def _add(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``moment + delta``, kept within the years 1 to 9999 that dates can have."""
    try:
        return moment + delta
    except OverflowError:
        return dt.datetime.min if delta < dt.timedelta(0) else dt.datetime.max


def _secs(moment: dt.datetime) -> float:
    return (moment - dt.datetime.min).total_seconds()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _ptext(text: str) -> str:
    """Text for Plotly labels: its pseudo-HTML then shows tags as text.

    Only & < > are escaped: Plotly decodes those (and numeric entities) but
    shows ``&quot;`` literally, and without ``<`` no tag can form.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, width: int = 72) -> str:
    """``text`` in lines of at most ``width`` characters, joined by ``<br>``.

    A value isolated by :mod:`eventline.bidi` that a line break cuts in two
    is closed (PDI) at the end of its first line and opened again (FSI) at
    the start of the next, so each line, which Plotly draws as a text chunk of
    its own, keeps every part of the value isolated.
    """
    lines, carried = [], 0
    for line in textwrap.wrap(text, width) or [""]:
        line = FSI * carried + line
        carried = 0
        for c in line:
            if c == FSI:
                carried += 1
            elif c == PDI and carried:
                carried -= 1
        lines.append(_ptext(line + PDI * carried))
    return "<br>".join(lines)


def _short(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _colors(timeline: Timeline) -> dict[str, str]:
    return {
        cid: cat.color or _PALETTE[i % len(_PALETTE)]
        for i, (cid, cat) in enumerate(timeline.categories.items())
    }


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _hover(timeline: Timeline, event: Event) -> str:
    category = timeline.categories.get(event.category)
    lines = [f"<b>{_wrap(event.title, 60)}</b>", _ptext(event.date.display())]
    if category is not None:
        lines[-1] += f" · {_ptext(isolate(category.label))}"
    if event.summary:
        lines.append(_wrap(event.summary))
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        lines.append(_wrap("Actors: " + isolate_join(names)))
    titles = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is not None and source.title not in titles:
            titles.append(source.title)
    if titles:
        lines.append(_wrap("Sources: " + isolate_join(titles, "; ")))
    if _first_url(timeline, event):
        lines.append("<i>Click to open the source</i>")
    return "<br>".join(lines)


def _first_url(timeline: Timeline, event: Event) -> str | None:
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is not None and source.url:
            return source.url
    return None


def _pack(items: Sequence[tuple[float, float]], max_slots: int) -> tuple[list[int], bool]:
    """Give each (start, end) a slot so that no two in a slot overlap.

    Returns the slots and whether ``max_slots`` sufficed; when it does not,
    the extra items share slots round-robin (the caller then hides labels).
    """
    ends: list[float] = []
    slots: list[int] = []
    fits = True
    for i, (start, end) in enumerate(items):
        for slot, last in enumerate(ends):
            if last <= start:
                ends[slot] = end
                slots.append(slot)
                break
        else:
            if len(ends) < max_slots:
                ends.append(end)
                slots.append(len(ends) - 1)
            else:
                fits = False
                slot = i % max_slots
                ends[slot] = max(ends[slot], end)
                slots.append(slot)
    return slots, fits


def _densest_week(spans: Sequence[_Span]) -> tuple[dt.datetime, dt.datetime] | None:
    """The 7-day window holding the most short events, as (start, end) of the focus panel."""
    short = sorted(s.start for s in spans if not s.open_end and s.end - s.start <= 7 * _DAY)
    if len(short) < 2:
        return None
    best, best_i, j = 0, 0, 0
    for i, start in enumerate(short):
        while short[j] < _add(start, -(_FOCUS_DAYS - 1) * _DAY):
            j += 1
        if i - j + 1 > best:
            best, best_i = i - j + 1, j
    first = short[best_i]
    inside = [s for s in spans if first <= s.start < first + _FOCUS_DAYS * _DAY]
    last = max(min(s.end, _add(first, (_FOCUS_DAYS + 7) * _DAY)) for s in inside)
    return _add(first, -_DAY), max(_add(last, _DAY), _add(first, _FOCUS_DAYS * _DAY))


@attrs.frozen
class _Lane:
    """One category's row group in a panel: its spans, each in a slot (sub-row)."""

    category: str
    label: str
    color: str
    spans: tuple[_Span, ...]
    slots: tuple[int, ...]
    labelled: bool  # the focus panel writes titles beside the markers

    @property
    def rows(self) -> int:
        return max(self.slots, default=-1) + 1


@attrs.frozen
class _Panel:
    """The overview or the focus panel: a time window and its lanes, top to bottom."""

    name: Literal["overview", "focus"]
    start: dt.datetime
    end: dt.datetime
    lanes: tuple[_Lane, ...]

    @property
    def rows(self) -> int:
        return sum(lane.rows for lane in self.lanes)

    def clip(self, moment: dt.datetime) -> dt.datetime:
        return min(max(moment, self.start), self.end)


def _panel(
    name: Literal["overview", "focus"],
    start: dt.datetime,
    end: dt.datetime,
    spans: Sequence[_Span],
    timeline: Timeline,
    categories: Sequence[str],
) -> _Panel:
    """Lay out the spans that meet [start, end): slots so nothing overlaps, labels if they fit."""
    colors = _colors(timeline)
    per_px = (end - start).total_seconds() / _PLOT_PX
    lanes = []
    for cid in categories:
        lane = tuple(
            s for s in spans if s.event.category == cid and s.end > start and s.start < end
        )
        if name == "overview":
            # A marker is about 14 px wide; nearer events take another slot.
            items = [
                (_secs(s.start), max(_secs(s.end), _secs(s.start) + 14 * per_px)) for s in lane
            ]
            slots, labelled = _pack(items, _OVERVIEW_SLOTS)[0], False
        else:
            items = [
                (
                    _secs(s.start),
                    _secs(_label_anchor(s, start, end))
                    + (len(_short(s.event.title)) * _CHAR_PX + 18) * per_px,
                )
                for s in lane
            ]
            slots, labelled = _pack(items, _FOCUS_SLOTS)
        if not lane and name == "focus":
            continue
        category = timeline.categories.get(cid)
        lanes.append(
            _Lane(
                cid,
                category.label if category else cid,
                colors.get(cid, _PALETTE[0]),
                lane,
                tuple(slots) or (0,),
                labelled,
            )
        )
    return _Panel(name, start, end, tuple(lanes))


def _trace(webgl: bool, **props: Any) -> Any:
    import plotly.graph_objects as go

    return go.Scattergl(**props) if webgl else go.Scatter(**props)


def figure(timeline: Timeline, *, title: str | None = None, webgl: bool | None = None) -> go.Figure:
    """The timeline as a Plotly figure, ready for ``fig.show()`` or restyling.

    Args:
        timeline: the events to draw (filter it first to draw fewer).
        title: the figure title; default: the dataset's title.
        webgl: draw with WebGL (``scattergl``); default: when there are more
            than ``WEBGL_THRESHOLD`` events.
    """
    import plotly.graph_objects as go

    events = list(timeline)
    use_gl = len(events) > WEBGL_THRESHOLD if webgl is None else webgl
    first = min((e.date.lower for e in events), default=dt.date(2000, 1, 1))
    last = max((e.date.upper or e.date.lower for e in events), default=first)
    pad = max(dt.timedelta(days=(last - first).days // 40), 3 * _DAY)
    x0 = _add(dt.datetime.combine(first, dt.time()), -pad)
    x1 = _add(dt.datetime.combine(last, dt.time()), _DAY + pad)
    spans = [_span(e, x1) for e in events]
    categories = [cid for cid in timeline.categories if any(e.category == cid for e in events)]
    categories += sorted({e.category for e in events} - set(categories))

    panels = [_panel("overview", x0, x1, spans, timeline, categories)]
    focus = _densest_week(spans)
    if focus is not None:
        panels.append(_panel("focus", focus[0], focus[1], spans, timeline, categories))

    hover = {e.id: _hover(timeline, e) for e in events}
    urls = {e.id: _first_url(timeline, e) or "" for e in events}
    gap_px, top_px, bottom_px = 70, 100, 90
    plot_px = sum(p.rows for p in panels) * _ROW_PX + gap_px * (len(panels) - 1)
    fig = go.Figure()
    layout: dict[str, Any] = {}
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    top = 1.0
    for number, panel in enumerate(panels, start=1):
        suffix = "" if number == 1 else str(number)
        xref, yref = f"x{suffix}", f"y{suffix}"
        height = panel.rows * _ROW_PX / plot_px
        ticks = _add_panel(fig, panel, xref, yref, hover, urls, use_gl, shapes)
        layout[f"xaxis{suffix}"] = {
            "type": "date",
            "range": [panel.start.isoformat(), panel.end.isoformat()],
            "anchor": yref,
            "showgrid": True,
            "gridcolor": "#eceff3",
            "linecolor": "#b7bec8",
            "ticks": "outside",
            **({"dtick": 86400000, "tickformat": "%a %d %b"} if panel.name == "focus" else {}),
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [round(max(top - height, 0.0), 6), round(min(top, 1.0), 6)],
            "tickmode": "array",
            "tickvals": [t[0] for t in ticks],
            "ticktext": [t[1] for t in ticks],
            "range": [-0.5, max(panel.rows - 0.5, 0.5)],
            "fixedrange": True,
            "showgrid": False,
            "zeroline": False,
            "anchor": xref,
        }
        if panel.name == "overview":
            heading = f"Overview: {first.year}–{last.year}"
            if focus is not None:
                heading += " (shaded: the focus below)"
                shapes.append(_focus_band(focus))
        else:
            heading = (
                f"Focus: {_range_text(panel.start, panel.end)} (drag to pan, double-click to reset)"
            )
        annotations.append(_panel_title(heading, top))
        top -= height + gap_px / plot_px

    name = timeline.title if title is None else title
    fig.update_layout(
        title={
            "text": f"<b>{_ptext(name)}</b>",
            "subtitle": {"text": _ptext(_subtitle(timeline))},
            "x": 0.01,
        },
        height=plot_px + top_px + bottom_px,
        margin={"l": 140, "r": 30, "t": top_px, "b": bottom_px},
        hovermode="closest",
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "title": {"text": "Categories (click to hide or show):"},
            "itemclick": "toggle",
            "itemdoubleclick": "toggleothers",
        },
        # No template: the figure's JSON then depends only on the data, not on
        # the plotly version's default theme (and stays small).
        template="none",
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
        shapes=shapes,
        annotations=annotations,
        dragmode="pan",
        showlegend=True,
        **layout,
    )
    return fig


def _add_panel(
    fig: go.Figure,
    panel: _Panel,
    xref: str,
    yref: str,
    hover: dict[str, str],
    urls: dict[str, str],
    webgl: bool,
    shapes: list[dict[str, Any]],
) -> list[tuple[float, str]]:
    """Draw a panel's lanes, the first at the top; return its y tick positions and labels."""
    ticks = []
    bottom = float(panel.rows)
    for i, lane in enumerate(panel.lanes):
        bottom -= lane.rows
        top_row = bottom + lane.rows - 1
        ticks.append((bottom + (lane.rows - 1) / 2, _ptext(lane.label)))
        if i % 2 == 0:
            shapes.append(_lane_band(xref, yref, bottom - 0.5, bottom + lane.rows - 0.5))
        ys = [top_row - slot for slot in lane.slots[: len(lane.spans)]]
        fig.add_traces(_lane_traces(panel, lane, ys, hover, urls, xref, yref, webgl))
    return ticks


def _lane_band(xref: str, yref: str, y0: float, y1: float) -> dict[str, Any]:
    return {
        "type": "rect",
        "xref": f"{xref} domain",
        "yref": yref,
        "x0": 0,
        "x1": 1,
        "y0": y0,
        "y1": y1,
        "fillcolor": "rgba(120,135,160,0.07)",
        "line": {"width": 0},
        "layer": "below",
    }


def _focus_band(focus: tuple[dt.datetime, dt.datetime]) -> dict[str, Any]:
    return {
        "type": "rect",
        "xref": "x",
        "yref": "y domain",
        "x0": focus[0].isoformat(),
        "x1": focus[1].isoformat(),
        "y0": 0,
        "y1": 1,
        "fillcolor": "rgba(255,200,0,0.18)",
        "line": {"width": 1, "color": "rgba(200,150,0,0.6)"},
        "layer": "below",
    }


def _panel_title(text: str, y: float) -> dict[str, Any]:
    return {
        "text": f"<b>{_ptext(text)}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": y,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": 6,
        "showarrow": False,
        "font": {"size": 12, "color": "#444"},
    }


def _range_text(start: dt.datetime, end: dt.datetime) -> str:
    last = (end - _DAY).date()
    return EventDate(
        DatePoint(start.year, start.month, start.day),
        DatePoint(last.year, last.month, last.day),
        "closed",
    ).display()


def _label_anchor(span: _Span, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """Where a focus label starts: after the event, or over a bar that runs past the panel."""
    if span.end >= end or span.start < start:
        return max(span.start, start)
    return span.middle if span.point else span.end


def _marker(span: _Span, panel: _Panel) -> tuple[dt.datetime, str]:
    """Where an event's marker goes, and its symbol.

    A known day: a dot at midday. An uncertain or approximate date: an open
    diamond. A span: at its start (a month or year: an open square mid-span,
    never a made-up first of the month); clipped into the panel.
    """
    qualified = span.event.date.qualifier is not None
    if span.point:
        return span.middle, "diamond-open" if qualified else "circle"
    x = span.middle if span.coarse and not span.open_end else span.start
    symbol = "diamond-open" if qualified else "square-open" if span.coarse else "circle"
    return panel.clip(x), symbol


def _lane_traces(
    panel: _Panel,
    lane: _Lane,
    ys: Sequence[float],
    hover: dict[str, str],
    urls: dict[str, str],
    xref: str,
    yref: str,
    webgl: bool,
) -> list[Any]:
    common = {"xaxis": xref, "yaxis": yref, "legendgroup": lane.category, "showlegend": False}
    placed = list(zip(lane.spans, ys, strict=True))
    traces: list[Any] = []
    for coarse in (False, True):
        xs: list[str | None] = []
        bar_y: list[float | None] = []
        for span, y in placed:
            if not span.point and span.coarse == coarse:
                xs += [span.start.isoformat(), span.end.isoformat(), None]
                bar_y += [y, y, None]
        if xs:
            line = {
                "color": _rgba(lane.color, 0.35 if coarse else 0.6),
                "width": 9,
                "dash": "dot" if coarse else "solid",
            }
            traces.append(
                _trace(
                    webgl,
                    x=xs,
                    y=bar_y,
                    mode="lines",
                    line=line,
                    hoverinfo="skip",
                    name=f"{_ptext(lane.label)} spans",
                    **common,
                )
            )
    ongoing = [y for span, y in placed if span.open_end]
    if ongoing:
        traces.append(
            _trace(
                False,
                x=[panel.end.isoformat()] * len(ongoing),
                y=ongoing,
                mode="markers+text",
                marker={"symbol": "triangle-right", "size": 13, "color": lane.color},
                text=["ongoing"] * len(ongoing),
                textposition="middle left",
                textfont={"size": 10, "color": "#333"},
                hoverinfo="skip",
                name=f"{_ptext(lane.label)} ongoing",
                cliponaxis=False,
                **common,
            )
        )
    markers = [_marker(span, panel) for span, _ in placed]
    traces.append(
        _trace(
            webgl,
            x=[x.isoformat() for x, _ in markers],
            y=list(ys),
            mode="markers",
            marker={
                "symbol": [symbol for _, symbol in markers],
                "size": [11 if span.point else 9 for span, _ in placed],
                "color": lane.color,
                "line": {"width": 2, "color": lane.color},
            },
            hovertext=[hover[span.event.id] for span, _ in placed],
            hoverinfo="text",
            customdata=[[span.event.id, urls[span.event.id]] for span, _ in placed],
            name=_ptext(lane.label),
            meta=[panel.name, "events"],
            **{**common, "showlegend": panel.name == "overview"},
        )
    )
    if lane.labelled and placed:
        traces.append(
            _trace(
                False,
                x=[_label_anchor(s, panel.start, panel.end).isoformat() for s, _ in placed],
                y=list(ys),
                mode="text",
                text=["  " + _ptext(_short(span.event.title)) for span, _ in placed],
                textposition="middle right",
                textfont={"size": 11, "color": "#1d2330"},
                hoverinfo="skip",
                name=f"{_ptext(lane.label)} labels",
                cliponaxis=True,
                **common,
            )
        )
    return traces


def _subtitle(timeline: Timeline) -> str:
    parts = []
    if timeline.description:
        parts.append(_short(timeline.description, 220))
    sources = {c.source for e in timeline for c in e.citations}
    facts = [_count(len(timeline), "event"), _count(len(sources), "source")]
    if len(timeline):
        latest = max(timeline, key=lambda e: (e.date.upper or e.date.lower, e.date.lower, e.id))
        facts.append(f"latest event: {latest.date.display()}")
    parts.append(" · ".join(facts))
    return " — ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element: no <, >, & or line separators."""
    import plotly.io as pio

    text = pio.to_json(value, validate=False, pretty=False, engine="json")
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return str(text)


_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"filename": "timeline", "scale": 2},
}

_CONFIG_JSON = json.dumps(_CONFIG, sort_keys=True)

# A fixed script: it reads the figure's customdata, never data in its own text.
_CLICK_SCRIPT = """
(function () {
  var gd = document.getElementById("%(div)s");
  var fig = JSON.parse(document.getElementById("%(div)s-figure").textContent);
  Plotly.newPlot(gd, fig.data, fig.layout, %(config)s).then(function (plot) {
    plot.on("plotly_click", function (ev) {
      var point = ev && ev.points && ev.points[0];
      var info = point && point.customdata;
      if (!info) { return; }
      var url = String(info[1] || "");
      if (/^https?:\\/\\//.test(url)) {
        window.open(url, "_blank", "noopener,noreferrer");
      } else {
        var item = document.getElementById("event-" + info[0]);
        if (item) { item.scrollIntoView({block: "center"}); }
      }
    });
    document.documentElement.setAttribute("data-eventline-ready", "1");
  });
})();
"""

_STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1d2330; background: #fff; line-height: 1.45; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header h1 { font-size: 1.6rem; margin: 1.2rem 0 0.3rem; }
.subtitle { margin: 0 0 0.3rem; color: #3b4455; max-width: 60rem; }
.facts { margin: 0 0 0.8rem; color: #5b6475; font-size: 0.95rem; }
.key { font-size: 0.9rem; color: #3b4455; margin: 0.2rem 0 1rem; }
.key span { margin-right: 1.2rem; white-space: nowrap; }
#%(div)s { width: 100%%; min-height: 320px; }
.chronology { margin-top: 1.5rem; }
.chronology ol { list-style: none; padding: 0; }
.chronology li.event { border-top: 1px solid #e3e7ee; padding: 0.7rem 0; }
.chronology time { font-weight: 600; margin-right: 0.6rem; }
.chronology .category { font-size: 0.8rem; border-radius: 3px; padding: 0 0.4rem;
  border: 1px solid currentColor; margin-right: 0.6rem; }
.chronology .summary { margin: 0.3rem 0; }
.chronology .meta, .chronology .sources { font-size: 0.9rem; color: #4a5263; margin: 0.2rem 0; }
.chronology .sources { padding-left: 1.2rem; list-style: disc; }
.chronology blockquote { margin: 0.15rem 0 0.15rem 0; color: #5b6475; font-style: italic; }
.note { background: #fff7e0; padding: 0.5rem 0.8rem; border-radius: 4px; }
.js .nojs { display: none; }
/* Data text is isolated: a right-to-left override in a title cannot reorder what follows. */
.chronology strong, .chronology .summary, .chronology .meta, .chronology li li, h1, .subtitle {
  unicode-bidi: isolate; }
footer { color: #6b7383; font-size: 0.85rem; margin: 2rem auto 1rem; }
"""


def _chronology(timeline: Timeline, colors: dict[str, str]) -> str:
    events = list(timeline)
    shown = events[:CHRONOLOGY_LIMIT]
    out = ['<section class="chronology" aria-labelledby="chronology-heading">']
    out.append('<h2 id="chronology-heading">Chronology</h2>')
    if len(events) > len(shown):
        out.append(
            f'<p class="note">This list shows the first {len(shown):,} of {len(events):,} events; '
            "the chart above draws all of them. <code>eventline list</code> prints them all.</p>"
        )
    out.append("<ol>")
    for event in shown:
        category = timeline.categories.get(event.category)
        label = category.label if category else event.category
        color = colors.get(event.category, "#444")
        out.append(f'<li class="event" id="event-{_esc(event.id)}">')
        out.append(
            f'<time datetime="{_esc(str(event.date))}">{_esc(event.date.display())}</time>'
            f'<span class="category" style="color:{_esc(color)}">{_esc(isolate(label))}</span>'
            f"<strong>{_esc(event.title)}</strong>"
        )
        if event.summary:
            out.append(f'<p class="summary">{_esc(event.summary)}</p>')
        meta = []
        if event.actors:
            names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
            meta.append("Actors: " + _esc(isolate_join(names)))
        if event.places:
            meta.append("Places: " + _esc(isolate_join(event.places)))
        if meta:
            out.append(f'<p class="meta">{" · ".join(meta)}</p>')
        out.append('<ul class="sources">')
        for citation in event.citations:
            out.append(f"<li>{_source_html(timeline, citation.source, citation.quote)}</li>")
        out.append("</ul></li>")
    out.append("</ol></section>")
    return "\n".join(out)


def _source_html(timeline: Timeline, source_id: str, quote: str | None) -> str:
    source = timeline.sources.get(source_id)
    if source is None:
        text = _esc(source_id)
    else:
        title = _esc(isolate(source.title))
        if source.url and source.url.startswith(("https://", "http://")):
            title = (
                f'<a href="{_esc(source.url)}" rel="noopener noreferrer nofollow" '
                f'target="_blank">{title}</a>'
            )
        details = [
            d for d in (source.publisher, source.published and source.published.display()) if d
        ]
        text = title + (f" ({_esc(isolate_join(details))})" if details else "")
    if quote:
        text += f"<blockquote>“{_esc(isolate(quote))}”</blockquote>"
    return text


def _key() -> str:
    items = [
        ("●", "a known day"),
        ("◇", "an uncertain or approximate date"),
        ("▬", "a span of days"),
        ("┅ □", "a month or year: the day is not known"),
        ("▶", "still ongoing"),
    ]
    spans = "".join(f"<span>{symbol} {_esc(text)}</span>" for symbol, text in items)
    click = "<span>Click a point to open its source.</span>"
    return f'<p class="key" id="{DIV_ID}-key">{spans}{click}</p>'


def _plotly_script(plotlyjs: PlotlyJS) -> str:
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if plotlyjs == "embed":
        return f'<script charset="utf-8">{get_plotlyjs()}</script>'
    digest = hashlib.sha384(get_plotlyjs().encode("utf-8")).digest()
    integrity = "sha384-" + base64.b64encode(digest).decode("ascii")
    url = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"
    return (
        f'<script charset="utf-8" src="{url}" integrity="{integrity}" '
        'crossorigin="anonymous"></script>'
    )


def to_html(
    timeline: Timeline,
    *,
    title: str | None = None,
    plotlyjs: PlotlyJS = "embed",
    webgl: bool | None = None,
) -> str:
    """A self-contained HTML page: the interactive chart and a plain chronology.

    The same timeline always gives the same text (fixed element ids, no
    timestamps), so a diff of the page shows only real changes.

    Args:
        timeline: the events to draw.
        title: the page title; default: the dataset's title.
        plotlyjs: ``"embed"`` inlines plotly.js (about 4.8 MB, works offline);
            ``"cdn"`` loads it from Plotly's CDN (small file, needs a network).
        webgl: see :func:`figure`.
    """
    fig = figure(timeline, title=title, webgl=webgl)
    fig.update_layout(title=None, margin={"t": 70})
    heading = timeline.title if title is None else title
    colors = _colors(timeline)
    first = min((e.date.lower for e in timeline), default=None)
    last = max((e.date.upper or e.date.lower for e in timeline), default=None)
    span = f" from {first.year} to {last.year}" if first and last else ""
    aria = (
        f"Interactive timeline chart of {len(timeline):,} events{span}, one lane per category. "
        "Every event is also listed in the chronology below."
    )
    cdn = "https://cdn.plot.ly " if plotlyjs == "cdn" else ""
    # 'unsafe-eval': plotly's WebGL traces compile shader code with new Function().
    csp = (
        "default-src 'none'; "
        f"script-src 'unsafe-inline' 'unsafe-eval' {cdn}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "worker-src blob:; base-uri 'none'; form-action 'none'"
    )
    figure_json = _json_for_script(fig.to_plotly_json())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_esc(heading)}</title>",
        # Readers without JavaScript see a note; with it, the class hides the note.
        '<script>document.documentElement.className = "js";</script>',
        f"<style>{_STYLE % {'div': DIV_ID}}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_esc(heading)}</h1>",
    ]
    if timeline.description:
        parts.append(f'<p class="subtitle">{_esc(timeline.description)}</p>')
    parts.append(f'<p class="facts">{_esc(_facts(timeline))}</p>')
    parts += [
        "</header>",
        "<main>",
        f'<figure style="margin:0" aria-describedby="{DIV_ID}-key">',
        f'<div id="{DIV_ID}" role="img" aria-label="{_esc(aria)}"></div>',
        "<figcaption>",
        _key(),
        "</figcaption>",
        "</figure>",
        '<p class="note nojs">The interactive chart needs JavaScript. '
        "Every event is listed in the chronology below.</p>",
        _chronology(timeline, colors),
        "</main>",
        f"<footer>Made with eventline {_esc(_version('eventline'))}. "
        "Summaries are the curators' own words; quotations remain their authors'.</footer>",
        f'<script type="application/json" id="{DIV_ID}-figure">{figure_json}</script>',
        _plotly_script(plotlyjs),
        f"<script>{_CLICK_SCRIPT % {'div': DIV_ID, 'config': _CONFIG_JSON}}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _facts(timeline: Timeline) -> str:
    sources = {c.source for e in timeline for c in e.citations}
    facts = [_count(len(timeline), "event"), _count(len(sources), "source") + " cited"]
    if len(timeline):
        latest = max(timeline, key=lambda e: (e.date.upper or e.date.lower, e.date.lower, e.id))
        facts.append(f"latest event: {latest.date.display()}")
    return " · ".join(facts)
