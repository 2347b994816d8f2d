"""The Plotly figure: an overview of the whole span and a focus panel on the most
crowded week, one lane per category in both.

Point events are markers; intervals are bars; a month or a year is drawn as the
dotted, lighter span it could fall in; an open end runs to the right edge with
an arrow. Markers that would meet are one cluster marker showing how many it
holds. Every trace that stands for events carries their ids in ``customdata``
(the page filters and highlights by them).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from eventline.bidi import isolate, isolate_join
from eventline.dates import DatePoint, EventDate
from eventline.i18n import d3_date_format, display_date
from eventline.model import Event, Timeline
from eventline.render import lanes as L
from eventline.render.text import ENGLISH, Language, ptext, rgba, short, wrap

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["WEBGL_THRESHOLD", "figure"]

WEBGL_THRESHOLD = 2000  # above this many events, markers and bars use WebGL
ROW_PX = 26
MAX_PLOT_PX = 3600  # the panels' height at most (where lanes allow): see figure_dict
CLUSTER_LISTED = 8  # a cluster's hover names at most this many members


LEGEND_ENTRY_PX = 130  # a legend entry: its symbol and "International law"
LEGEND_CHARS = 17  # a longer category label is shortened there ("…"), not drawn over the next
TICK_CHARS = 18  # and beside its lane, where the chart's left margin ends


def _trace(webgl: bool, **props: Any) -> dict[str, Any]:
    return {"type": "scattergl" if webgl else "scatter", **props}


@functools.lru_cache(maxsize=1 << 16)  # large timelines repeat their days
def iso(moment: dt.datetime) -> str:
    """ISO 8601 for Plotly's date axes: just the day at midnight (shorter pages)."""
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date().isoformat()
    return moment.isoformat()


def first_url(timeline: Timeline, event: Event) -> str:
    """The first cited source's URL, or "" when no cited source has one."""
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is not None and source.url:
            return source.url
    return ""


def _hover(timeline: Timeline, event: Event, language: Language) -> str:
    _ = language.gettext
    category = timeline.categories.get(event.category)
    lines = [f"<b>{wrap(event.title, 60)}</b>", ptext(display_date(event.date, language))]
    if category is not None:
        lines[-1] += f" · {ptext(isolate(category.label))}"
    if event.summary:
        lines.append(wrap(event.summary))
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        lines.append(wrap(_("Actors: %(names)s") % {"names": isolate_join(names)}))
    titles = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is not None and source.title not in titles:
            titles.append(source.title)
    if titles:
        lines.append(wrap(_("Sources: %(titles)s") % {"titles": isolate_join(titles, "; ")}))
    if first_url(timeline, event):
        lines.append("<i>" + ptext(_("Click to open the source")) + "</i>")
    return "<br>".join(lines)


def figure(
    timeline: Timeline,
    *,
    title: str | None = None,
    webgl: bool | None = None,
    language: Language = ENGLISH,
) -> go.Figure:
    """The timeline as a Plotly figure, ready for ``fig.show()`` or restyling.

    Args:
        timeline: the events to draw (filter it first to draw fewer).
        title: the figure title; default: the dataset's title.
        webgl: draw with WebGL (``scattergl``); default: when there are more
            than ``WEBGL_THRESHOLD`` events.
        language: the interface language of headings and hints (default English).
    """
    import plotly.graph_objects as go

    return go.Figure(figure_dict(timeline, title=title, webgl=webgl, language=language))


