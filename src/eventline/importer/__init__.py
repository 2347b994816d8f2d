"""Bring a timeline in from elsewhere: spreadsheets, TimelineJS, into a data file.

A *reader* turns one file into a document of the data-file model (the dict
that :func:`eventline.io.read_document` gives) plus the problems it found,
each located in that file (``events.xlsx: events!C7 (date): ...``). Readers
sit in the plain table :data:`READERS`; :func:`reader_for` picks one from
``--from`` or the file's name. :func:`import_file` merges what a reader gives
into the target data file, validates the whole result and writes it once,
atomically; on any problem the target is left as it was, byte for byte.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from eventline import io
from eventline.importer import sheet, timelinejs
from eventline.problems import InvalidDataError, Problem, show_value
from eventline.validate import check_document

__all__ = [
    "FOLDER_READER",
    "READERS",
    "SUFFIXES",
    "Change",
    "ImportResult",
    "Imported",
    "import_file",
    "read",
    "reader_for",
]


@attrs.frozen
class Imported:
    """What a reader read from one file.

    Attributes:
        doc: a document of the data-file model (``title``, the tables,
            ``events``); None when nothing could be read.
        problems: every problem found, located in the file read.
        notes: one line for each thing of the file that was not carried over.
        cells: ``(table, id, field)`` → where that value is in the file read
            (``events!C7 (date)``); ``(table, id, "")`` is the record's row.
            Problems the merged file has are reported at these places; the
            timeline's own fields are ``("", "", "title")`` and so on.
        absent: event fields the file has no column for; an event that
            exists already keeps its own values of these.
        add_only: tables (``categories``, ...) and timeline fields
            (``title``, ...) the file only suggests: a table's records the
            target has already are kept, and only the ones it lacks added;
            the fields are used only for a new data file. TimelineJS's
            groups and title slide are such; an eventline workbook's sheets
            are not (they are the whole record).
        whole: the file is a whole timeline (an eventline workbook), so an
            event of the target missing from it was likely deleted there;
            import keeps it, and says so.
    """

    doc: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    cells: Mapping[tuple[str, str, str], str] = attrs.field(factory=dict)
    absent: frozenset[str] = frozenset()
    add_only: frozenset[str] = frozenset()
    whole: bool = False


# A reader takes the file and how problems name it, and returns an Imported
# or a plain (document or None, problems) pair.
Reader = Callable[[Path, str], "Imported | tuple[dict[str, Any] | None, list[Problem]]"]


def _read_parquet(path: Path, label: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A Parquet dataset folder (``eventline export --format parquet``)."""
    from eventline import rules

    if not rules.looks_like_dataset(path):
        return None, [rules.not_a_dataset(label)]
    try:
        from eventline import parquet
    except ImportError as error:  # the message names the extra to install
        return None, [Problem(label, str(error))]
    from eventline.validate import check_document

    # A dataset is a whole timeline: its own problems are located in it, by
    # table and id, before anything is merged into the data file.
    doc, problems = parquet.read_dataset(path, label)
    if doc is not None and (problems := check_document(doc, label)):
        # Worded by validate.py but located by JSON index (events[25]), which a
        # dataset has not: report what `eventline validate DIR` reports.
        from eventline.duckdb_check import validate_dataset

        return None, validate_dataset(path, label) or problems
    return doc, problems


READERS: dict[str, Reader] = {
    "xlsx": sheet.read_xlsx,
    "csv": sheet.read_csv,
    "timelinejs": timelinejs.read,
    "parquet": _read_parquet,
}

# The reader for a file's suffix when --from is not given.
SUFFIXES: dict[str, str] = {".xlsx": "xlsx", ".csv": "csv", ".json": "timelinejs"}

# The reader for a folder (a Parquet dataset).
FOLDER_READER = "parquet"


def reader_for(path: Path, kind: str | None = None) -> str | None:
    """The name (a key of :data:`READERS`) of the reader for ``path``, or None.

    ``kind`` (``--from``) wins; otherwise the suffix decides (see :data:`SUFFIXES`),
    and a folder goes to :data:`FOLDER_READER` when that reader is in the table.
    """
    if kind is not None:
        return kind if kind in READERS else None
    if path.is_dir():
        return FOLDER_READER if FOLDER_READER in READERS else None
    return SUFFIXES.get(path.suffix.lower())


