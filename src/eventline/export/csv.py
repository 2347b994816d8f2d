"""CSV (RFC 4180): one row per event, UTF-8, CRLF line ends, a header row.

Each text value isolates itself (:mod:`eventline.bidi`) where it holds
right-to-left text: a title, a category, a summary, and each value of a cell
that joins several (actors, places, source titles), so that no value can
change how its neighbours read, in a cell or on the row's line as a text
viewer shows it.
"""

from __future__ import annotations

import functools
import itertools
import operator
from typing import TYPE_CHECKING, Any

from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date
from eventline.io import event_documents

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["BOM", "COLUMNS", "rows_text", "to_csv"]

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

BOM = "\ufeff"
"""The byte-order mark (U+FEFF) that tells spreadsheet programs the file is UTF-8."""

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def header_row() -> str:
    """The CSV header row, with its line end."""
    return ",".join(COLUMNS) + "\r\n"


def to_csv(timeline: Timeline, *, header: bool = True, lang: Language = ENGLISH) -> str:
    """The events as CSV text.

    ``display_date`` is written in ``lang``; the header row stays the column
    names above, in every language, so scripts can read any export.

    Text cells that a spreadsheet would run as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, tab or CR) get a leading ``'``. (Ids, dates,
    tags and http urls cannot start so; the other columns are guarded.)
    """
    return rows_text(timeline, event_documents(timeline), header=header, lang=lang)


def rows_text(
    tables: Timeline,
    events: Iterable[dict[str, Any]],
    *,
    header: bool = False,
    lang: Language = ENGLISH,
) -> str:
    """The CSV rows of ``events``, canonical event documents (as in the data
    file), names and labels looked up in ``tables`` (whose own events are not used)."""
    rows = _rows(tables, events, lang)
    return "".join(itertools.chain([header_row()], rows) if header else rows)


def _field(text: str) -> str:
    """``text`` as a field of a row, as the ``csv`` module writes it (the excel
    dialect, minimal quoting; RFC 4180, 2): in double quotes, its own doubled,
    when it holds a comma, a double quote or a line break."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


@functools.lru_cache(maxsize=1 << 16)
def _date_cells(text: str, lang: Language) -> str:
    # Large files repeat dates, batch after batch: each is worked out once,
    # its six fields joined.
    date = EventDate.parse(text)
    cells = (
        text,
        date.lower.isoformat(),
        "" if date.upper is None else date.upper.isoformat(),
        date.precision,
        date.qualifier or "",
        display_date(date, lang),
    )
    return ",".join(map(_field, cells))


def _rows(timeline: Timeline, events: Iterable[dict[str, Any]], lang: Language) -> Iterator[str]:
    """Each event's row, with its line end."""
    # Large timelines repeat dates, categories, actor groups and sources:
    # each derived cell is worked out (and quoted) once. Writing the fields
    # here rather than with csv.writer takes a third of the time.
    dates: dict[str, str] = {}
    labels = {cid: _field(_cell(isolate(c.label))) for cid, c in timeline.categories.items()}
    actor_cells: dict[tuple[str, ...], str] = {(): ""}
    source_cells: dict[tuple[str, ...], str] = {}
    for event in events:
        ids = tuple(event["actors"]) if "actors" in event else ()
        actors = actor_cells.get(ids)
        if actors is None:
            names = (timeline.actors[a].name if a in timeline.actors else a for a in ids)
            actors = actor_cells[ids] = _field(_cell(isolate_join(names, "; ")))
        cited = tuple(map(_source_of, event["citations"]))
        sources = source_cells.get(cited)
        if sources is None:
            known = [timeline.sources[s] for s in cited if s in timeline.sources]
            sources = source_cells[cited] = (
                _field(_cell(isolate_join(dict.fromkeys(s.title for s in known), "; ")))
                + ","
                + _field(" ".join(dict.fromkeys(s.url for s in known if s.url)))
            )
        when = dates.get(event["date"])
        if when is None:
            when = dates[event["date"]] = _date_cells(event["date"], lang)
        places = event.get("places")
        yield (
            ",".join(
                (
                    _field(event["id"]),
                    _text_field(isolate(event["title"])),
                    when,
                    labels.get(event["category"]) or _text_field(event["category"]),
                    actors,
                    _text_field(isolate_join(places, "; ")) if places else "",
                    _field("; ".join(event["tags"])) if "tags" in event else "",
                    _text_field(isolate(event["summary"])) if "summary" in event else "",
                    sources,
                )
            )
            + "\r\n"
        )


_source_of = operator.itemgetter("source")


def _text_field(text: str) -> str:
    """``_field(_cell(text))``, in one call."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