def figure_dict(
    timeline: Timeline,
    *,
    title: str | None = None,
    webgl: bool | None = None,
    language: Language = ENGLISH,
    page: bool = False,
) -> dict[str, Any]:
    """:func:`figure` as plain ``{"data": [...], "layout": {...}}``, skipping plotly's
    validation (the page writes it as JSON; large timelines render several times faster).
    ``page``: for the HTML page, which has its own heading: no title, a small top margin."""
    _ = language.gettext
    events = list(timeline)
    use_gl = len(events) > WEBGL_THRESHOLD if webgl is None else webgl
    # Work per distinct date, not per event: large timelines repeat their dates, mostly
    # as one shared object (found by id, which is cheaper than hashing an EventDate:
    # an equal date in another object is only placed twice, to the same place).
    by_id = {id(e.date): e.date for e in events}
    bounds = {key: (d.lower, d.upper) for key, d in by_id.items()}
    first = min((lower for lower, _ in bounds.values()), default=dt.date(2000, 1, 1))
    last = max((upper or lower for lower, upper in bounds.values()), default=first)
    pad = max(dt.timedelta(days=(last - first).days // 40), 3 * L.DAY)
    x0 = L.add(dt.datetime.combine(first, dt.time()), -pad)
    x1 = L.add(dt.datetime.combine(last, dt.time()), L.DAY + pad)
    placed_by_id = {key: L.placement(d, x1, bounds[key]) for key, d in by_id.items()}
    new = tuple.__new__  # L.Span(e, *fields) without a Python call per event
    spans: list[L.Span] = [new(L.Span, (e,) + placed_by_id[id(e.date)]) for e in events]
    found: dict[str, list[L.Span]] = {}
    for one in spans:
        lane = found.get(one.event.category)
        if lane is None:
            lane = found[one.event.category] = []
        lane.append(one)
    categories = [cid for cid in timeline.categories if cid in found]
    categories += sorted(found.keys() - set(categories))
    by_category = {cid: found[cid] for cid in categories}
    gap_px, top_px, bottom_px = 70, 100, 90
    layouts = [L.Layout("overview", x0, x1, by_category, timeline)]
    # All spans in the order they were made, which is their order in memory: a pass
    # over them runs over twice as fast as one lane after another (200k events).
    focus = L.densest_week(spans)
    if focus is not None:
        layouts.append(L.Layout("focus", focus[0], focus[1], by_category, timeline))
    # A chart taller than MAX_PLOT_PX would pass the browser's largest WebGL surface at
    # twice the pixels (8192), which stretches the marks out of their lanes: the focus
    # panel, then the overview, get fewer slots per lane until it fits.
    slots = [L.OVERVIEW_SLOTS, L.FOCUS_SLOTS][: len(layouts)]

    def too_tall() -> bool:
        rows = sum(layout.rows(n) for layout, n in zip(layouts, slots, strict=True))
        return rows * ROW_PX + gap_px * (len(layouts) - 1) > MAX_PLOT_PX

    for i in (len(layouts) - 1, 0):
        while slots[i] > 1 and too_tall():
            slots[i] -= 1
    panels = [layout.panel(n) for layout, n in zip(layouts, slots, strict=True)]

    hover = functools.partial(_hover, timeline, language=language)
    url = functools.partial(first_url, timeline)
    # No events (an empty file, or a filter that keeps none): one empty row, not
    # a plot of no height.
    plot_px = max(sum(p.rows for p in panels), 1) * ROW_PX + gap_px * (len(panels) - 1)
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    top = 1.0
    for number, panel in enumerate(panels, start=1):
        suffix = "" if number == 1 else str(number)
        xref, yref = f"x{suffix}", f"y{suffix}"
        height = max(panel.rows, 1 if len(panels) == 1 else 0) * ROW_PX / plot_px
        ticks = _add_panel(traces, panel, xref, yref, (hover, url), use_gl, shapes, language)
        layout[f"xaxis{suffix}"] = {
            "type": "date",
            "range": [panel.start.isoformat(), panel.end.isoformat()],
            # Fixed: filtering, taps and double taps must not re-range the time axis.
            "autorange": False,
            "anchor": yref,
            "showgrid": True,
            "gridcolor": "#eceff3",
            "linecolor": "#b7bec8",
            "ticks": "outside",
            # Room below for the slanted day labels of narrow windows.
            "automargin": True,
            **(
                {"dtick": 86400000, "tickformat": _day_ticks(language)}
                if panel.name == "focus"
                else {}
            ),
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
            heading = (
                _("Overview: %(first)s–%(last)s") % {"first": first.year, "last": last.year}
                if events
                else _("Overview: no events yet")
            )
            if focus is not None:
                shapes.append(_focus_band(focus))
        else:
            heading = _("Focus: %(range)s") % {
                "range": _range_text(panel.start, panel.end, language)
            }
        annotations.append(_panel_title(heading, top))
        top -= height + gap_px / plot_px

    name = timeline.title if title is None else title
    if page:
        top_px = 36
    # On the page a legend click filters the chart and the chronology together (the
    # page's script), as the category menu does; elsewhere plotly.js hides the category.
    legend_title = (
        _("Categories (click one to filter):") if page else _("Categories (click to hide or show):")
    )
    layout.update(
        title=None
        if page
        else {
            "text": f"<b>{ptext(name)}</b>",
            "subtitle": {"text": ptext(_subtitle(timeline, language))},
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
            # The title on a row of its own and entries of one width: plotly.js then
            # wraps them to the chart's width (beside a title they ran past its edge).
            "title": {"text": ptext(legend_title), "side": "top left"},
            "entrywidth": LEGEND_ENTRY_PX,
            "entrywidthmode": "pixels",
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
    )
    return {"data": traces, "layout": layout}


def _add_panel(
    out: list[dict[str, Any]],
    panel: L.Panel,
    xref: str,
    yref: str,
    texts: tuple[Callable[[Event], str], Callable[[Event], str]],
    webgl: bool,
    shapes: list[dict[str, Any]],
    language: Language,
) -> list[tuple[float, str]]:
    """Draw a panel's lanes, the first at the top; return its y tick positions and labels."""
    ticks = []
    bottom = float(panel.rows)
    for i, lane in enumerate(panel.lanes):
        rows = lane.rows
        bottom -= rows
        top_row = bottom + rows - 1
        ticks.append((bottom + (rows - 1) / 2, ptext(short(lane.label, TICK_CHARS))))
        if i % 2 == 0:
            shapes.append(_lane_band(xref, yref, bottom - 0.5, bottom + rows - 0.5))
        # Each slot's y made once (a lane has a few slots and may hold thousands of spans).
        slot_y = {slot: top_row - slot for slot in set(lane.slots)}
        ys = list(map(slot_y.__getitem__, lane.slots[: len(lane.spans)]))
        out += _lane_traces(panel, lane, ys, texts, xref, yref, webgl, language)
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
        # Outlined at 5:1 against white (WCAG 1.4.11 asks 3:1): at the overview's scale a
        # week is a pixel wide, and the page's hint sends the reader looking for it.
        "fillcolor": "rgba(255,193,7,0.3)",
        "line": {"width": 2, "color": "#8c6200"},
        "layer": "below",
        "name": "focus week",
    }


def _panel_title(text: str, y: float) -> dict[str, Any]:
    return {
        "text": f"<b>{ptext(text)}</b>",
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


def _range_text(start: dt.datetime, end: dt.datetime, language: Language) -> str:
    last = (end - L.DAY).date()
    span = EventDate(
        DatePoint(start.year, start.month, start.day),
        DatePoint(last.year, last.month, last.day),
        "closed",
    )
    return display_date(span, language)


def _day_ticks(language: Language) -> str:
    """The focus panel's day ticks: weekday, day, month, in the language's CLDR order."""
    if language.is_default:
        return "%a %d %b"
    return d3_date_format(language, "MMMEd") or "%a %d %b"


class _ClusterHover:
    """A cluster's hover text: how many events, the first CLUSTER_LISTED titles, a hint;
    the count lines made once per count (a large timeline's overview has thousands of
    clusters)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.counts: dict[int, str] = {}
        self.more: dict[int, str] = {}
        self.hint = "<i>" + ptext(language.gettext("Click or tap to list them")) + "</i>"

    def __call__(self, members: Sequence[L.Span]) -> str:
        language = self.language
        count = len(members)
        heading = self.counts.get(count)
        if heading is None:
            heading = self.counts[count] = (
                "<b>"
                + ptext(
                    language.ngettext("%(num)s event", "%(num)s events", count)
                    % {"num": language.format_number(count)}
                )
                + "</b>"
            )
        lines = [heading]
        lines += ["• " + ptext(short(s.event.title, 60)) for s in members[:CLUSTER_LISTED]]
        if count > CLUSTER_LISTED:
            rest = count - CLUSTER_LISTED
            more = self.more.get(rest)
            if more is None:
                more = self.more[rest] = ptext(
                    language.ngettext("and %(num)s more", "and %(num)s more", rest)
                    % {"num": language.format_number(rest)}
                )
            lines.append(more)
        lines.append(self.hint)
        return "<br>".join(lines)


def _lane_traces(
    panel: L.Panel,
    lane: L.Lane,
    ys: Sequence[float],
    texts: tuple[Callable[[Event], str], Callable[[Event], str]],
    xref: str,
    yref: str,
    webgl: bool,
    language: Language,
) -> list[dict[str, Any]]:
    _ = language.gettext
    hover, url = texts  # an event's hover text and source URL, made only for lone markers
    common = {"xaxis": xref, "yaxis": yref, "legendgroup": lane.category, "showlegend": False}
    traces: list[dict[str, Any]] = []
    # Bars of known days, then of months or years: x, y and ids, in one pass.
    bars: tuple[tuple[list[str | None], list[float | None], list[str | None]], ...] = (
        ([], [], []),
        ([], [], []),
    )
    ongoing: list[tuple[L.Span, float]] = []
    for span, y in zip(lane.spans, ys, strict=True):
        if span.open_end:
            ongoing.append((span, y))
        if not span.point:
            xs, bar_y, ids = bars[span.coarse]
            xs += [iso(span.start), iso(span.end), None]
            bar_y += [y, y, None]
            ids += [span.event.id, span.event.id, None]
    for coarse, (xs, bar_y, ids) in zip((False, True), bars, strict=True):
        if xs:
            line = {
                "color": rgba(lane.color, 0.35 if coarse else 0.6),
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
                    customdata=ids,
                    name=f"{ptext(lane.label)} spans",
                    meta=[panel.name, "spans"],
                    **common,
                )
            )
    if ongoing:
        ongoing_text = _("Ongoing: %(title)s")
        traces.append(
            _trace(
                False,
                x=[iso(panel.end)] * len(ongoing),
                y=[y for _, y in ongoing],
                mode="markers",
                marker={"symbol": "triangle-right", "size": 13, "color": lane.color},
                hovertext=[
                    ptext(ongoing_text % {"title": isolate(short(s.event.title))})
                    for s, _y in ongoing
                ],
                hoverinfo="text",
                customdata=[[s.event.id, ""] for s, _y in ongoing],
                name=f"{ptext(lane.label)} ongoing",
                meta=[panel.name, "ongoing"],
                cliponaxis=False,
                **common,
            )
        )
    singles = [(lane.spans[g[0]], ys[g[0]]) for g in lane.groups if len(g) == 1]
    markers = [L.marker(span) for span, _ in singles]
    # An empty trace would not follow its legend group's toggling in plotly.js.
    if singles or not lane.groups:
        traces.append(
            _trace(
                webgl,
                x=[iso(panel.clip(x)) for x, _ in markers],
                y=[y for _, y in singles],
                mode="markers",
                marker={
                    "symbol": [symbol for _, symbol in markers],
                    "size": [11 if span.point else 9 for span, _ in singles],
                    "color": lane.color,
                    "line": {"width": 2, "color": lane.color},
                },
                hovertext=[hover(span.event) for span, _ in singles],
                hoverinfo="text",
                customdata=[[s.event.id, url(s.event)] for s, _ in singles],
                name=ptext(short(lane.label, LEGEND_CHARS)),
                meta=[panel.name, "events"],
                # Whole markers at the plot's edge (the latest events sit there on phones).
                **({} if webgl else {"cliponaxis": False}),
                **{**common, "showlegend": panel.name == "overview" and bool(singles)},
            )
        )
    member = lane.spans.__getitem__
    clustered = [g for g in lane.groups if len(g) > 1]
    groups = [list(map(member, g)) for g in clustered]
    if groups:
        offsets, cluster_hover = _Offsets(panel, lane), _ClusterHover(language)
        traces.append(
            _trace(
                webgl,
                x=[iso(panel.clip(g[0].mark)) for g in groups],
                y=[ys[g[0]] for g in clustered],
                mode="markers+text",
                marker={
                    "symbol": "circle",
                    "size": 22,
                    "color": lane.color,
                    "line": {"width": 2, "color": "#ffffff"},
                },
                text=[str(len(g)) for g in groups],
                textposition="middle center",
                textfont={"size": 11, "color": "#ffffff"},
                hovertext=[cluster_hover(g) for g in groups],
                hoverinfo="text",
                # Members' ids, then (for the page, which splits clusters a zoom makes
                # room for) their markers: days from the cluster's x, and symbols.
                customdata=[
                    ["", "", *offsets(g, members)]
                    for g, members in zip(clustered, groups, strict=True)
                ],
                # A lane whose events are all in clusters shows its legend entry here.
                name=(
                    ptext(short(lane.label, LEGEND_CHARS))
                    if not singles
                    else f"{ptext(lane.label)} clusters"
                ),
                meta=[panel.name, "clusters"],
                **({} if webgl else {"cliponaxis": False}),
                **{**common, "showlegend": panel.name == "overview" and not singles},
            )
        )
    if lane.labelled and lane.spans:
        top_row = ys[0] + lane.slots[0]  # the y of slot 0
        traces.append(
            _trace(
                False,
                x=[iso(label.at) for label in lane.labels],
                y=[top_row - label.slot for label in lane.labels],
                mode="text",
                text=[
                    "  " + ptext(span.event.title)
                    if label.side == "right"
                    else ptext(span.event.title) + "  "
                    for span, label in zip(lane.spans, lane.labels, strict=True)
                ],
                textposition=[f"middle {label.side}" for label in lane.labels],
                textfont={"size": 11, "color": "#1d2330"},
                hoverinfo="skip",
                customdata=[span.event.id for span in lane.spans],
                name=f"{ptext(lane.label)} labels",
                meta=[panel.name, "labels"],
                cliponaxis=True,
                **common,
            )
        )
    return traces


def _days(panel: L.Panel, span: L.Span, first: L.Span) -> str:
    """Where a member of a cluster has its own marker: days from the cluster's marker
    (its ``first`` member's; marks fall on whole or half days), as short as can be."""
    days = (panel.clip(span.mark) - panel.clip(first.mark)).total_seconds() / 86400
    return _day_text(days)


def _day_text(days: float) -> str:
    return str(int(days)) if days.is_integer() else repr(days)


class _DayTexts(dict[float, str]):
    """:func:`_day_text` of each offset in seconds looked up, in days, each made once."""

    def __missing__(self, seconds: float) -> str:
        text = self[seconds] = _day_text(seconds / 86400)
        return text


class _Offsets:
    """A lane's clusters as the page reads them: their members' ids, space-separated;
    where each has its own marker, as :func:`_days` gives it, space-separated; and their
    symbols, a letter each (SYMBOL_CODES, upper case for a single day).

    Worked out from the lane's clipped marks in seconds (:attr:`L.Lane.xs`) with no
    Python loop over a cluster's members (at 200,000 events, a cluster member each),
    each distinct offset's text made once. Where a panel's edge is not a whole second
    (a window clamped at the last datetime), in datetimes as :func:`_days` does."""

    def __init__(self, panel: L.Panel, lane: L.Lane) -> None:
        self.panel = panel
        self.exact = panel.start.microsecond == 0 and panel.end.microsecond == 0
        self.xs = lane.xs
        self.texts = _DayTexts()

    def __call__(self, group: Sequence[int], members: Sequence[L.Span]) -> tuple[str, str, str]:
        """The cluster of these indices into the lane's spans, and those spans."""
        ids = " ".join(map(_EVENT_ID, members))
        codes = "".join(
            [_SYMBOL_DAY[s.symbol] if s.point else SYMBOL_CODES[s.symbol] for s in members]
        )
        if not self.exact:
            return ids, " ".join([_days(self.panel, s, members[0]) for s in members]), codes
        xs = self.xs
        origin = xs[group[0]]
        seconds = [x - origin for x in map(xs.__getitem__, group)]
        return ids, " ".join(map(self.texts.__getitem__, seconds)), codes


_EVENT_ID = operator.attrgetter("event.id")  # in C: a cluster member each
SYMBOL_CODES = {"circle": "c", "diamond-open": "d", "square-open": "s"}
_SYMBOL_DAY = {symbol: code.upper() for symbol, code in SYMBOL_CODES.items()}


def _subtitle(timeline: Timeline, language: Language) -> str:
    parts = []
    if timeline.description:
        parts.append(short(timeline.description, 220))
    parts.append(facts(timeline, language))
    return " — ".join(parts)


def facts(timeline: Timeline, language: Language) -> str:
    """The header's facts, e.g. "27 events · 12 sources cited · latest event: 14 February 2025"."""
    sources = len({c.source for e in timeline for c in e.citations})
    latest = None
    if timeline.events:
        # Worked out per distinct date object.
        ties = latest_dates({id(e.date): e.date for e in timeline})
        latest = max((e for e in timeline if id(e.date) in ties), key=lambda e: e.id).date
    return facts_line(len(timeline), sources, latest, language)


K = TypeVar("K", bound=Hashable)


def latest_dates(dates: Mapping[K, EventDate]) -> set[K]:
    """The keys of the latest of ``dates`` (at least one): those of the greatest
    (upper or lower bound, lower bound). The header's latest event is the one of
    these with the greatest id."""
    keys = {key: (d.upper or d.lower, d.lower) for key, d in dates.items()}
    best = max(keys.values())
    return {key for key, k in keys.items() if k == best}


def facts_line(events: int, sources: int, latest: EventDate | None, language: Language) -> str:
    """:func:`facts` from its parts: how many events, how many sources they cite,
    and the latest event's date (None without events)."""
    items = [
        language.ngettext("%(num)s event", "%(num)s events", events)
        % {"num": language.format_number(events)},
        language.ngettext("%(num)s source cited", "%(num)s sources cited", sources)
        % {"num": language.format_number(sources)},
    ]
    if latest is not None:
        items.append(
            language.gettext("latest event: %(date)s") % {"date": display_date(latest, language)}
        )
    return " · ".join(items)