def read(
    path: str | os.PathLike[str], kind: str | None = None, name: str | None = None
) -> Imported:
    """Read one file with the reader :func:`reader_for` picks.

    Returns:
        What was read; a file no reader takes gives a single problem.
    """
    source = Path(path)
    label = str(path) if name is None else name
    chosen = reader_for(source, kind)
    if chosen is None:
        known = ", ".join(sorted(SUFFIXES))
        return Imported(
            None,
            (
                Problem(
                    label,
                    f"cannot tell how to read this file from its name; use a {known} file "
                    "or a Parquet dataset folder, "
                    "or name the format with --from (" + ", ".join(READERS) + ")",
                ),
            ),
        )
    if not source.exists():
        return Imported(None, (Problem(label, "no such file; check the path"),))
    if kind is None and chosen == "csv" and sheet.is_timelinejs_csv(source):
        chosen = "timelinejs"  # the template's header says so; no --from needed
    result = READERS[chosen](source, label)
    if isinstance(result, tuple):
        doc, problems = result
        return Imported(doc, tuple(problems))
    return result


@attrs.frozen
class Change:
    """One record an import adds or changes.

    Attributes:
        action: ``"add"`` or ``"change"``.
        table: ``"events"``, ``"categories"``, ``"actors"`` or ``"sources"``;
            ``"timeline"`` for the timeline's own ``title``, ``description``
            or ``$schema``.
        id: the record's id (for ``"timeline"``, the field).
        fields: for a change, the fields whose values differ.
    """

    action: str
    table: str
    id: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.table == "timeline":
            return f"{self.action} the timeline's {self.id}"
        kind = {"events": "event", "categories": "category", "actors": "actor"}.get(
            self.table, "source"
        )
        text = f"{self.action} {kind} {show_value(self.id)}"
        return text + (f" ({', '.join(self.fields)})" if self.fields else "")


@attrs.frozen
class ImportResult:
    """What an import did (or, dry, would do).

    Attributes:
        changes: the records added or changed, tables first, then events.
        notes: one line for each thing of the file read that was not carried over.
        created: True when the target did not exist before.
        events: how many events the target has afterwards.
        text: the target's new canonical text.
    """

    changes: tuple[Change, ...]
    notes: tuple[str, ...]
    created: bool
    events: int
    text: str = attrs.field(repr=False)


_TABLES = ("categories", "actors", "sources")


def _merge(
    base: dict[str, Any] | None,
    new: dict[str, Any],
    absent: frozenset[str],
    add_only: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[Change]]:
    merged: dict[str, Any] = dict(base or {})
    changes: list[Change] = []
    for key in ("$schema", "title", "description"):
        if key not in new or (key in add_only and base is not None):
            continue  # a suggested title (and its description) only names a new file
        if base is not None and merged.get(key) != new[key]:
            changes.append(Change("add" if key not in merged else "change", "timeline", key))
        merged[key] = new[key]
    if "title" not in merged:
        merged["title"] = "Imported timeline"
    for table in (*_TABLES, "events"):
        rows = [dict(r) for r in merged.get(table, [])]
        where = {r.get("id"): i for i, r in enumerate(rows)}
        for record in new.get(table, []):
            rid = record["id"]
            if rid not in where:
                where[rid] = len(rows)
                rows.append(record)
                changes.append(Change("add", table, rid))
                continue
            old = rows[where[rid]]
            if table in add_only:
                continue  # the target's record stands; the file only suggested one
            if table == "events":
                record = _keep_absent(old, record, absent)
            if record != old:
                fields = tuple(k for k in {**old, **record} if old.get(k) != record.get(k))
                changes.append(Change("change", table, rid, fields))
            rows[where[rid]] = record
        if rows or table == "events":
            merged[table] = rows
    return merged, changes


