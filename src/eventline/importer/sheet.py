"""Spreadsheets in: the ``.xlsx`` workbook ``eventline export --format xlsx``
writes, or an events table alone as ``.xlsx`` or ``.csv``.

A workbook's sheets are named as in :data:`eventline.export.xlsx.SHEETS`;
only ``events`` is needed. An events table alone (a CSV file, or a
workbook without a ``citations`` sheet) cites its sources in a ``sources``
column (ids, one per line or separated by ``;``) with an optional ``quote``
column for the first of them; its ``category``, ``actors`` and ``sources``
name ids declared in the target data file (or in the workbook's own sheets).

Header names are matched without regard to case or surrounding spaces. A
date cell holds the grammar (``2025-02-12``, ``2022-02``) or free text
(``Feb 14-16, 2025``), read as ``eventline add --date`` reads it, or a real
spreadsheet date (one formatted without days, such as ``Feb-22``, is that
month). ``earliest`` and ``latest`` are worked out from ``date`` on export, to
sort and filter on; import ignores them, so edit ``date``.

Every problem names its place: ``events.xlsx: events!C7 (date): ...`` or
``sheet.csv: row 7, column "date": ...``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from eventline.authoring import slugify
from eventline.dates import DateError, EventDate
from eventline.export.xlsx import SHEETS
from eventline.importer.timelinejs import SHEET_COLUMNS
from eventline.problems import Problem, show_value
from eventline.validate import ID_RE

__all__ = [
    "decode_text",
    "delimiter",
    "is_timelinejs_csv",
    "looks_like_timelinejs",
    "read_csv",
    "read_tables",
    "read_xlsx",
]

# Columns an events table may have besides the exported ones: citations given inline.
_INLINE = ("sources", "quote")
# Columns of eventline's own CSV export that are worked out from others; read, not stored.
_DERIVED = ("earliest", "latest", "precision", "qualifier", "display_date", "source_urls")
# Columns a table must have. An events table needs only ids: an event that
# exists already keeps the fields the table has no column for, and a new one
# without them is reported at its row.
_REQUIRED = {
    "events": ("id",),
    "citations": ("event", "source"),
    "categories": ("id", "label"),
    "actors": ("id", "name", "kind"),
    "sources": ("id", "title"),
    "about": ("field", "value"),
}
# Cells that may not be empty where the table has their column.
_NEEDED = {"events": ("title", "date", "category")}
_LISTS = ("actors", "places", "tags", "sources")
_ABOUT_FIELDS = ("title", "description", "$schema")


@attrs.frozen
class Table:
    """One table of a spreadsheet: its header and rows, and how to name a cell.

    Attributes:
        name: the table's name (``events``, ...).
        columns: the header's column names, as written.
        rows: ``(row number, values)``, the number as the spreadsheet shows it.
        locate: ``(row number, column index)`` → ``events!C7 (date)`` or
            ``row 7, column "date"``.
        header: where the header row is (``events!1``, ``row 1``).
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    locate: Callable[[int, int], str]
    header: str


class _Reader:
    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.cells: dict[tuple[str, str, str], str] = {}

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(self.label, message, place))


