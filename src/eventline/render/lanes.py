"""Where each event goes: time spans, lanes, slots (sub-rows) and clusters.

A panel is a time window with one lane per category. Inside a lane, events
that would overlap take another slot (:func:`pack`); events whose markers
would still land on one spot are merged into a cluster that says how many it
holds, so that no event is ever hidden under another.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from itertools import cycle, islice
from typing import Literal, NamedTuple

import attrs

from eventline.dates import EventDate
from eventline.model import Event, Timeline
from eventline.render.text import PALETTE, colors

DAY = dt.timedelta(days=1)
FOCUS_DAYS = 7
WEEK = 7 * DAY
OVERVIEW_SLOTS = 3
FOCUS_SLOTS = 8
CHAR_PX = 6.6
PLOT_PX = 900  # the drawing width assumed when packing labels and markers
CLUSTER_PX = 6  # markers nearer than this in one slot become one cluster

_SECONDS = operator.attrgetter("seconds")
_OPEN_END = operator.attrgetter("open_end")
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_RUN, _LONGEST_RUN = 16, 1024  # the items pack() tries to place at once, at least and most
_MIDNIGHT = dt.time()
_HALF_DAY = DAY / 2

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
    start = dt.datetime.combine(lower, _MIDNIGHT)
    end = right_edge if upper is None else add(dt.datetime.combine(upper, _MIDNIGHT), DAY)
    # date.precision != "day", without building a list per event (large pages).
    coarse = date.start.day is None or (date.end is not None and date.end.day is None)
    point = upper is not None and not coarse and end - start == DAY
    qualified = date.start.qualifier is not None or (
        date.end is not None and date.end.qualifier is not None
    )
    start_s = secs(start)
    if point:
        mark, symbol = start + _HALF_DAY, "diamond-open" if qualified else "circle"
        mark_s = start_s + 43200.0  # exact: whole seconds, far below 2**53
    else:
        mark = start + (end - start) / 2 if coarse and upper is not None else start
        symbol = "diamond-open" if qualified else "square-open" if coarse else "circle"
        mark_s = start_s if mark is start else secs(mark)
    return (start, end, upper is None, coarse, point, mark, symbol, (start_s, secs(end), mark_s))


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
    return _pack(list(map(_FIRST, items)), list(map(_SECOND, items)), max_slots)


def _pack(
    starts: Sequence[float], finishes: Sequence[float], max_slots: int
) -> tuple[list[int], bool]:
    """:func:`pack` of the items (starts[i], finishes[i])."""
    ends: list[float] = []
    slots: list[int] = []
    fits = True
    i, n = 0, len(starts)
    run, retry = _RUN, 0
    while i < n:
        if len(ends) == max_slots and i >= retry:
            # A crowded overview: a run of items that all start before any slot is free
            # goes round-robin in a few calls, not a step per item. (Round-robin only
            # fills slots further, so what holds at the run's first item holds for all.)
            stop = min(i + run, n)
            if max(starts[i:stop]) < min(ends):
                fits = False
                for offset in range(min(max_slots, stop - i)):
                    slot = (i + offset) % max_slots
                    last = max(finishes[i + offset : stop : max_slots])
                    if last > ends[slot]:
                        ends[slot] = last
                # The slots i % max_slots, ..., (stop - 1) % max_slots:
                first = i % max_slots
                slots += islice(cycle(range(max_slots)), first, first + stop - i)
                i, run = stop, min(2 * run, _LONGEST_RUN)
                continue
            if run > _RUN:
                run //= 2  # a shorter run may fit
                continue
            retry = i + _RUN  # not even a short run: item by item for a while
        start, end = starts[i], finishes[i]
        # Every slot taken at ``start`` is told by one min(), without a look at each slot.
        if len(ends) < max_slots or min(ends) <= start:
            for slot, last in enumerate(ends):
                if last <= start:
                    ends[slot] = end
                    slots.append(slot)
                    break
            else:
                ends.append(end)
                slots.append(len(ends) - 1)
        else:
            fits = False
            slot = i % max_slots
            if end > ends[slot]:
                ends[slot] = end
            slots.append(slot)
        i += 1
    return slots, fits


Segment = tuple[int, float, float]  # (slot offset, start, end) that an item occupies


def pack_rows(items: Sequence[Sequence[Segment]], max_slots: int) -> tuple[list[int], bool]:
    """Give each item the first slot ``k`` where every one of its segments
    ``(offset, start, end)`` fits in slot ``k + offset`` without overlapping what is
    there already (items come in order of their first start).

    Returns each item's slot ``k`` and whether ``max_slots`` sufficed; when it does not,
    the extra items share slots round-robin, as in :func:`pack`.
    """
    ends: list[float] = []
    slots: list[int] = []
    fits = True
    low = float("-inf")
    for i, segments in enumerate(items):
        # Plain loops, no generators: the focus panel of a large timeline packs
        # thousands of items for each number of slots it tries.
        height = segments[0][0] + 1
        for o, _, _ in segments:
            if o >= height:
                height = o + 1
        used = len(ends)
        for k in range(max_slots - height + 1):
            for o, a, _ in segments:
                if k + o < used and ends[k + o] > a:
                    break  # this segment would overlap: try the next k
            else:
                break  # every segment fits at k
        else:
            fits = False
            k = i % max(max_slots - height + 1, 1)
        for o, _, b in segments:
            if k + o >= len(ends):
                ends.extend([low] * (k + o + 1 - len(ends)))
            if b > ends[k + o]:
                ends[k + o] = b
        slots.append(k)
    return slots, fits


def clusters(xs: Sequence[float], slots: Sequence[int], near: float) -> list[list[int]]:
    """Group the markers at ``xs`` (one slot each) that lie within ``near`` of a group's first.

    Returns groups of indices in first-index order; a group of one is a lone marker.
    """
    groups: list[list[int]] = []
    by_slot: dict[int, list[int]] = {slot: [] for slot in set(slots)}
    for i, slot in enumerate(slots):
        by_slot[slot].append(i)
    for members in by_slot.values():
        members.sort(key=xs.__getitem__)  # stable: equal places keep index order
        places = list(map(xs.__getitem__, members))
        j, n = 0, len(members)
        while j < n:
            # The group runs while ``x - first < near``; a bisection finds its end (a large
            # timeline's clusters hold dozens), then steps past any rounding of first + near.
            first = places[j]
            k = bisect.bisect_left(places, first + near, j + 1)
            while k < n and places[k] - first < near:
                k += 1
            while k > j + 1 and not places[k - 1] - first < near:
                k -= 1
            groups.append(members[j:k])
            j = k
    return sorted(groups, key=min)


def densest_week(spans: Sequence[Span]) -> tuple[dt.datetime, dt.datetime] | None:
    """The 7-day window holding the most short events, as (start, end) of the focus panel."""
    # Starts and ends in seconds (:attr:`Span.seconds`; whole days, or the last
    # datetime that rounds up to the next day, so a week compares as in datetimes):
    # no datetime arithmetic per event.
    seconds = list(map(_SECONDS, spans))
    week = WEEK.total_seconds()
    starts = sorted(
        [
            t0
            for (t0, t1, _), open_end in zip(seconds, map(_OPEN_END, spans), strict=True)
            if not open_end and t1 - t0 <= week
        ]
    )
    if len(starts) < 2:
        return None
    # The window ending on each day holds the starts from `before` earlier up to that
    # day's last; the first window to hold the most wins. Found per distinct day (a large
    # timeline has many events a day) by bisection.
    best, best_i = 0, 0
    before = (FOCUS_DAYS - 1) * 86400
    for day in sorted(set(starts)):
        j = bisect.bisect_left(starts, day - before)
        held = bisect.bisect_right(starts, day) - j
        if held > best:
            best, best_i = held, j
    first = _moment(starts[best_i])
    low, high = starts[best_i], secs(first + FOCUS_DAYS * DAY)
    inside = [s for s, (t0, _, _) in zip(spans, seconds, strict=True) if low <= t0 < high]
    last = max(min(s.end, add(first, (FOCUS_DAYS + 7) * DAY)) for s in inside)
    return add(first, -DAY), max(add(last, DAY), add(first, FOCUS_DAYS * DAY))


@attrs.frozen
class Label:
    """Where an event's title is written in the focus panel.

    Attributes:
        at: the point the text starts from (``side`` "right") or ends at ("left").
        side: "right" when the text runs rightwards from ``at``, "left" when it ends there.
        slot: the slot (sub-row) of the text: the event's own, or the one above it when
            its bar leaves no room on its own row (a bar across the whole panel).
    """

    at: dt.datetime
    side: Literal["right", "left"]
    slot: int


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
    # Where each title goes when labelled: after or before its event, or on the row above.
    labels: tuple[Label, ...] = ()
    # Each span's marker (Span.mark) clipped to the panel, in seconds (see secs()): the
    # places the clusters were found from.
    xs: tuple[float, ...] = ()

    @property
    def rows(self) -> int:
        # No tuple of every slot (a large overview lane holds thousands): the chart asks often.
        labels = max([label.slot for label in self.labels], default=-1)
        return max(max(self.slots, default=-1), labels) + 1


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
    slots_per_lane: int | None = None,
) -> Panel:
    """Lay out the spans that meet [start, end), one lane per category in the mapping's
    order: slots so nothing overlaps, labels if they fit, clusters where markers meet.

    ``slots_per_lane``: at most this many slots (sub-rows) per lane; by default
    OVERVIEW_SLOTS or FOCUS_SLOTS. Fewer keep a chart of many lanes short: more
    markers then share a cluster and titles are left out.
    """
    return Layout(name, start, end, by_category, timeline).panel(slots_per_lane)


class _Plan(NamedTuple):
    """A lane before packing: what does not depend on the number of slots."""

    category: str
    spans: tuple[Span, ...]
    # The overview's: the items :func:`pack` places, their starts and ends apart.
    starts: list[float]
    finishes: list[float]
    places: list[tuple[list[Segment], Label]]  # the focus panel's: each event's and title's
    xs: list[float]  # each marker's place, clipped to the panel, in seconds


class _Packed(NamedTuple):
    """A lane's slots for one number of slots per lane."""

    slots: list[int]
    label_slots: list[int]
    labelled: bool

    @property
    def rows(self) -> int:
        return max(max(self.slots, default=0), max(self.label_slots, default=-1)) + 1


