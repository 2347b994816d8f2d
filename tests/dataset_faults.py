"""Damaged Parquet datasets every engine must report alike (issue 16), with the lines expected.

Each :class:`Fault` damages a dataset written from :func:`valid_doc` and
gives the problems DuckDB (tests/test_dataset_faults.py) and Spark
(tests/test_spark.py) must both report, after ``x: ``. Faults of the data
itself (the JSON validator's kinds) are in tests/planted.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs


def valid_doc() -> dict[str, Any]:
    """A small valid data file: events in 2014 and 2025 (two partitions)."""
    return {
        "title": "Faults",
        "categories": [{"id": "diplomacy", "label": "Diplomacy"}],
        "actors": [{"id": "putin", "name": "Vladimir Putin", "kind": "person"}],
        "sources": [{"id": "article", "title": "An article"}],
        "events": [
            {
                "id": "annexation",
                "title": "Annexation",
                "date": "2014",
                "category": "diplomacy",
                "actors": ["putin"],
                "citations": [{"source": "article"}],
            },
            {
                "id": "call",
                "title": "Call",
                "date": "2025-02-12",
                "category": "diplomacy",
                "citations": [{"source": "article", "quote": "a quote"}],
            },
            {
                "id": "conference",
                "title": "Conference",
                "date": "2025-02-14/2025-02-16",
                "category": "diplomacy",
                "citations": [{"source": "article"}],
            },
        ],
    }


@attrs.frozen
class Fault:
    """A way to damage a dataset, and the problems it must give."""

    name: str
    damage: Callable[[Path], None]
    expected: tuple[str, ...]
    # False where Spark would run the same reading and rules as for another
    # fault (or tests/planted.py's): each Spark run of the rules takes seconds.
    on_spark: bool = True


def _remove(relative: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        target = folder / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    return damage


def _move(source: str, target: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / source).rename(folder / target)
        for parent in (folder / source).parents:
            if parent == folder / "events" or any(parent.iterdir()):
                break
            parent.rmdir()

    return damage


def _truncate(relative: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / relative
        path.write_bytes(path.read_bytes()[:100])

    return damage


def _overwrite(relative: str, text: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / relative).write_text(text)

    return damage


def _rewrite(relative: str, change: Callable[[Any], Any]) -> Callable[[Path], None]:
    """Rewrite one Parquet file with ``change`` applied to its pyarrow table."""

    def damage(folder: Path) -> None:
        import pyarrow.parquet as pq

        path = folder / relative
        pq.write_table(change(pq.read_table(path)), path)

    return damage


def _as_text(column: str) -> Callable[[Any], Any]:
    def change(table: Any) -> Any:
        import pyarrow as pa

        values = [None if v is None else str(v) for v in table.column(column).to_pylist()]
        index = table.schema.get_field_index(column)
        return table.set_column(index, column, pa.array(values, pa.string()))

    return change


def _null(column: str, row: int = 0) -> Callable[[Any], Any]:
    def change(table: Any) -> Any:
        import pyarrow as pa

        values = table.column(column).to_pylist()
        values[row] = None
        index = table.schema.get_field_index(column)
        return table.set_column(index, column, pa.array(values, table.schema.field(column).type))

    return change


def _set(**columns: tuple[int, Any]) -> Callable[[Any], Any]:
    """Set ``column=(row, value)`` in a pyarrow table, keeping the column's type."""

    def change(table: Any) -> Any:
        import pyarrow as pa

        for column, (row, value) in columns.items():
            values = table.column(column).to_pylist()
            values[row] = value
            index = table.schema.get_field_index(column)
            kind = table.schema.field(column).type
            table = table.set_column(index, column, pa.array(values, kind))
        return table

    return change


def _add_column(name: str) -> Callable[[Any], Any]:
    def change(table: Any) -> Any:
        import pyarrow as pa

        return table.append_column(name, pa.array(["x"] * table.num_rows, pa.string()))

    return change


_CALL = "events/year=2025/part-0.parquet"
_EXPECTED_TABLE = {
    "timeline": "the file timeline.parquet",
    "categories": "the file categories.parquet",
    "actors": "the file actors.parquet",
    "sources": "the file sources.parquet",
    "events": "the folder events/ (Hive-partitioned: events/year=YYYY/*.parquet)",
    "citations": "the file citations.parquet",
}
_UNREADABLE = "not a readable Parquet file (truncated, corrupt or not Parquet)"
_DISAGREE = (
    "earliest, latest, precision or qualifier does not agree with this date;"
    " write them as eventline.parquet.date_columns gives them"
)
_PARTITION_NAME = (
    "is not a Hive partition year=YYYY; events are partitioned by the year of their"
    " earliest day (events/year=2025/part-0.parquet), so a query filtering on year"
    " would miss its rows"
)