def _text(value: Any) -> str | None:
    """A cell as text, without spaces or line breaks around it; None when empty.

    Whole numbers lose their ``.0``. Spaces around a cell's text cannot be
    seen in a spreadsheet and have no place in the data format, so they go.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text if text != "" else None


def _date(value: Any) -> EventDate:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise DateError(
                f"{value:%Y-%m-%d %H:%M}: has a time of day; times are not stored: "
                "give the day alone"
            )
        value = value.date()
    if isinstance(value, dt.date):
        return EventDate.parse(value.isoformat())
    text = _text(value) or ""
    try:
        return EventDate.from_text(text)
    except DateError as error:
        message = str(error)
        raise DateError(message if text in message else f"{show_value(text)}: {message}") from None


def _split(text: str) -> list[str]:
    parts = text.split("\n") if "\n" in text else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def _index(table: Table) -> dict[str, int]:
    """Header name (trimmed, lowercase) → column index."""
    return {(_text(c) or "").strip().lower(): i for i, c in enumerate(table.columns)}


def _columns(reader: _Reader, table: Table) -> dict[str, int] | None:
    """Column name → index for the columns the table knows; problems for the rest."""
    extra = _INLINE + _DERIVED if table.name == "events" else ()
    known = tuple(dict.fromkeys((*SHEETS[table.name], *extra)))
    index: dict[str, int] = {}
    for i, raw in enumerate(table.columns):
        name = (_text(raw) or "").strip().lower()
        place = table.locate(1, i)
        if not name:
            if any(i < len(values) and values[i] not in (None, "") for _, values in table.rows):
                reader.problem(place, "this column has values but no name; name it in row 1")
            continue
        if name in index:
            reader.problem(place, f"column {show_value(name)} appears twice; keep one")
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f'did you mean "{close[0]}"?' if close else "known: " + ", ".join(known)
            reader.problem(place, f"unknown column {show_value(name)}; {hint}")
        else:
            index[name] = i
    missing = [c for c in _REQUIRED[table.name] if c not in index]
    if missing:
        names = ", ".join(show_value(c) for c in missing)
        found = [n for n in ((_text(c) or "").strip() for c in table.columns) if n]
        reader.problem(
            table.header,
            f"no column {names} in the header row (it has: "
            + (", ".join(found) or "nothing")
            + "); row 1 names the columns, such as: "
            + ", ".join(SHEETS[table.name]),
        )
        return None
    return index


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _records(reader: _Reader, table: Table) -> list[tuple[int, dict[str, Any]]]:
    """Each non-empty row as ``(row number, {column: cell})``; problems for empty required cells."""
    index = _columns(reader, table)
    if index is None:
        return []
    out = []
    for number, values in table.rows:
        cells = {
            name: values[i]
            for name, i in index.items()
            if i < len(values) and _text(values[i]) is not None
        }
        if not cells:
            continue
        for name in _REQUIRED[table.name] + _NEEDED.get(table.name, ()):
            if name in index and name not in cells:
                reader.problem(
                    table.locate(number, index[name]),
                    f"is empty; every row needs {_article(name)} {name}",
                )
        out.append((number, cells))
    return out


def _keyed(
    reader: _Reader, table: Table, records: list[tuple[int, dict[str, Any]]], key: str = "id"
) -> list[tuple[int, dict[str, Any]]]:
    """Records with a usable, unique id (duplicates are problems)."""
    index = _index(table)
    seen: dict[str, int] = {}
    out = []
    for number, cells in records:
        rid = _text(cells.get(key))
        if rid is None:
            continue
        if ID_RE.fullmatch(rid) is None:
            reader.problem(
                table.locate(number, index[key]),
                f"{show_value(rid)}: is not a slug: use lowercase letters a-z, digits and "
                f'single hyphens, e.g. "{slugify(rid)}"',
            )
            continue
        if rid in seen:
            reader.problem(
                table.locate(number, index[key]),
                f"{show_value(rid)}: the id is already used in row {seen[rid]}; ids must be unique",
            )
            continue
        seen[rid] = number
        out.append((number, cells))
    return out


def _event(
    reader: _Reader, table: Table, number: int, cells: dict[str, Any]
) -> dict[str, Any] | None:
    index = _index(table)
    rid = _text(cells["id"]) or ""
    for name in index:
        if name in SHEETS["events"] or name in _INLINE:
            reader.cells["events", rid, name] = table.locate(number, index[name])
    reader.cells["events", rid, ""] = table.locate(number, index["id"])
    record: dict[str, Any] = {}
    ok = True
    for name in ("id", "title", "date", "category", "summary", "actors", "places", "tags"):
        if name not in cells:
            continue
        value = cells[name]
        if name == "date":
            try:
                date = _date(value)
            except DateError as error:
                reader.problem(table.locate(number, index[name]), str(error))
                ok = False
                continue
            record["date"] = str(date)
            _check_bounds(reader, table, number, cells, index, date)
        elif name in _LISTS:
            record[name] = _split(_text(value) or "")
        else:
            record[name] = _text(value)
    complete = all(name in cells for name in index if name in ("id", *_NEEDED["events"]))
    return record if ok and complete else None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value) or "")
    except ValueError:
        return None


def _check_bounds(
    reader: _Reader,
    table: Table,
    number: int,
    cells: dict[str, Any],
    index: dict[str, int],
    date: EventDate,
) -> None:
    """A note for an ``earliest`` or ``latest`` cell edited to disagree with ``date``:
    they are worked out from ``date``, so an edit there alone would be lost unsaid."""
    for name, bound in (("earliest", date.lower), ("latest", date.upper)):
        if name not in cells or _day(cells[name]) == bound:
            continue
        day = _day(cells[name])
        shown = day.isoformat() if day is not None else _text(cells[name])
        reader.notes.append(
            f"{reader.label}: {table.locate(number, index[name])}: {shown} was not read: "
            f"{name} is worked out from date ({date}, {name} "
            f"{bound.isoformat() if bound else 'open'}); to change it, edit date"
        )


def _plain(
    reader: _Reader, table: Table, records: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The records of a categories, actors or sources table."""
    index = _index(table)
    out = []
    for number, cells in _keyed(reader, table, records):
        rid = _text(cells["id"]) or ""
        reader.cells[table.name, rid, ""] = table.locate(number, index["id"])
        record: dict[str, Any] = {}
        for name in SHEETS[table.name]:
            if name not in cells:
                continue
            reader.cells[table.name, rid, name] = table.locate(number, index[name])
            if name == "published":
                try:
                    record[name] = str(_date(cells[name]))
                except DateError as error:
                    reader.problem(table.locate(number, index[name]), str(error))
                continue
            record[name] = _text(cells[name])
        out.append(record)
    return out


