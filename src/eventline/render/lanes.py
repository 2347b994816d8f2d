"""Where each event goes: time spans, lanes, slots (sub-rows) and clusters.

A panel is a time window with one lane per category. Inside a lane, events
that would overlap take another slot (:func:`pack`); events whose markers
would still land on one spot are merged into a cluster that says how many it
holds, so that no event is ever hidden under another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import attrs

from eventline.dates import EventDate
from eventline.model import Event, Timeline
from eventline.render.text import PALETTE, colors, short

DAY = dt.timedelta(days=1)
FOCUS_DAYS = 7
OVERVIEW_SLOTS = 3
FOCUS_SLOTS = 8
CHAR_PX = 6.6
PLOT_PX = 900  # the drawing width assumed when packing labels and markers
CLUSTER_PX = 6  # markers nearer than this in one slot become one cluster

PanelName = Literal["overview", "focus"]


class Span(NamedTuple):
    """An event placed on a time axis: from ``start`` to ``end`` (exclusive), as datetimes,
    with its marker's place and symbol (see :func:`marker`), worked out once.

    A named tuple, not an attrs class: a page makes one per event, and a tuple is made
    several times faster (200,000 events)."""

    event: Event
    start: dt.datetime
    end: dt.datetime
    open_end: bool
    coarse: bool  # month or year precision somewhere: the day is not known
    point: bool  # one known day
    mark: dt.datetime
    symbol: str
    seconds: tuple[float, float, float]  # start, end and mark as secs(), for packing

    @property
    def middle(self) -> dt.datetime:
        return self.start + (self.end - self.start) / 2


def span(
    event: Event,
    right_edge: dt.datetime,
    bounds: tuple[dt.date, dt.date | None] | None = None,
) -> Span:
    """The event's span; an open end runs to ``right_edge``. ``bounds``: the date's
    (lower, upper) when the caller has them already."""
    return Span(event, *placement(event.date, right_edge, bounds))


def placement(
    date: EventDate,
    right_edge: dt.datetime,
    bounds: tuple[dt.date, dt.date | None] | None = None,
) -> tuple[
    dt.datetime, dt.datetime, bool, bool, bool, dt.datetime, str, tuple[float, float, float]
]:
    """A :class:`Span`'s fields after ``event``, for every event of this ``date``."""
    lower, upper = bounds or (date.lower, date.upper)
    start = dt.datetime(lower.year, lower.month, lower.day)
    end = right_edge if upper is None else add(dt.datetime(upper.year, upper.month, upper.day), DAY)
    # date.precision != "day", without building a list per event (large pages).
    coarse = date.start.day is None or (date.end is not None and date.end.day is None)
    point = upper is not None and not coarse and end - start == DAY
    qualified = date.start.qualifier is not None or (
        date.end is not None and date.end.qualifier is not None
    )
    if point:
        mark, symbol = start + DAY / 2, "diamond-open" if qualified else "circle"
    else:
        mark = start + (end - start) / 2 if coarse and upper is not None else start
        symbol = "diamond-open" if qualified else "square-open" if coarse else "circle"
    return (
        start,
        end,
        upper is None,
        coarse,
        point,
        mark,
        symbol,
        (secs(start), secs(end), secs(mark)),
    )


