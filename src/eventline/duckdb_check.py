"""Validate a Parquet dataset with DuckDB (embedded): the rules of :mod:`eventline.rules`.

Needs the ``parquet`` extra (pyarrow, duckdb); imported on demand.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

try:
    import duckdb
except ImportError as error:  # pragma: no cover - tested in a subprocess
    raise ImportError(
        "eventline.duckdb_check needs the Parquet extra (pyarrow, duckdb):"
        ' pip install "eventline[parquet]"',
        name=error.name,
    ) from error

from eventline import rules
from eventline.problems import Problem

if importlib.util.find_spec("pyarrow") is None:
    # The extra is pyarrow and DuckDB; without pyarrow, say so on import, as
    # eventline.parquet does (it is imported only to word a dataset's shape).
    import eventline.parquet  # noqa: F401

__all__ = ["PLAIN_TEXT_SQL", "connect", "validate_dataset"]


# A BLOB's text form keeps the bytes U+0020..U+007E as they are, except ' " and
# \, and writes every other byte as \xHH; with ' and " put back, it is as long
# as the text only when every character is printable ASCII other than \.
_BLOB_PLAIN = (
    r"""strlen(replace(replace(CAST(encode(s) AS VARCHAR), '\x27', ''''), '\x22', '"'))"""
    " = strlen(s)"
)

PLAIN_TEXT_SQL = (
    f"CREATE TEMP MACRO {rules.PLAIN_TEXT}(s) AS ("
    # ASCII only (as many bytes as characters), no DEL, no space at either end,
    "strlen(s) = length(s) AND NOT contains(s, chr(127))"
    " AND NOT starts_with(s, ' ') AND NOT ends_with(s, ' ')"
    # and no other control character: JSON escapes each of U+0000..U+001F (and
    # " and \), so a text's JSON string is just two quotes longer only without
    # them. A text with " or \ is tested by its BLOB form instead (the CASE
    # runs that branch on those rows alone; an OR ran both on every row).
    f" AND CASE WHEN strlen(to_json(s)) = strlen(s) + 2 THEN true ELSE {_BLOB_PLAIN} END)"
)
r"""DuckDB's :data:`eventline.rules.PLAIN_TEXT`: true only for a text of printable
ASCII characters (no control character) with no space at either end, found
with functions cheaper than the text rules' pattern; any other text (one with
accents, curly quotes or any non-ASCII character) is left to the pattern.
Most texts pass by the JSON test, a fifth cheaper than the BLOB form (the three
text rules at 1M events: 1.7 -> 1.4 s of CPU); a text with a straight double
quote or a backslash takes both tests."""


def connect(config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that runs :mod:`eventline.rules`' SQL (it defines
    :data:`PLAIN_TEXT_SQL`). ``config``: DuckDB's settings (``threads``, ``memory_limit``)."""
    con = duckdb.connect(config=config or {})
    con.execute(PLAIN_TEXT_SQL)
    return con


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _views(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The tables :mod:`eventline.rules` runs on.

    Each table is read from Parquet once into DuckDB's own storage (which
    spills to disk past its memory limit): the rules scan them some fifty
    times, and decoding the files each time cost most of the run. The long
    text columns (:data:`eventline.rules.LONG_TEXT`: titles, summaries,
    quotes; most of the bytes) are not copied: one rule reads each, from
    the views ``event_texts`` and ``citation_texts`` over the files, and
    copying them took half the time of the copy. The copy runs in parallel
    without keeping insertion order (half the time), so ``_uid`` is built
    from the file's place in dataset order and the row's place in its file:
    ``file index * 2**32 + file_row_number``."""
    # Rows are matched by _uid, never by their order in a table.
    con.execute("SET preserve_insertion_order = false")
    for name in ("timeline", "categories", "actors", "sources", "citations"):
        read = (
            "SELECT * EXCLUDE (file_row_number), file_row_number AS _uid"
            f" FROM read_parquet({_quote(folder / f'{name}.parquet')}, file_row_number = true)"
        )
        _table(con, name, read)
    files = rules.event_files(folder)
    if files:
        listed = ", ".join(_quote(f) for f in files)
        indexes = ", ".join(f"({_quote(f)}, {i})" for i, f in enumerate(files))
        # The partition is read from each file's path by the rules (events.partition),
        # not by DuckDB's Hive reader, which fails on a misnamed folder.
        read = (
            "SELECT p.* EXCLUDE (filename, file_row_number),"
            " f.i * 4294967296 + p.file_row_number AS _uid, p.filename AS _file"
            f" FROM read_parquet([{listed}], hive_partitioning = false, filename = true,"
            f" file_row_number = true) p JOIN (VALUES {indexes}) f(name, i) ON p.filename = f.name"
        )
    else:
        columns = ", ".join(
            f"CAST(NULL AS {_DUCKDB_TYPES[kind]}) AS {name}"
            for name, kind in rules.COLUMNS["events"]
        )
        read = (
            f"SELECT {columns}, CAST(0 AS BIGINT) AS _uid, CAST(NULL AS VARCHAR) AS _file LIMIT 0"
        )
    _table(con, "events", read)
    for name in ("actors", "places", "tags"):
        con.execute(
            f"CREATE TEMP TABLE event_{name} AS SELECT _uid, id,"
            f" unnest(range(len({name}))) AS pos, unnest({name}) AS item"
            f" FROM events WHERE {name} IS NOT NULL"
        )


def _table(con: duckdb.DuckDBPyConnection, name: str, read: str) -> None:
    """Table ``name`` from the query ``read``, without its long text columns,
    which stay in the files behind the view ``rules.TEXT_VIEWS[name]``."""
    texts = rules.LONG_TEXT.get(name, ())
    columns = f"* EXCLUDE ({', '.join(texts)})" if texts else "*"
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT {columns} FROM ({read}) t")
    if texts:
        con.execute(f"CREATE TEMP VIEW {rules.TEXT_VIEWS[name]} AS {read}")


def validate_dataset(
    path: str | os.PathLike[str],
    name: str | None = None,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> list[Problem]:
    """Every problem of a Parquet dataset (see :mod:`eventline.parquet`), in report order.

    Args:
        path: the dataset's folder.
        name: how problems name it (default: ``path`` as given).
        threads: DuckDB's worker threads (default: DuckDB's, one per core).
        memory_limit: DuckDB's memory limit, e.g. ``"8GB"`` (default: DuckDB's,
            80% of the machine's memory); past it, tables spill to a temporary folder.

    Problems are located by table and id (``events (id "x")``) and worded as
    :func:`eventline.validate.validate` words them; a missing table or column
    is reported before any rule runs.
    """
    label = str(path) if name is None else name
    folder = Path(path)
    config: dict[str, Any] = {}
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    known: dict[str, list[str]] = {}
    try:
        # One connection for the footers and the rules (starting one is ~25 ms).
        with connect(config) as con:
            if not _shape_is_the_formats(folder, con):
                from eventline import parquet

                if problems := parquet.schema_problems(folder, label):
                    return problems
            _views(con, folder)
            rows = con.execute(rules.problem_query()).fetchall()
            if rules.needs_known([row[0] for row in rows]):
                for table in ("categories", "actors", "sources"):
                    ids = [r[0] for r in con.execute(f"SELECT id FROM {table}").fetchall()]
                    known[table] = rules.readable_ids(ids)
    except duckdb.Error as error:
        # The footers were readable (checked first), a page further in is not.
        return [_engine_problem(label, folder, str(error))]
    files = [f.relative_to(folder).as_posix() for f in rules.event_files(folder)]

    def where(row: Any) -> str | None:
        # An event's _uid is its file's index * 2**32 + its row in the file (_views).
        return files[int(row[7]) >> 32] if rules.unnamed_event_row(row) else None

    problems = [rules.to_problem(label, row, known, where(row)) for row in rows]
    return rules.staged(problems, [row[0] for row in rows])


_DUCKDB_TYPES = {
    "STRING": "VARCHAR",
    "DATE": "DATE",
    "INT": "INTEGER",
    "ARRAY<STRING>": "VARCHAR[]",
}

# A column of each type as DuckDB's parquet_schema() reads it from a footer
# pyarrow wrote: (name, type, repetition_type, num_children, converted_type).
_ELEMENTS: dict[str, list[tuple[Any, ...]]] = {
    "STRING": [("{}", "BYTE_ARRAY", "OPTIONAL", None, "UTF8")],
    "DATE": [("{}", "INT32", "OPTIONAL", None, "DATE")],
    "INT": [("{}", "INT32", "OPTIONAL", None, None)],
    "ARRAY<STRING>": [
        ("{}", None, "OPTIONAL", 1, "LIST"),
        ("list", None, "REPEATED", 1, None),
        ("element", "BYTE_ARRAY", "OPTIONAL", None, "UTF8"),
    ],
}


def _expected_elements(table: str) -> list[tuple[Any, ...]]:
    columns = rules.COLUMNS[table]
    elements: list[tuple[Any, ...]] = [(None, "REQUIRED", len(columns), None)]
    for name, kind in columns:
        for first, *rest in _ELEMENTS[kind]:
            elements.append((first.format(name), *rest))
    return elements


def _shape_is_the_formats(folder: Path, con: duckdb.DuckDBPyConnection) -> bool:
    """True when every table is there and every file's footer holds exactly
    the format's columns, as eventline writes them; read by DuckDB, so a
    well-formed dataset needs no pyarrow (its import is a tenth of a second).
    False sends the dataset to :func:`eventline.parquet.schema_problems`,
    which words what is wrong (or finds a file of another writer fine).
    ``con``: the connection the rules then run on."""
    if not folder.is_dir():
        return False
    files: dict[str, str] = {}
    for table, where in rules.TABLE_PATHS.items():
        if table == "events":
            if not (folder / where).is_dir():
                return False
            files.update((str(f), table) for f in rules.event_files(folder))
        elif (folder / where).is_file():
            files[str(folder / where)] = table
        else:
            return False
    try:
        rows = con.execute(
            "SELECT file_name, name, type, repetition_type, num_children, converted_type"
            " FROM parquet_schema(?)",
            [list(files)],
        ).fetchall()
    except duckdb.Error:
        return False
    found: dict[str, list[tuple[Any, ...]]] = {}
    for file_name, name, *element in rows:
        # The root element's name depends on the writer; it is left out.
        root = file_name not in found
        found.setdefault(file_name, []).append(tuple(element) if root else (name, *element))
    expected = {table: _expected_elements(table) for table in rules.COLUMNS}
    return all(found.get(file) == expected[table] for file, table in files.items())


def _engine_problem(label: str, folder: Path, text: str) -> Problem:
    """A DuckDB error while reading the data, as a problem located at its table."""
    for table, where in rules.TABLE_PATHS.items():
        marker = str(folder / where.rstrip("/"))
        if marker in text:
            rest = text[text.index(marker) + len(str(folder)) + 1 :]
            path = rest.split('"')[0].split("'")[0].split()[0]
            return rules.unreadable_file(label, table, path)
    return Problem(label, f"DuckDB could not read the dataset: {text.splitlines()[0]}")