def read_tables(tables: Iterable[Table], label: str) -> Any:
    """A document of the data-file model from the tables of a spreadsheet.

    Returns:
        An :class:`eventline.importer.Imported`.
    """
    from eventline.importer import Imported

    reader = _Reader(label)
    by_name = {t.name: t for t in tables}
    doc: dict[str, Any] = {}
    for name in ("categories", "actors", "sources"):
        if name in by_name:
            rows = _plain(reader, by_name[name], _records(reader, by_name[name]))
            if rows:
                doc[name] = rows
    if "about" in by_name:
        _about(reader, by_name["about"], doc)
    events_table = by_name["events"]
    header = {(_text(c) or "").strip().lower() for c in events_table.columns}
    events: dict[str, dict[str, Any]] = {}
    event_rows = _keyed(reader, events_table, _records(reader, events_table))
    for number, cells in event_rows:
        event = _event(reader, events_table, number, cells)
        if event is not None:
            event["citations"] = _inline_citations(cells)
            for j in range(len(event["citations"])):
                for field, column in (("source", "sources"), ("quote", "quote")):
                    place = reader.cells.get(("events", event["id"], column))
                    if place is not None:
                        reader.cells["events", event["id"], f"citations[{j}].{field}"] = place
            events[event["id"]] = event
    if "citations" in by_name:
        _citations(reader, by_name["citations"], events, {_text(c["id"]) for _, c in event_rows})
    doc["events"] = [_ordered(e) for e in events.values()]
    absent = frozenset(
        name
        for name in ("title", "date", "category", "summary", "actors", "places", "tags")
        if name not in header
    )
    if "sources" not in header and "citations" not in by_name:
        absent |= {"citations"}
    if "quote" not in header and "citations" not in by_name:
        absent |= {"quote"}
    return Imported(
        doc,
        tuple(reader.problems),
        tuple(reader.notes),
        cells=dict(reader.cells),
        absent=absent,
        whole="citations" in by_name,
    )


_EVENT_ORDER = ("id", "title", "date", "category", "summary", "actors", "places", "tags")


def _ordered(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: event[k] for k in _EVENT_ORDER if k in event and event[k] != []}
    out["citations"] = event["citations"]
    return out


def _inline_citations(cells: dict[str, Any]) -> list[dict[str, Any]]:
    sources = _split(_text(cells.get("sources")) or "")
    citations: list[dict[str, Any]] = [{"source": s} for s in sources]
    quote = _text(cells.get("quote"))
    if quote is not None and citations:
        citations[0]["quote"] = quote
    return citations


def _citations(
    reader: _Reader, table: Table, events: dict[str, dict[str, Any]], known: set[str | None]
) -> None:
    index = _index(table)
    counts: dict[str, int] = {}
    for number, cells in _records(reader, table):
        event_id = _text(cells.get("event"))
        source = _text(cells.get("source"))
        if event_id is None or source is None:
            continue
        if event_id not in known:
            reader.problem(
                table.locate(number, index["event"]),
                f"{show_value(event_id)}: no event has this id in the events sheet",
            )
            continue
        event = events.get(event_id)
        if event is None:
            continue  # the event's row has problems of its own
        j = counts.get(event_id, len(event["citations"]))
        counts[event_id] = j + 1
        citation: dict[str, Any] = {"source": source}
        for name in ("source", "quote"):
            if name in index:
                place = table.locate(number, index[name])
                reader.cells["events", event_id, f"citations[{j}].{name}"] = place
        if (quote := _text(cells.get("quote"))) is not None:
            citation["quote"] = quote
        event["citations"].append(citation)


