"""CSV (RFC 4180): one row per event, UTF-8, CRLF line ends, a header row."""

from __future__ import annotations

import csv as _csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventline.model import Event, Timeline

__all__ = ["COLUMNS", "to_csv"]

COLUMNS = (
    "id",
    "title",
    "date",
    "earliest",
    "latest",
    "precision",
    "qualifier",
    "display_date",
    "category",
    "actors",
    "places",
    "tags",
    "summary",
    "sources",
    "source_urls",
)

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(timeline: Timeline, event: Event) -> list[str]:
    date = event.date
    category = timeline.categories.get(event.category)
    sources = [timeline.sources[c.source] for c in event.citations if c.source in timeline.sources]
    titles = list(dict.fromkeys(s.title for s in sources))
    urls = list(dict.fromkeys(s.url for s in sources if s.url))
    return [
        event.id,
        event.title,
        str(date),
        date.lower.isoformat(),
        "" if date.upper is None else date.upper.isoformat(),
        date.precision,
        date.qualifier or "",
        date.display(),
        category.label if category else event.category,
        "; ".join(timeline.actors[a].name if a in timeline.actors else a for a in event.actors),
        "; ".join(event.places),
        "; ".join(event.tags),
        event.summary or "",
        "; ".join(titles),
        " ".join(urls),
    ]


def to_csv(timeline: Timeline) -> str:
    """The events as CSV text.

    Text cells that a spreadsheet would run as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, tab or CR) get a leading ``'``.
    """
    out = io.StringIO(newline="")
    writer = _csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for event in timeline:
        writer.writerow([_cell(value) for value in _row(timeline, event)])
    return out.getvalue()
