"""Writers that take a timeline elsewhere: JSON, CSV, iCalendar and TimelineJS.

Each writer is a function from a :class:`~eventline.model.Timeline` to text;
the same timeline always gives the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from eventline.export import csv, ics, timelinejs

if TYPE_CHECKING:
    from eventline.model import Timeline

__all__ = ["FORMATS", "export"]


def _timelinejs_text(timeline: Timeline) -> str:
    return json.dumps(timelinejs.to_timelinejs(timeline), indent=2, ensure_ascii=False) + "\n"


def _json_text(timeline: Timeline) -> str:
    import attrs

    from eventline import io

    # The $schema reference is relative to the data file; it would not
    # resolve from wherever the export is written.
    return io.dumps(attrs.evolve(timeline.used(), schema=None))


FORMATS: dict[str, Callable[[Timeline], str]] = {
    "json": _json_text,
    "csv": csv.to_csv,
    "ics": ics.to_ics,
    "timelinejs": _timelinejs_text,
}


def export(timeline: Timeline, format: str) -> str:
    """The timeline as text in ``format`` (one of :data:`FORMATS`)."""
    from eventline.quick import paused_gc

    # Writers build millions of short-lived strings and lists; the cyclic
    # collector would scan every record of a large timeline again and again.
    with paused_gc():
        return FORMATS[format](timeline)