FAULTS: tuple[Fault, ...] = (
    *(
        Fault(
            f"missing-{table}",
            _remove(path),
            (f"{table}: missing table; expected {path_text}",),
        )
        for table, path_text in _EXPECTED_TABLE.items()
        for path in [path_text.split()[2]]
    ),
    Fault(
        "partition-year-differs",
        _move(_CALL, "events/year=2024/part-0.parquet"),
        (
            'events (id "call"): date "2025-02-12": is in the partition events/year=2024/'
            " but its earliest day is in 2025; write it under events/year=2025/"
            " (a query filtering on year misses it)",
            'events (id "conference"): date "2025-02-14/2025-02-16": is in the partition'
            " events/year=2024/ but its earliest day is in 2025; write it under"
            " events/year=2025/ (a query filtering on year misses it)",
        ),
    ),
    Fault(
        "partition-year-not-a-number",
        _move(_CALL, "events/year=abc/part-0.parquet"),
        (f"events: partition folder events/year=abc/ {_PARTITION_NAME}",),
        on_spark=False,
    ),
    Fault(
        "partition-named-otherwise",
        _move(_CALL, "events/yr=2025/part-0.parquet"),
        (f"events: partition folder events/yr=2025/ {_PARTITION_NAME}",),
    ),
    Fault(
        "file-outside-any-partition",
        _move(_CALL, "events/part-0.parquet"),
        (f"events: a file directly in events/ {_PARTITION_NAME}",),
    ),
    Fault(
        "truncated-table-file",
        _truncate("categories.parquet"),
        (f"categories: categories.parquet: {_UNREADABLE}",),
    ),
    Fault(
        "truncated-events-file",
        _truncate(_CALL),
        (f"events: {_CALL}: {_UNREADABLE}",),
    ),
    Fault(
        "not-a-parquet-file",
        _overwrite("citations.parquet", "event_id,position,source\ncall,0,article\n"),
        (f"citations: citations.parquet: {_UNREADABLE}",),
    ),
    Fault(
        "column-of-another-type",
        _rewrite("citations.parquet", _as_text("position")),
        ('citations: column "position" is string, not int',),
    ),
    Fault(
        "column-of-another-type-in-one-partition",
        _rewrite(_CALL, _as_text("earliest")),
        (f'events: {_CALL}: column "earliest" is string, not date',),
    ),
    Fault(
        # Spark's merged read fills a column missing from one file with nulls.
        "missing-column-in-one-partition",
        _rewrite(_CALL, lambda t: t.drop_columns(["summary"])),
        (f'events: {_CALL}: missing column "summary"',),
    ),
    Fault(
        "required-column-missing-in-one-partition",
        _rewrite(_CALL, lambda t: t.drop_columns(["title"])),
        (f'events: {_CALL}: missing column "title"',),
    ),
    Fault(
        "unknown-column-in-one-partition",
        _rewrite("events/year=2014/part-0.parquet", _add_column("language")),
        (
            'events: events/year=2014/part-0.parquet: unknown column "language"; allowed: id,'
            " title, date, earliest, latest, precision, qualifier, category, summary, actors,"
            " places, tags",
        ),
        on_spark=False,
    ),
    Fault(
        # Spark's merged read skips a file of 0 bytes.
        "empty-events-file",
        _overwrite("events/year=2025/part-1.parquet", ""),
        (f"events: events/year=2025/part-1.parquet: {_UNREADABLE}",),
    ),
    Fault(
        "missing-column",
        _rewrite("actors.parquet", lambda t: t.drop_columns(["kind"])),
        ('actors: missing column "kind"',),
    ),
    Fault(
        "unknown-column",
        _rewrite("sources.parquet", _add_column("language")),
        ('sources: unknown column "language"; allowed: id, title, publisher, published, url',),
    ),
    Fault(
        "null-id",
        _rewrite(_CALL, _null("id")),
        (
            f"events ({_CALL}): id null: must be a string, not null",
            'citations: event_id "call": no event has this id; every citation belongs to an event',
        ),
    ),
    Fault(
        "null-title-and-list-item",
        _rewrite(
            "events/year=2014/part-0.parquet",
            lambda t: _null("title")(
                t.set_column(
                    t.schema.get_field_index("actors"),
                    "actors",
                    __import__("pyarrow").array([["putin", None]], t.schema.field("actors").type),
                )
            ),
        ),
        (
            'events (id "annexation"): title null: must be a string, not null',
            'events (id "annexation"): actors[1] null: must be a string, not null',
        ),
        on_spark=False,
    ),
    Fault(
        # An open end's latest and a date without a qualifier are NULL: a
        # value there must be found (x = NULL is NULL, which passed the row).
        "date-column-value-where-null-belongs",
        _rewrite(
            _CALL,
            lambda t: _set(
                date=(0, "2025-02-12/.."), latest=(0, __import__("datetime").date(2099, 1, 1))
            )(_set(qualifier=(1, "!"))(t)),
        ),
        (
            f'events (id "call"): date "2025-02-12/..": {_DISAGREE}',
            f'events (id "conference"): date "2025-02-14/2025-02-16": {_DISAGREE}',
        ),
    ),
    Fault(
        "date-column-null-where-a-value-belongs",
        _rewrite(_CALL, _set(date=(0, "2025-02-12?"), latest=(1, None))),
        (
            f'events (id "call"): date "2025-02-12?": {_DISAGREE}',
            f'events (id "conference"): date "2025-02-14/2025-02-16": {_DISAGREE}',
        ),
    ),
    Fault(
        "null-citation-source",
        _rewrite("citations.parquet", _null("source", 1)),
        ('events (id "call"): citations[0].source null: must be a string, not null',),
        on_spark=False,
    ),
)
"""Every kind of damage, with the lines both engines print for it."""