def add(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``moment + delta``, kept within the years 1 to 9999 that dates can have."""
    try:
        return moment + delta
    except OverflowError:
        return dt.datetime.min if delta < dt.timedelta(0) else dt.datetime.max


def secs(moment: dt.datetime) -> float:
    return (moment - dt.datetime.min).total_seconds()


def pack(items: Sequence[tuple[float, float]], max_slots: int) -> tuple[list[int], bool]:
    """Give each (start, end) a slot so that no two in a slot overlap.

    Returns the slots and whether ``max_slots`` sufficed; when it does not,
    the extra items share slots round-robin (the caller then hides labels,
    and :func:`clusters` merges markers that meet).
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


def clusters(xs: Sequence[float], slots: Sequence[int], near: float) -> list[list[int]]:
    """Group the markers at ``xs`` (one slot each) that lie within ``near`` of a group's first.

    Returns groups of indices in first-index order; a group of one is a lone marker.
    """
    groups: list[list[int]] = []
    by_slot: dict[int, list[int]] = {}
    for i, slot in enumerate(slots):
        by_slot.setdefault(slot, []).append(i)
    for members in by_slot.values():
        members.sort(key=xs.__getitem__)  # stable: equal places keep index order
        group = [members[0]]
        for i in members[1:]:
            if xs[i] - xs[group[0]] < near:
                group.append(i)
            else:
                groups.append(group)
                group = [i]
        groups.append(group)
    return sorted(groups, key=lambda g: min(g))


def densest_week(spans: Sequence[Span]) -> tuple[dt.datetime, dt.datetime] | None:
    """The 7-day window holding the most short events, as (start, end) of the focus panel."""
    starts = sorted(s.start for s in spans if not s.open_end and s.end - s.start <= 7 * DAY)
    if len(starts) < 2:
        return None
    best, best_i, j = 0, 0, 0
    for i, start in enumerate(starts):
        while starts[j] < add(start, -(FOCUS_DAYS - 1) * DAY):
            j += 1
        if i - j + 1 > best:
            best, best_i = i - j + 1, j
    first = starts[best_i]
    inside = [s for s in spans if first <= s.start < first + FOCUS_DAYS * DAY]
    last = max(min(s.end, add(first, (FOCUS_DAYS + 7) * DAY)) for s in inside)
    return add(first, -DAY), max(add(last, DAY), add(first, FOCUS_DAYS * DAY))


@attrs.frozen
class Lane:
    """One category's row group in a panel: its spans, each in a slot (sub-row).

    ``groups`` lists indices into ``spans``: a group of one is drawn as the
    event's own marker, a larger group as one cluster marker.
    """

    category: str
    label: str
    color: str
    spans: tuple[Span, ...]
    slots: tuple[int, ...]
    labelled: bool  # the focus panel writes titles beside the markers
    groups: tuple[tuple[int, ...], ...]

    @property
    def rows(self) -> int:
        return max(self.slots, default=-1) + 1


@attrs.frozen
class Panel:
    """The overview or the focus panel: a time window and its lanes, top to bottom."""

    name: PanelName
    start: dt.datetime
    end: dt.datetime
    lanes: tuple[Lane, ...]

    @property
    def rows(self) -> int:
        return sum(lane.rows for lane in self.lanes)

    def clip(self, moment: dt.datetime) -> dt.datetime:
        return min(max(moment, self.start), self.end)


def panel(
    name: PanelName,
    start: dt.datetime,
    end: dt.datetime,
    by_category: Mapping[str, Sequence[Span]],
    timeline: Timeline,
) -> Panel:
    """Lay out the spans that meet [start, end), one lane per category in the mapping's
    order: slots so nothing overlaps, labels if they fit, clusters where markers meet."""
    palette = colors(timeline)
    per_px = (end - start).total_seconds() / PLOT_PX
    lanes = []
    for cid, spans in by_category.items():
        # figure_dict pads the overview's window around every span: no test needed there.
        lane = (
            tuple(spans)
            if name == "overview"
            else tuple(s for s in spans if s.end > start and s.start < end)
        )
        if not lane and name == "focus":
            continue
        starts = [secs(s.start) for s in lane] if name == "focus" else None
        if name == "overview":
            # A marker is about 14 px wide; nearer events take another slot.
            wide = 14 * per_px
            items = []
            for s in lane:
                t0, t1 = s.seconds[0], s.seconds[1]
                items.append((t0, t1 if t1 > t0 + wide else t0 + wide))
            slots, labelled = pack(items, OVERVIEW_SLOTS)[0], False
        else:
            items = [
                (
                    t0,
                    secs(label_anchor(s, start, end))
                    + (len(short(s.event.title)) * CHAR_PX + 18) * per_px,
                )
                for t0, s in zip(starts or (), lane, strict=True)
            ]
            slots, labelled = pack(items, FOCUS_SLOTS)
        low, high = secs(start), secs(end)
        xs = []
        for s in lane:  # each marker's place, clipped to the panel (no min/max calls: large lanes)
            x = s.seconds[2]
            xs.append(low if x < low else high if x > high else x)
        groups = clusters(xs, slots, CLUSTER_PX * per_px) if lane else []
        category = timeline.categories.get(cid)
        lanes.append(
            Lane(
                cid,
                category.label if category else cid,
                palette.get(cid, PALETTE[0]),
                lane,
                tuple(slots) or (0,),
                labelled and all(len(g) == 1 for g in groups),
                tuple(tuple(g) for g in groups),
            )
        )
    return Panel(name, start, end, tuple(lanes))


def label_anchor(span: Span, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """Where a focus label starts: after the event, or over a bar that runs past the panel."""
    if span.end >= end or span.start < start:
        return max(span.start, start)
    return span.middle if span.point else span.end


def marker(span: Span) -> tuple[dt.datetime, str]:
    """Where an event's marker goes (before clipping to a panel), and its symbol.

    A known day: a dot at midday. An uncertain or approximate date: an open
    diamond. A span: at its start (a month or year: an open square mid-span,
    never a made-up first of the month).
    """
    return span.mark, span.symbol