class Layout:
    """A panel before packing: what does not depend on the slots per lane (which spans
    each lane holds, where titles could go, where markers fall) is worked out once, so
    that a chart that must be shorter tries fewer slots per lane for the cost of the
    packing alone (:meth:`rows`), and :meth:`panel` lays out only the one it keeps."""

    def __init__(
        self,
        name: PanelName,
        start: dt.datetime,
        end: dt.datetime,
        by_category: Mapping[str, Sequence[Span]],
        timeline: Timeline,
    ) -> None:
        self.name, self.start, self.end, self.timeline = name, start, end, timeline
        self.per_px = per_px = (end - start).total_seconds() / PLOT_PX
        self._packed: dict[int, list[_Packed]] = {}
        low, high = secs(start), secs(end)
        plans = []
        for cid, spans in by_category.items():
            # figure_dict pads the overview's window around every span: no test needed there.
            # (A list, then a tuple: faster than a generator over every span.)
            lane = (
                tuple(spans)
                if name == "overview"
                else tuple([s for s in spans if s.end > start and s.start < end])
            )
            if not lane and name == "focus":
                continue
            starts: list[float] = []
            finishes: list[float] = []
            places: list[tuple[list[Segment], Label]] = []
            seconds = list(map(_SECONDS, lane))  # (attrgetter: no Python loop)
            if name == "overview":
                # A marker is about 14 px wide; nearer events take another slot.
                wide = 14 * per_px
                starts = list(map(_FIRST, seconds))
                finishes = [t1 if t1 > t0 + wide else t0 + wide for t0, t1, _ in seconds]
            else:
                places = [_label_place(s, start, end, per_px) for s in lane]
            # Each marker's place, clipped (no min/max calls: large lanes).
            xs = [low if x < low else high if x > high else x for _, _, x in seconds]
            plans.append(_Plan(cid, lane, starts, finishes, places, xs))
        self._plans = plans

    def _slots(self, slots_per_lane: int | None) -> int:
        if slots_per_lane is not None:
            return slots_per_lane
        return OVERVIEW_SLOTS if self.name == "overview" else FOCUS_SLOTS

    def _pack(self, slots_per_lane: int | None) -> list[_Packed]:
        most = self._slots(slots_per_lane)
        packed = self._packed.get(most)
        if packed is None:
            packed = []
            for plan in self._plans:
                if self.name == "overview":
                    packed.append(_Packed(_pack(plan.starts, plan.finishes, most)[0], [], False))
                    continue
                slots, fits = pack_rows([segments for segments, _ in plan.places], most)
                packed.append(
                    _Packed(
                        # The event itself sits on the row below a label placed above it.
                        [k + len(seg) - 1 for k, (seg, _) in zip(slots, plan.places, strict=True)],
                        [k + label.slot for k, (_, label) in zip(slots, plan.places, strict=True)],
                        fits,
                    )
                )
            self._packed[most] = packed
        return packed

    def rows(self, slots_per_lane: int | None = None) -> int:
        """The panel's rows (:attr:`Panel.rows`) with at most this many slots per lane."""
        return sum(p.rows for p in self._pack(slots_per_lane))

    def panel(self, slots_per_lane: int | None = None) -> Panel:
        """The panel with at most this many slots (sub-rows) per lane (see :func:`panel`)."""
        palette = colors(self.timeline)
        near = CLUSTER_PX * self.per_px
        lanes = []
        for plan, packed in zip(self._plans, self._pack(slots_per_lane), strict=True):
            groups = clusters(plan.xs, packed.slots, near) if plan.spans else []
            category = self.timeline.categories.get(plan.category)
            labels = tuple(
                Label(label.at, label.side, slot)
                for (_, label), slot in zip(plan.places, packed.label_slots, strict=True)
            )
            lanes.append(
                Lane(
                    plan.category,
                    category.label if category else plan.category,
                    palette.get(plan.category, PALETTE[0]),
                    plan.spans,
                    tuple(packed.slots) or (0,),
                    packed.labelled and all(len(g) == 1 for g in groups),
                    tuple(map(tuple, groups)),
                    labels,
                    tuple(plan.xs),
                )
            )
        return Panel(self.name, self.start, self.end, tuple(lanes))