def _keep_absent(
    old: dict[str, Any], new: dict[str, Any], absent: frozenset[str]
) -> dict[str, Any]:
    """``new`` with the fields the file had no column for taken from ``old``;
    a citation without a quote column keeps the quote ``old`` had for that source."""
    record = dict(new)
    for key in absent - {"quote"}:
        if key in old:
            record[key] = old[key]
        else:
            record.pop(key, None)
    if "quote" in absent and "citations" not in absent:
        quotes = {c["source"]: c["quote"] for c in old.get("citations", []) if "quote" in c}
        record["citations"] = [
            {**c, "quote": quotes[c["source"]]} if c["source"] in quotes else c
            for c in record["citations"]
        ]
    return record


_INDEXED = re.compile(r"\[\d+\]")
_MISSING_KEY = re.compile(r'missing required key "([a-z_]+)"')
_NEEDS = {
    "title": "a title",
    "date": "a date",
    "category": "a category (a declared id)",
    "citations": "a source (a declared id)",
}


def _relocate(problem: Problem, imported: Imported, label: str) -> Problem:
    """A problem of the merged file, placed where the value came from in the file read."""
    table = problem.location.split("[", 1)[0]
    if not problem.location and problem.field is not None:
        # The timeline's own fields (title, description): ("", "", field).
        place = imported.cells.get(("", "", problem.field))
        if place is None:
            return problem
        shown = f"{problem.value}: " if problem.value is not None else ""
        return Problem(label, shown + problem.message, place)
    if problem.id is None or not imported.cells:
        return problem
    field = problem.field or ""
    cells = imported.cells
    place = (
        cells.get((table, problem.id, field))
        or cells.get((table, problem.id, _INDEXED.sub("", field)))
        or cells.get((table, problem.id, field.split(".", 1)[0].split("[", 1)[0]))
    )
    message = problem.message
    if (
        problem.field == "citations"
        and message.startswith("is empty")
        and "citations" not in (imported.absent)
    ):
        sources_cell = cells.get(("events", problem.id, "sources"))
        row = sources_cell or cells.get(("events", problem.id, ""))
        if row is not None:
            where = (
                "name a declared source in this cell"
                if sources_cell is not None
                else "add a row for it to the citations sheet (event, source, quote)"
            )
            return Problem(
                label, f"the event {show_value(problem.id)} cites no source; {where}", row
            )
    missing = _MISSING_KEY.fullmatch(message)
    key = missing.group(1) if missing else problem.field
    if (
        problem.location.startswith("events[")
        and key in imported.absent
        and (missing or message.startswith("is empty"))
        and (row := cells.get(("events", problem.id, ""))) is not None
    ):
        # A new event from a table without that column: say which column to add.
        column = "sources" if key == "citations" else key
        return Problem(
            label,
            f"the new event {show_value(problem.id)} needs {_NEEDS.get(key, key)}, and the table "
            f"has no {show_value(column)} column; add the column and fill it in",
            row,
        )
    if place is None:
        place = cells.get((table, problem.id, ""))
        if place is None:
            return problem  # a record the file read did not touch: it is the target's
        if field:
            shown = field if problem.value is None else f"{field} {problem.value}"
            message = f"{shown}: {message}"
    elif problem.value is not None:
        message = f"{problem.value}: {message}"
    return Problem(label, message, place)


_PLACE = re.compile(r"(?:(?P<sheet>[^!]+)!(?P<letters>[A-Z]*))?(?:row )?(?P<row>\d+)")


def _reading_order(label: str) -> Callable[[Problem], tuple[int, int, int, int, str]]:
    """A sort key that puts the problems of the file read in the order a person
    reads it: sheet by sheet in the workbook's order, row by row, then column by
    column (a CSV's stay in the order found within a row); the rest after, as
    they came.
    """
    from eventline.export.xlsx import SHEETS

    order = {name: i for i, name in enumerate(SHEETS)}

    def key(problem: Problem) -> tuple[int, int, int, int, str]:
        match = _PLACE.match(problem.location) if problem.file == label else None
        if match is None:
            return (1, 0, 0, 0, "")
        sheet = order.get((match["sheet"] or "events").strip().lower(), len(order))
        letters = match["letters"] or ""
        return (0, sheet, int(match["row"]), len(letters), letters)

    return key


