"""Lane packing: slots for events and their focus labels, so nothing overlaps."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

import eventline
from eventline.render import lanes as L

from .conftest import REPO


def test_pack_rows_puts_a_two_row_item_where_both_rows_are_free():
    """An item with a label on the row above takes the first slot pair free for both."""
    items = [
        [(0, 0.0, 10.0)],  # slot 0
        [(0, 0.0, 4.0), (1, 0.0, 20.0)],  # slot 0 is taken until 10: rows 1 and 2
        [(0, 12.0, 15.0)],  # slot 0 is free again at 12
    ]
    assert L.pack_rows(items, 8) == ([0, 1, 0], True)
    assert L.pack_rows(items, 2) == ([0, 0, 0], False)


def _greedy_pack(items, max_slots):
    """The rule pack() follows, one item at a time: the first slot free at the item's
    start; a new slot while there are fewer than max_slots; else slot i % max_slots."""
    ends, slots, fits = [], [], True
    for i, (start, end) in enumerate(items):
        free = [slot for slot, last in enumerate(ends) if last <= start]
        if free:
            ends[free[0]] = end
            slots.append(free[0])
        elif len(ends) < max_slots:
            ends.append(end)
            slots.append(len(ends) - 1)
        else:
            fits = False
            slot = i % max_slots
            ends[slot] = max(ends[slot], end)
            slots.append(slot)
    return slots, fits


# Starts in order, ends on whole or half units: items that end where another starts.
_ITEMS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 24)).map(lambda p: (p[0], p[0] + p[1] / 2)),
    max_size=300,
).map(sorted)


@settings(max_examples=300, deadline=None)
@given(_ITEMS, st.integers(1, 8))
def test_pack_gives_each_item_the_slot_the_greedy_rule_gives(items, max_slots):
    """pack() places whole runs of a crowded overview at once: the same slots as placing
    its items one by one, crowded or not."""
    assert L.pack(items, max_slots) == _greedy_pack(items, max_slots)


def _clusters_by_rule(xs, slots, near):
    groups = []
    for slot in dict.fromkeys(slots):
        members = sorted((i for i, s in enumerate(slots) if s == slot), key=lambda i: xs[i])
        group = [members[0]]
        for i in members[1:]:
            if xs[i] - xs[group[0]] < near:
                group.append(i)
            else:
                groups.append(group)
                group = [i]
        groups.append(group)
    return sorted(groups, key=min)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 50, allow_nan=False), st.integers(0, 3)), max_size=200),
    st.sampled_from([0.0, 0.2, 1.0, 3.5]),
)
def test_clusters_follow_the_rule_marker_by_marker(markers, near):
    """clusters() finds each group's end by bisection: the same groups as taking each
    marker of a slot, in order of place, into the group whose first is within near."""
    xs = [x for x, _ in markers]
    slots = [slot for _, slot in markers]
    assert L.clusters(xs, slots, near) == _clusters_by_rule(xs, slots, near)


def test_clusters_hold_the_markers_of_a_slot_within_near_of_their_first():
    """A cluster takes each marker of its slot nearer than ``near`` to its first, by the
    difference itself, also where first + near rounds down onto the marker."""
    assert 0.8999999999999999 - 0.7 < 0.2  # near, as the difference says
    assert not 0.8999999999999999 < 0.7 + 0.2  # though first + near rounds onto it
    xs = [0.7, 0.8999999999999999, 0.95, 0.7, 5.0, 4.0, 4.5]
    slots = [0, 0, 0, 1, 0, 0, 0]
    assert L.clusters(xs, slots, 0.2) == [[0, 1], [2], [3], [4], [5], [6]]
    assert L.clusters(xs, slots, 1.0) == [[0, 1, 2], [3], [4], [5, 6]]
    # Nothing is near at all: every marker alone, same places included.
    assert L.clusters([2.0, 2.0], [0, 0], 0.0) == [[0], [1]]


def _focus():
    tl = eventline.load(REPO / "data" / "events.json")
    spans = [L.span(e, dt.datetime(2026, 1, 1)) for e in tl]
    week = L.densest_week(spans)
    assert week is not None
    by_category: dict[str, list[L.Span]] = {c: [] for c in tl.categories}
    for s in spans:
        by_category[s.event.category].append(s)
    return L.panel("focus", week[0], week[1], by_category, tl)


def test_focus_labels_go_after_before_or_above_their_event():
    """A title goes after its event if it fits before the panel's edge, else before it,
    else after it if 30 characters fit (the page shortens it), else (a bar across the
    whole week) on the row above, never across a bar."""
    panel = _focus()
    places = {
        s.event.id: (label.side, label.slot - slot, label.at)
        for lane in panel.lanes
        for s, slot, label in zip(lane.spans, lane.slots, lane.labels, strict=True)
    }
    assert places["trump-putin-call"] == ("right", 0, dt.datetime(2025, 2, 12, 12))
    assert places["munich-security-conference"] == ("left", 0, dt.datetime(2025, 2, 14))
    assert places["russia-ukraine-war"] == ("right", -1, panel.start)
    # 58 characters do not fit after its bar at the assumed width, more than 30 do.
    assert places["mcfaul-criticism"] == ("right", 0, dt.datetime(2025, 2, 14))
    assert all(lane.labelled for lane in panel.lanes)


def test_no_focus_label_crosses_a_bar_or_another_label_in_its_row():
    """In every slot of the focus panel, estimated label extents and bars are disjoint."""
    panel = _focus()
    per_px = (panel.end - panel.start).total_seconds() / L.PLOT_PX
    for lane in panel.lanes:
        taken: dict[int, list[tuple[float, float, str]]] = {}
        for s, slot, label in zip(lane.spans, lane.slots, lane.labels, strict=True):
            at = L.secs(label.at)
            # A title the page shortens to fit keeps the room up to the panel's edge.
            edge = L.secs(panel.end) - L.EDGE_PX * per_px
            width = L.label_width(s) * per_px
            if label.side == "right" and at + width > edge:
                assert edge - at >= L.SHORTENED_CHARS * L.CHAR_PX * per_px, s.event.id
                width = edge - at
            a, b = (at, at + width) if label.side == "right" else (at - width, at)
            assert L.secs(panel.start) <= a, s.event.id
            assert b <= L.secs(panel.end), s.event.id
            taken.setdefault(label.slot, []).append((a, b, s.event.id))
            if not s.point:
                bar = (L.secs(max(s.start, panel.start)), L.secs(min(s.end, panel.end)))
                taken.setdefault(slot, []).append((*bar, s.event.id))
        for row in taken.values():
            row.sort()
            for (_, end, one), (start, _, other) in itertools.pairwise(row):
                assert end <= start, (one, other)
