"""An Excel workbook (Office Open XML, ``.xlsx``): one sheet per table.

Sheets, in order: ``events``, ``citations``, ``categories``, ``actors``,
``sources`` and ``about`` (the dataset's title, description and ``$schema``).
Each has a frozen header row and column widths that fit its text. An event's
``date`` is the grammar's text; ``earliest`` and ``latest`` are its bounds as
real spreadsheet dates (empty for an open or unknown end), to sort and filter
on. Lists (actors, places, tags) are one item per line of the cell; a cell
with several lines, or text wider than its column (at most 60 characters),
wraps.

Every text cell is stored as text, never as a formula, whatever it starts
with. The same timeline always gives the same bytes: the workbook's
creation stamp and the archive's file times are fixed.

``eventline import`` reads this workbook back: export then import into a new
file gives the original data file, byte for byte. Needs ``openpyxl``
(``pip install "eventline[xlsx]"``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eventline.model import Timeline

__all__ = ["SHEETS", "to_xlsx"]

# Column names of each sheet, in order; eventline.importer.sheet reads the same.
SHEETS: dict[str, tuple[str, ...]] = {
    "events": (
        "id",
        "title",
        "date",
        "earliest",
        "latest",
        "category",
        "summary",
        "actors",
        "places",
        "tags",
    ),
    "citations": ("event", "source", "quote"),
    "categories": ("id", "label", "color"),
    "actors": ("id", "name", "kind", "role", "wikidata"),
    "sources": ("id", "title", "publisher", "published", "url"),
    "about": ("field", "value"),
}

# A fixed stamp for the workbook's properties and the archive's entries, so
# the bytes depend on the data alone (1980-01-01 is the earliest ZIP time).
_STAMP = dt.datetime(1980, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_DATE_FORMAT = "yyyy-mm-dd"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _rows(timeline: Timeline) -> dict[str, list[list[Any]]]:
    events: list[list[Any]] = []
    citations: list[list[Any]] = []
    for e in timeline:
        events.append(
            [
                e.id,
                e.title,
                str(e.date),
                e.date.lower,
                e.date.upper,
                e.category,
                e.summary,
                "\n".join(e.actors) or None,
                "\n".join(e.places) or None,
                "\n".join(e.tags) or None,
            ]
        )
        citations += [[e.id, c.source, c.quote] for c in e.citations]
    about = [["title", timeline.title]]
    if timeline.description is not None:
        about.append(["description", timeline.description])
    if timeline.schema is not None:
        about.append(["$schema", timeline.schema])
    return {
        "events": events,
        "citations": citations,
        "categories": [[c.id, c.label, c.color] for c in timeline.categories.values()],
        "actors": [[a.id, a.name, a.kind, a.role, a.wikidata] for a in timeline.actors.values()],
        "sources": [
            [s.id, s.title, s.publisher, None if s.published is None else str(s.published), s.url]
            for s in timeline.sources.values()
        ],
        "about": about,
    }


def _width(values: Sequence[Any]) -> float:
    longest = max(
        (
            len(line)
            for value in values
            if value is not None
            for line in (str(value).split("\n") if isinstance(value, str) else ["2025-01-01"])
        ),
        default=0,
    )
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def to_xlsx(timeline: Timeline) -> bytes:
    """The timeline as the bytes of an ``.xlsx`` workbook (see the module's docstring).

    Raises:
        ImportError: openpyxl is not installed; the message says how to get it.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError as error:
        raise ImportError(
            'xlsx needs openpyxl: pip install "eventline[xlsx]"', name="openpyxl"
        ) from error

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "eventline"
    book.properties.created = _STAMP
    book.properties.modified = _STAMP
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for name, rows in _rows(timeline).items():
        columns = SHEETS[name]
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = bold
        for values in rows:
            sheet.append(values)
        widths = [_width([column, *(row[i] for row in rows)]) for i, column in enumerate(columns)]
        for row in sheet.iter_rows(min_row=2):
            for cell, width in zip(row, widths, strict=False):
                if isinstance(cell.value, str):
                    # Text stays text: "=..." would otherwise be stored as a formula.
                    cell.data_type = "s"
                    # Wrapped when it has lines or is wider than its column
                    # (a summary), so that all of it can be read in the cell.
                    long = "\n" in cell.value or len(cell.value) + 2 > width
                    cell.alignment = wrap if long else top
                elif isinstance(cell.value, dt.date):
                    cell.number_format = _DATE_FORMAT
                    cell.alignment = top
        sheet.freeze_panes = "A2"
        for i, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(i + 1)].width = width
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_times(raw.getvalue())


def _fixed_times(archive: bytes) -> bytes:
    """The same ZIP archive with every entry's time set to a constant."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time here, whatever the properties say.
                data = _MODIFIED.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", data)
            target.writestr(entry, data)
    return out.getvalue()