def _about(reader: _Reader, table: Table, doc: dict[str, Any]) -> None:
    index = _index(table)
    for number, cells in _records(reader, table):
        field = _text(cells.get("field"))
        if field is None:
            continue
        if field not in _ABOUT_FIELDS:
            reader.problem(
                table.locate(number, index["field"]),
                f"{show_value(field)}: unknown field; the fields are " + ", ".join(_ABOUT_FIELDS),
            )
        elif field in doc:
            reader.problem(table.locate(number, index["field"]), f"{field} is given twice")
        elif (value := _text(cells.get("value"))) is not None:
            doc[field] = value
            reader.cells["", "", field] = table.locate(number, index["value"])


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def decode_text(raw: bytes, label: str) -> str | Problem:
    """A text file's bytes as text (UTF-8, with or without a byte order mark).

    Returns:
        The text, or a problem that names the row of the first byte that is
        not UTF-8, shows the text around it, and says how to save the file.
    """
    save = 'save it as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8)'
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(label, f'is UTF-16 text (Excel\'s "Unicode Text"), not UTF-8; {save}')
    if raw.startswith(b"PK\x03\x04"):
        return Problem(label, "is a ZIP file (an .xlsx workbook?), not text; import it as .xlsx")
    if b"\x00" in raw[:4096]:
        return Problem(label, "is not a text file (it has NUL bytes); " + save)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw.count(b"\n", 0, error.start) + 1
        start = raw.rfind(b"\n", 0, error.start) + 1
        near = raw[max(start, error.start - 20) : error.start + 20].split(b"\n")[0]
        shown = near.decode("cp1252", errors="replace").strip()
        return Problem(
            label,
            f"byte 0x{raw[error.start]:02x} (near {show_value(shown)} if read as Windows-1252) "
            f"is not UTF-8: the file is in another encoding; {save}",
            f"row {row}",
        )
    return text


def looks_like_timelinejs(header: Iterable[Any]) -> bool:
    """True when a header row is the TimelineJS template's (Year, Headline, no id)."""
    names = {(_text(name) or "").lower() for name in header}
    return {"year", "headline"} <= names and "id" not in names


# Every column name an import knows, to tell which delimiter a CSV file uses.
_KNOWN = {
    *(c for columns in SHEETS.values() for c in columns),
    *_INLINE,
    *_DERIVED,
    *(c.lower() for c in SHEET_COLUMNS),
}


def delimiter(text: str) -> str:
    """The delimiter of a CSV text: ``,``, or ``;`` or a tab when its header row says so.

    Excel saves "CSV" with ``;`` where the decimal mark is a comma (most of
    Europe), and "Text (Tab delimited)" with tabs; the header row tells which,
    by which split gives the most known column names.
    """
    first = text.split("\n", 1)[0]
    best, score = ",", 0
    for candidate in (",", ";", "\t"):
        names = next(csv.reader([first], delimiter=candidate), [])
        found = sum(1 for name in names if name.strip().lower() in _KNOWN)
        if found > score:
            best, score = candidate, found
    return best


def is_timelinejs_csv(path: Path) -> bool:
    """True when ``path`` is a readable CSV file whose header is the TimelineJS template's."""
    text = decode_text(path.read_bytes(), str(path))
    if isinstance(text, Problem):
        return False
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)), [])
    return looks_like_timelinejs(header)


def read_csv(path: Path, label: str) -> Any:
    """An events table from a CSV file (UTF-8, with or without a byte order mark).

    The delimiter is ``,``, or ``;`` or a tab when the header row uses it
    (see :func:`delimiter`).

    Returns:
        An :class:`eventline.importer.Imported`; a file that is not UTF-8
        gives one problem that says where, and how to save it.
    """
    from eventline.importer import Imported

    text = decode_text(path.read_bytes(), label)
    if isinstance(text, Problem):
        return Imported(None, (text,))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)))
    if not rows:
        return Imported(None, (Problem(label, "is empty; the first row names the columns"),))
    if looks_like_timelinejs(rows[0]):
        return Imported(
            None,
            (
                Problem(
                    label,
                    "is the TimelineJS template (its header has Year and Headline, no id); "
                    "import it with --from timelinejs",
                    "row 1",
                ),
            ),
        )
    table = Table(
        "events",
        tuple(rows[0]),
        tuple((n, tuple(r)) for n, r in enumerate(rows[1:], start=2)),
        lambda row, column: f"row {row}, column {show_value(_header(rows[0], column))}",
        "row 1",
    )
    return read_tables([table], label)


