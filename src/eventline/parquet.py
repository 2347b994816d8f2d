"""The data format as a Parquet dataset: one table per record kind.

A dataset is a folder::

    DIR/timeline.parquet                 one row: title, description, schema
    DIR/categories.parquet               id, label, color
    DIR/actors.parquet                   id, name, kind, role, wikidata
    DIR/sources.parquet                  id, title, publisher, published, url
    DIR/events/year=YYYY/part-0.parquet  the events, Hive-partitioned by the
                                         year of their earliest day
    DIR/citations.parquet                event_id, position, source, quote

The Arrow schemas are :data:`SCHEMAS`. An event keeps its date as the
grammar's text (``date``) next to the columns an engine filters and sorts on:
``earliest`` and ``latest`` (date32, the first and last day it can span;
``latest`` is null for an open or unknown end), ``precision`` (``year``,
``month`` or ``day``: the coarsest of its sides) and ``qualifier`` (``?``,
``~``, ``%`` or null). ``actors``, ``places`` and ``tags`` are
``list<string>``. An absent optional value is null; an empty list is written
as null. A citation's ``position`` is its 0-based index in its event's list.

Rows are in the data file's order (events in canonical order, citations by
event then position), files have fixed names and carry no timestamps, so the
same data gives the same bytes with the same pyarrow version.

Needs the ``parquet`` extra (pyarrow); imported on demand, never by
``import eventline``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError as error:  # pragma: no cover - tested in a subprocess
    raise ImportError(
        "eventline.parquet needs the Parquet extra (pyarrow, duckdb):"
        ' pip install "eventline[parquet]"',
        name=error.name,
    ) from error

from eventline import io, rules
from eventline.dates import DateError, EventDate
from eventline.problems import Problem

__all__ = [
    "SCHEMAS",
    "TABLES",
    "date_columns",
    "is_dataset",
    "looks_like_dataset",
    "read_dataset",
    "to_tables",
    "write_dataset",
]

_ARROW = {
    "STRING": pa.string(),
    "DATE": pa.date32(),
    "INT": pa.int32(),
    "ARRAY<STRING>": pa.list_(pa.string()),
}
_LIST = _ARROW["ARRAY<STRING>"]

SCHEMAS: dict[str, pa.Schema] = {
    table: pa.schema([(name, _ARROW[kind]) for name, kind in columns])
    for table, columns in rules.COLUMNS.items()
}
"""The Arrow schema of each table (``events`` without its ``year`` partition column)."""

TABLES = tuple(SCHEMAS)

# Columns that hold a JSON key of another name.
_KEY_OF = {"timeline": {"schema": "$schema"}}
_DERIVED = ("earliest", "latest", "precision", "qualifier")
ROW_GROUP_SIZE = 122_880
"""Rows per Parquet row group: DuckDB's own row group size, so that an engine
splits a large table among its threads (each row group is one unit of work);
pyarrow's default, 1,048,576 rows, left a million-row citations table to one
thread. Tables smaller than this (the test datasets) are one row group as before."""

_WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "write_statistics": True,
    "row_group_size": ROW_GROUP_SIZE,
}


def date_columns(text: str) -> tuple[Any, Any, str | None, str | None]:
    """``(earliest, latest, precision, qualifier)`` of a date of the grammar;
    all None when ``text`` is not one (the validators then report it)."""
    try:
        date = EventDate.parse(text)
    except (DateError, TypeError):
        return None, None, None, None
    return date.lower, date.upper, date.precision, date.qualifier


def _column(rows: list[dict[str, Any]], key: str, kind: pa.DataType) -> pa.Array:
    if kind == _LIST:
        return pa.array([row.get(key) or None for row in rows], type=kind)
    return pa.array([row.get(key) for row in rows], type=kind)


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[name]
    keys = _KEY_OF.get(name, {})
    return pa.table(
        [_column(rows, keys.get(f.name, f.name), f.type) for f in schema], schema=schema
    )


def to_tables(doc: Mapping[str, Any]) -> dict[str, pa.Table]:
    """The tables of a document in the data-file model, in file order.

    ``doc`` need not be valid (tests plant faults this way): a date outside
    the grammar gets null date columns, and events go in the order given.
    ``events`` gains an int32 ``year`` column (year of ``earliest``; 0 when
    it is null) that :func:`write_dataset` turns into the partition folder
    (``year=__HIVE_DEFAULT_PARTITION__``, Hive's null, for 0: such events sort last).
    """
    events = []
    citations = []
    for event in doc.get("events", []):
        earliest, latest, precision, qualifier = date_columns(event.get("date"))
        events.append(
            {
                **event,
                "earliest": earliest,
                "latest": latest,
                "precision": precision,
                "qualifier": qualifier,
            }
        )
        for position, citation in enumerate(event.get("citations", [])):
            citations.append({"event_id": event.get("id"), "position": position, **citation})
    top = {k: v for k, v in doc.items() if not isinstance(v, list)}
    tables = {
        "timeline": _table("timeline", [top]),
        "categories": _table("categories", list(doc.get("categories", []))),
        "actors": _table("actors", list(doc.get("actors", []))),
        "sources": _table("sources", list(doc.get("sources", []))),
        "events": _table("events", events),
        "citations": _table("citations", citations),
    }
    years = [e["earliest"].year if e["earliest"] is not None else 0 for e in events]
    tables["events"] = tables["events"].append_column("year", pa.array(years, pa.int32()))
    return tables


def write_dataset(doc: Mapping[str, Any], folder: str | os.PathLike[str]) -> int:
    """Write ``doc`` as a Parquet dataset into ``folder``; return the event count.

    The dataset is built in a temporary folder beside ``folder`` and renamed
    into place, replacing an earlier dataset there; a reader never sees half
    of one. Raises :class:`eventline.io.WriteError` when ``folder`` exists
    and is not a dataset (nothing is deleted then) or cannot be written.
    """
    target = Path(folder)
    if (
        target.exists()
        and not is_dataset(target)
        and (not target.is_dir() or any(target.iterdir()))
    ):
        raise io.WriteError(
            f"{target}: exists and is not an eventline Parquet dataset; "
            "choose a new or empty folder"
        )
    tables = to_tables(doc)
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as error:
        raise io.WriteError(f"{target}: cannot write: {error.strerror}") from None
    try:
        for name in ("timeline", "categories", "actors", "sources", "citations"):
            pq.write_table(tables[name], work / f"{name}.parquet", **_WRITE_OPTIONS)
        events = tables["events"]
        (work / "events").mkdir()
        year_column = events.column("year").to_pylist()
        body = events.drop_columns(["year"])
        start = 0
        # Events are in canonical order, so each year is one contiguous run.
        while start < len(year_column):
            year = year_column[start]
            end = start
            while end < len(year_column) and year_column[end] == year:
                end += 1
            value = "__HIVE_DEFAULT_PARTITION__" if year == 0 else f"{year:04d}"
            part = work / "events" / f"year={value}"
            part.mkdir(exist_ok=True)
            name = f"part-{len(list(part.iterdir()))}.parquet"
            pq.write_table(body.slice(start, end - start), part / name, **_WRITE_OPTIONS)
            start = end
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            target.rename(old / "dataset")
        work.rename(target)
        if old is not None:
            shutil.rmtree(old)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise io.WriteError(f"{target}: cannot write: {error.strerror}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return len(year_column)


def is_dataset(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a folder holding an eventline Parquet dataset."""
    folder = Path(path)
    return folder.is_dir() and (folder / "timeline.parquet").is_file()


looks_like_dataset = rules.looks_like_dataset


event_files = rules.event_files


def type_name(kind: pa.DataType) -> str:
    """An Arrow type as Spark SQL's ``simpleString`` spells it (``string``,
    ``date``, ``bigint``, ``array<string>``), so both engines name a wrong type alike."""
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"array<{type_name(kind.value_type)}>"
    simple = {
        pa.string(): "string",
        pa.large_string(): "string",
        pa.int8(): "tinyint",
        pa.int16(): "smallint",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.float32(): "float",
        pa.float64(): "double",
        pa.bool_(): "boolean",
        pa.date32(): "date",
        pa.binary(): "binary",
    }
    if kind in simple:
        return simple[kind]
    if pa.types.is_timestamp(kind):
        return "timestamp" if kind.tz else "timestamp_ntz"
    return str(kind)


def schema_problems(folder: str | os.PathLike[str], label: str) -> list[Problem]:
    """Problems with the shape of a dataset: no table at all, a missing table,
    an unreadable file, a missing or mistyped column, or a column the format
    does not have (:func:`eventline.rules.column_problems` words them, for every engine)."""
    base = Path(folder)
    if not looks_like_dataset(base):
        kind = "folder" if base.is_dir() else "file" if base.exists() else "missing"
        return [rules.not_a_dataset(label, kind)]
    problems: list[Problem] = []
    for name in SCHEMAS:
        where = base / rules.TABLE_PATHS[name]
        if not (where.is_dir() if name == "events" else where.is_file()):
            problems.append(rules.missing_table(label, name))
            continue
        for file in event_files(base) if name == "events" else [where]:
            try:
                found = pq.read_schema(file)
            except (OSError, pa.ArrowException):
                path = file.relative_to(base).as_posix()
                problems.append(rules.unreadable_file(label, name, path))
                break
            columns = [(f.name, type_name(f.type)) for f in found]
            # The events table is many files: name the one whose columns differ.
            named = file.relative_to(base).as_posix() if name == "events" else None
            if found_problems := rules.column_problems(label, name, columns, named):
                problems += found_problems
                break
    return problems


def _rows(table: pa.Table, name: str) -> list[dict[str, Any]]:
    # A null is an absent optional value; in a required column it stays a
    # null, which the data file's rules word as they word "id": null.
    keys = _KEY_OF.get(name, {})
    required = rules.REQUIRED.get(name, ())
    out = []
    for row in table.to_pylist():
        out.append(
            {
                keys.get(k, k): v
                for k, v in row.items()
                if (v is not None or k in required)
                and v != []
                and k not in _DERIVED
                and k != "year"
            }
        )
    return out


def read_dataset(
    path: str | os.PathLike[str], label: str | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A Parquet dataset as a document in the data-file model.

    Returns ``(doc, [])``, or ``(None, problems)`` when the folder is not a
    readable dataset of this format. ``doc`` is not validated: pass it to
    :func:`eventline.validate.check_document`. Events come in dataset order
    and citations in ``position`` order; the derived date columns are dropped
    (the date text is the value).
    """
    name = str(path) if label is None else label
    base = Path(path)
    if not base.is_dir():
        return None, [rules.not_a_dataset(name)]
    problems = schema_problems(base, name)
    if problems:
        return None, problems
    tables = {n: pq.read_table(base / f"{n}.parquet") for n in TABLES if n != "events"}
    files = event_files(base)
    events_table = (
        pa.concat_tables([pq.read_table(f) for f in files])
        if files
        else SCHEMAS["events"].empty_table()
    )
    top = _rows(tables["timeline"], "timeline")
    doc: dict[str, Any] = dict(top[0]) if top else {}
    for table in ("categories", "actors", "sources"):
        doc[table] = _rows(tables[table], table)
    by_event: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for row in tables["citations"].to_pylist():
        citation = {k: row[k] for k in ("source", "quote") if row[k] is not None or k == "source"}
        by_event.setdefault(row["event_id"], []).append((row["position"], citation))
    events = _rows(events_table, "events")
    for event in events:
        cited = sorted(by_event.get(event.get("id"), []), key=lambda pair: pair[0])
        event["citations"] = [citation for _, citation in cited]
    doc["events"] = events
    ordered = {k: doc[k] for k in io.TOP_KEYS if k in doc and (doc[k] != [] or k == "events")}
    return ordered, []