def import_file(
    path: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    kind: str | None = None,
    dry_run: bool = False,
    name: str | None = None,
) -> ImportResult:
    """Import a file into a data file: create it, or add and update records by id.

    Tables (categories, actors, sources) and events are matched by id: a new
    id is added, a known one replaced by the file's record. Event fields the
    file has no column for are kept from the existing event. The whole result
    is validated before one atomic write (with the target locked, as ``add``
    does); ``dry_run`` writes nothing.

    Args:
        path: the file to read (``.xlsx``, ``.csv``, TimelineJS ``.json``, ...).
        target: the data file to create or update.
        kind: a key of :data:`READERS` (``--from``); default: by the file's suffix.
        dry_run: work everything out but write nothing.
        name: how problems name the file read (default: ``path`` as given).

    Returns:
        What was (or would be) added and changed, and the notes of what was not carried over.

    Raises:
        InvalidDataError: the file read, the target, or the merged result has
            problems; each is located in the file it is in. Nothing is written.
        io.WriteError: the target cannot be written; it is left as it was.
    """
    label = str(path) if name is None else name
    imported = read(path, kind, label)
    if imported.doc is None:
        raise InvalidDataError(imported.problems)
    destination = Path(target)
    folder = destination.parent
    if not folder.is_dir():
        # The file is created, its folder is not: a mistyped path should not
        # leave new folders behind.
        raise InvalidDataError(
            [
                Problem(
                    str(destination),
                    f"the folder {show_value(str(folder))} does not exist; create it, "
                    "or name another --data file",
                )
            ]
        )
    if dry_run:
        return _merged(imported, destination, label)
    with io.locked(destination):
        result = _merged(imported, destination, label)
        io.atomic_write(destination, result.text)
    return result


def _merged(imported: Imported, destination: Path, label: str) -> ImportResult:
    assert imported.doc is not None
    target_label = str(destination)
    base = None
    if destination.exists():
        base, problems = io.read_document(destination, target_label)
        if not problems:
            problems = check_document(base, target_label)
        if problems:
            raise InvalidDataError(problems)
    merged, changes = _merge(base, imported.doc, imported.absent, imported.add_only)
    notes: list[str] = []  # before the file's own notes: the title slide comes first
    if imported.whole and base is not None:
        read_ids = {e.get("id") for e in imported.doc.get("events", [])}
        kept = [e.get("id") for e in base.get("events", []) if e.get("id") not in read_ids]
        if kept:
            shown = ", ".join(show_value(str(i)) for i in kept[:3]) + (
                ", ..." if len(kept) > 3 else ""
            )
            notes.append(
                f"{label}: {len(kept)} {'event' if len(kept) == 1 else 'events'} of "
                f"{destination} not in this file ({shown}) kept: import adds and updates, "
                f"it never deletes; remove {'it' if len(kept) == 1 else 'them'} from the data "
                "file itself"
            )
    for key in ("title", "description"):
        value = imported.doc.get(key)
        if key in imported.add_only and base is not None and value not in (None, base.get(key)):
            notes.append(
                f"{label}: {key} {show_value(value)} was not carried over "
                f"(the data file keeps its own)"
            )
    # The file's own problems first, then what the merged result breaks (an
    # undeclared category, ...), placed in the file too: all in one run.
    problems = sorted(
        [
            *imported.problems,
            *(_relocate(p, imported, label) for p in check_document(merged, target_label)),
        ],
        key=_reading_order(label),
    )
    if problems:
        raise InvalidDataError(problems)
    canonical = io.canonical_document(merged)
    text = io.canonical_bytes(canonical).decode("utf-8")
    order = {t: i for i, t in enumerate(("timeline", *_TABLES, "events"))}
    return ImportResult(
        changes=tuple(sorted(changes, key=lambda c: order[c.table])),
        notes=(*notes, *imported.notes),
        created=base is None,
        events=len(canonical["events"]),
        text=text,
    )