def _header(names: list[str], column: int) -> str:
    return (
        names[column].strip()
        if column < len(names) and names[column].strip()
        else (_column_letter(column))
    )


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xlsx(path: Path, label: str) -> Any:
    """The tables of an ``.xlsx`` workbook (see the module's docstring).

    Formulas and merged cells are problems (eventline reads values, one per
    cell); so is a workbook that is password-protected, an old ``.xls``, or
    not a workbook at all.

    Returns:
        An :class:`eventline.importer.Imported`.
    """
    from eventline.importer import Imported

    try:
        from openpyxl import load_workbook
    except ImportError:
        return Imported(
            None, (Problem(label, 'reading .xlsx needs openpyxl: pip install "eventline[xlsx]"'),)
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        return Imported(
            None,
            (
                Problem(
                    label,
                    "is password-protected or an old .xls workbook; save it as .xlsx "
                    "without a password",
                ),
            ),
        )
    try:
        book = load_workbook(path, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return Imported(
            None,
            (Problem(label, "is not a readable .xlsx workbook (damaged, or another file type)"),),
        )
    problems: list[Problem] = []
    notes: list[str] = []
    tables: list[Table] = []
    names = {sheet.title.strip().lower(): sheet for sheet in book.worksheets}
    if "events" not in names and len(book.worksheets) == 1:
        names = {"events": book.worksheets[0]}
    if "events" not in names:
        shown = ", ".join(show_value(s.title) for s in book.worksheets)
        return Imported(
            None,
            (
                Problem(
                    label,
                    f'has no sheet named "events" (its sheets: {shown}); name the sheet that '
                    'holds the events "events"',
                ),
            ),
        )
    first = next(names["events"].iter_rows(max_row=1, values_only=True), ())
    if looks_like_timelinejs(first):
        return Imported(
            None,
            (
                Problem(
                    label,
                    "is the TimelineJS template (its header has Year and Headline, no id); "
                    "save it as CSV (Google Sheets: File > Download > Comma-separated values) "
                    "and import that with --from timelinejs",
                    f"{names['events'].title}!1",
                ),
            ),
        )
    for title in [s.title for s in book.worksheets]:
        if title.strip().lower() not in SHEETS and book[title] not in names.values():
            notes.append(
                f"{label}: sheet {show_value(title)} was not read (not one of eventline's)"
            )
    for name, sheet in names.items():
        if name not in SHEETS:
            continue
        for merged in sorted(sheet.merged_cells.ranges, key=str):
            problems.append(
                Problem(
                    label,
                    "merged cells; unmerge them so that each value has a cell of its own",
                    f"{sheet.title}!{merged.coord}",
                )
            )
        rows = []
        for row in sheet.iter_rows():
            values: list[Any] = []
            for cell in row:
                if cell.data_type == "f":
                    problems.append(
                        Problem(
                            label,
                            f"is a formula ({_text(getattr(cell.value, 'text', cell.value))}); "
                            "eventline reads values: type the value itself",
                            f"{sheet.title}!{cell.coordinate}",
                        )
                    )
                    values.append(None)
                else:
                    values.append(_as_shown(cell))
            rows.append(tuple(values))
        if not rows:
            if name == "events":
                problems.append(
                    Problem(label, "is empty; row 1 names the columns", f"{sheet.title}")
                )
            continue
        tables.append(
            Table(
                name,
                tuple(rows[0]),
                tuple((n, r) for n, r in enumerate(rows[1:], start=2)),
                _xlsx_locator(sheet.title, rows[0]),
                f"{sheet.title}!1",
            )
        )
    if problems or "events" not in {t.name for t in tables}:
        return Imported(None, tuple(problems))
    result = read_tables(tables, label)
    return attrs.evolve(result, notes=(*notes, *result.notes))


def _as_shown(cell: Any) -> Any:
    """A cell's value, a date kept to the precision its format shows.

    Spreadsheets turn a typed ``2022-02`` into the date 1 February 2022 shown
    as ``Feb-22``; reading the day would invent a precision the author never
    gave. A date format without days is read as a month (``2022-02``).
    """
    value = cell.value
    if isinstance(value, dt.datetime) and cell.is_date:
        shown = str(cell.number_format).lower()
        if "d" not in shown and "m" in shown and value.day == 1:
            return f"{value.year:04d}-{value.month:02d}"
    return value


def _xlsx_locator(title: str, header: tuple[Any, ...]) -> Callable[[int, int], str]:
    names = [(_text(c) or "").strip() for c in header]

    def locate(row: int, column: int) -> str:
        place = f"{title}!{_column_letter(column)}{row}"
        name = names[column] if column < len(names) else ""
        return f"{place} ({name})" if name and row != 1 else place

    return locate
