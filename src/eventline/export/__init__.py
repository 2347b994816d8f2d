"""Writers that take a timeline elsewhere: JSON, CSV, iCalendar and TimelineJS.

Each writer is a function from a :class:`~eventline.model.Timeline` to text;
the same timeline always gives the same text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eventline.export import csv, ics, timelinejs

if TYPE_CHECKING:
    from eventline.model import Timeline

__all__ = ["FORMATS", "export", "export_file"]


def _timelinejs_text(timeline: Timeline) -> str:
    return json.dumps(timelinejs.to_timelinejs(timeline), indent=2, ensure_ascii=False) + "\n"


def _json_text(timeline: Timeline) -> str:
    import attrs

    from eventline import io

    # The $schema reference is relative to the data file; it would not
    # resolve from wherever the export is written.
    return io.dumps(attrs.evolve(timeline.used(), schema=None))


_BATCH = 10_000

FORMATS: dict[str, Callable[[Timeline], str]] = {
    "json": _json_text,
    "csv": csv.to_csv,
    "ics": ics.to_ics,
    "timelinejs": _timelinejs_text,
}


def export_file(
    path: str | os.PathLike[str], format: str, select: Callable[[Timeline], Timeline] | None = None
) -> tuple[list[str], int]:
    """Export a data file: the text, in pieces to write one after the other, and
    the number of events in it. (Pieces spare a large export one more copy.)

    Args:
        path: the data file.
        format: one of :data:`FORMATS`.
        select: picks the events to export (e.g. ``lambda tl: tl.filter(...)``).

    Large files exported as CSV are read, checked and written in two halves
    by two processes, each writing the rows of its half.

    Raises:
        eventline.InvalidDataError: the file is not valid; nothing is exported.
    """
    import eventline
    from eventline import io
    from eventline.quick import PARALLEL_BYTES, in_halves, paused_gc

    pick = select or (lambda timeline: timeline)
    if format == "csv":
        raw, _ = io.read_bytes(path, str(path))
        if raw is not None and len(raw) >= PARALLEL_BYTES:

            def rows(header: dict[str, Any], events: list[Any]) -> tuple[str, int]:
                # A batch of records at a time, each batch's documents let go
                # as soon as its rows are written: memory stays near the file's.
                pieces, count = [], 0
                while events:
                    batch = io.timeline_from_json({**header, "events": events[:_BATCH]})
                    del events[:_BATCH]
                    part = pick(batch)
                    pieces.append(csv.to_csv(part, header=False))
                    count += len(part)
                return "".join(pieces), count

            with paused_gc():
                halves = in_halves(raw, rows)
            if isinstance(halves, tuple):
                (first, n1), (second, n2) = halves
                return [csv.header_row(), first, second], n1 + n2
    timeline = pick(eventline.load(path))
    return [export(timeline, format)], len(timeline)


def export(timeline: Timeline, format: str) -> str:
    """The timeline as text in ``format`` (one of :data:`FORMATS`)."""
    from eventline.quick import paused_gc

    # Writers build millions of short-lived strings and lists; the cyclic
    # collector would scan every record of a large timeline again and again.
    with paused_gc():
        return FORMATS[format](timeline)