LABEL_GAP_PX = 18  # the two spaces before (or after) a title, and air
EDGE_PX = 8  # kept free at the panel's right edge, where the "ongoing" arrow sits
SHORTENED_CHARS = 30  # a title shortened to fit after its event keeps at least this many


def label_width(span: Span) -> float:
    """A focus label's estimated width in pixels (11 px type, the whole title: only the
    page shortens a title, to the room it has where it is drawn)."""
    return len(span.event.title) * CHAR_PX + LABEL_GAP_PX


def _label_place(
    span: Span, start: dt.datetime, end: dt.datetime, per_px: float
) -> tuple[list[Segment], Label]:
    """Where a focus label goes so that it is whole inside the panel and crosses no bar:
    after the event (right of a dot, after a bar's end), else before it (left of the
    dot or the bar's start), else after it where SHORTENED_CHARS fit (the page shortens
    the title to its room), else on the row above, from where the bar enters the panel.

    Returns the segments the event and its label occupy (slot offsets relative to the
    item's slot) and the label, its slot relative to the item's.
    """
    width = label_width(span) * per_px
    left_edge, right_edge = secs(start), secs(end) - EDGE_PX * per_px
    s0, s1 = secs(max(span.start, start)), secs(min(span.end, end))
    middle = secs(span.middle)
    after = middle if span.point else s1
    if span.end < end and after + width <= right_edge:
        return [(0, s0, after + width)], Label(_moment(after), "right", 0)
    before = middle if span.point else s0
    if span.start >= start and before - width >= left_edge:
        return [(0, before - width, s1)], Label(_moment(before), "left", 0)
    # Room for a good part of it after the event: the page shortens it to fit ("…").
    if span.end < end and right_edge - after >= SHORTENED_CHARS * CHAR_PX * per_px:
        return [(0, s0, right_edge)], Label(_moment(after), "right", 0)
    return [(0, s0, s0 + width), (1, s0, s1)], Label(_moment(s0), "right", 0)


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.min + dt.timedelta(seconds=seconds)


def marker(span: Span) -> tuple[dt.datetime, str]:
    """Where an event's marker goes (before clipping to a panel), and its symbol.

    A known day: a dot at midday. An uncertain or approximate date: an open
    diamond. A span: at its start (a month or year: an open square mid-span,
    never a made-up first of the month).
    """
    return span.mark, span.symbol
