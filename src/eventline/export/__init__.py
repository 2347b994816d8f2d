"""Writers that take a timeline elsewhere: JSON, CSV, iCalendar and TimelineJS.

Each writer is a function from a :class:`~eventline.model.Timeline` to text;
the same timeline always gives the same text.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventline.export import csv, ics, timelinejs
from eventline.i18n import ENGLISH

if TYPE_CHECKING:
    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["FORMATS", "export", "export_file"]


def _timelinejs_text(timeline: Timeline, lang: Language = ENGLISH) -> str:
    data = timelinejs.to_timelinejs(timeline, lang=lang)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _json_text(timeline: Timeline, lang: Language = ENGLISH) -> str:
    # The data format is the data itself: no text in it is eventline's to translate.
    import attrs

    from eventline import io

    # The $schema reference is relative to the data file; it would not
    # resolve from wherever the export is written.
    return io.dumps(attrs.evolve(timeline.used(), schema=None))


_BATCH = 10_000

#: Writer of each format: ``writer(timeline, lang=...)`` gives its text.
FORMATS: dict[str, Callable[..., str]] = {
    "json": _json_text,
    "csv": csv.to_csv,
    "ics": ics.to_ics,
    "timelinejs": _timelinejs_text,
}


def export_file(
    path: str | os.PathLike[str],
    format: str,
    select: Callable[[Timeline], Timeline] | None = None,
    *,
    bom: bool = False,
    lang: Language = ENGLISH,
) -> tuple[Iterator[str], int]:
    """Export a data file: the text, as pieces to write one after the other, and
    the number of events in it.

    Args:
        path: the data file.
        format: one of :data:`FORMATS`.
        select: picks the events to export (e.g. ``lambda tl: tl.filter(...)``).
        bom: start CSV text with a byte-order mark (:data:`csv.BOM`), so that
            spreadsheet programs read it as UTF-8 rather than Windows-1252.
        lang: the language of display dates and labels (:func:`eventline.i18n.language`).

    Large files exported as CSV are proved valid and written in two halves by
    two processes; each writes its rows, a batch at a time, to a temporary
    file that the pieces then read back (and remove), so no process holds
    the whole export in memory.

    Raises:
        eventline.InvalidDataError: the file is not valid; nothing is exported.
        ValueError: ``bom`` with a format other than ``"csv"``.
    """
    if bom and format != "csv":
        raise ValueError(f"a byte-order mark is for CSV, not {format}")
    pieces, count = _export_file(path, format, select, lang)
    return (itertools.chain([csv.BOM], pieces) if bom else pieces), count


def _export_file(
    path: str | os.PathLike[str],
    format: str,
    select: Callable[[Timeline], Timeline] | None,
    lang: Language,
) -> tuple[Iterator[str], int]:
    import eventline
    from eventline import io
    from eventline.quick import PARALLEL_BYTES, in_halves, paused_gc

    pick = select or (lambda timeline: timeline)
    if format == "csv":
        raw, _ = io.read_bytes(path, str(path))
        if raw is not None and len(raw) >= PARALLEL_BYTES:
            folder = Path(tempfile.mkdtemp(prefix="eventline-export-"))

            def rows(header: dict[str, Any], events: list[Any]) -> tuple[str, int]:
                # A batch of records at a time, each batch's documents let go
                # once its rows are on disk: memory stays near the file's own.
                fd, spool = tempfile.mkstemp(suffix=".csv", dir=folder)
                count = 0
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    while events:
                        batch = io.timeline_from_json({**header, "events": events[:_BATCH]})
                        del events[:_BATCH]
                        part = pick(batch)
                        out.write(csv.to_csv(part, header=False, lang=lang))
                        count += len(part)
                return spool, count

            try:
                with paused_gc():
                    halves = in_halves(raw, rows)
            except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
                halves = None  # not sure: the precise path below says what is wrong
            del raw
            if isinstance(halves, tuple):
                (first, n1), (second, n2) = halves
                return _spooled(csv.header_row(), folder, [first, second]), n1 + n2
            shutil.rmtree(folder, ignore_errors=True)
    timeline = pick(eventline.load(path))
    return iter([export(timeline, format, lang)]), len(timeline)


def _spooled(head: str, folder: Path, spools: list[str]) -> Iterator[str]:
    """``head``, then the text of each spool file in turn; the folder is removed after."""
    try:
        yield head
        for spool in spools:
            with Path(spool).open(encoding="utf-8", newline="") as handle:
                while piece := handle.read(1 << 22):
                    yield piece
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def export(timeline: Timeline, format: str, lang: Language = ENGLISH) -> str:
    """The timeline as text in ``format`` (one of :data:`FORMATS`), dates and labels in ``lang``."""
    from eventline.quick import paused_gc

    # Writers build millions of short-lived strings and lists; the cyclic
    # collector would scan every record of a large timeline again and again.
    with paused_gc():
        return FORMATS[format](timeline, lang=lang)
