"""The rules of a data file as one table, from which the SQL checkers are built.

Each :class:`Rule` has an id, the SQL that finds the rows breaking it (a
predicate over a view of the Parquet dataset, written in the SQL that DuckDB
and Spark SQL both run), and its message. Where the JSON validator
(:mod:`eventline.validate`) checks the same thing value by value, the rule
holds that Python check (``check``) and the message *is* that check's
message, so the two engines and the JSON path word every problem the same
way. tests/test_rules.py holds each SQL predicate equal to its Python check
on every value of the test cases, and the three engines equal on planted faults.

The SQL runs over views each engine provides (see :mod:`eventline.duckdb`
and :mod:`eventline.spark`): ``timeline``, ``categories``, ``actors``,
``sources``, ``events`` and ``citations`` with the columns of
:data:`eventline.parquet.SCHEMAS` plus ``_uid``, a value unique to the row
that sorts in dataset order (``events`` also has ``_file``, the path of the
row's file, whose folder is its Hive partition); ``event_texts`` and
``citation_texts``, the rows of ``events`` and ``citations`` again, for the
rules on their long text columns (:data:`LONG_TEXT`); and ``event_actors``, ``event_places``,
``event_tags`` (``_uid``, ``id``, ``pos``, ``item``: one row per list item).

Portability: only ``regexp_extract`` is used for patterns (RE2 in DuckDB,
Java regex in Spark), anchored with ``^`` and matched in full by comparing
the extracted group with the whole value; characters are written
``\\x{hhhh}``, which both accept; Spark must parse string literals raw
(``spark.sql.parser.escapedStringLiterals``), as DuckDB does.

Problems are located by table and id (``events (id "x")``) rather than by
index, which a partitioned dataset has no cheap notion of; a duplicate id is
``id is already used by another event`` where validate.py names ``events[k]``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

import eventline.validate  # noqa: F401  (the module, not the function eventline.validate)
from eventline.problems import Problem, show_value

v = sys.modules["eventline.validate"]

__all__ = ["PLACEHOLDER_SOURCE", "RULES", "Rule", "problem_query", "to_problem"]

# The source id ``eventline import`` cites where a row named no source: one
# definition, validate.py's.
PLACEHOLDER_SOURCE: str = v.PLACEHOLDER_SOURCE

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "timeline": (("title", "STRING"), ("description", "STRING"), ("schema", "STRING")),
    "categories": (("id", "STRING"), ("label", "STRING"), ("color", "STRING")),
    "actors": (
        ("id", "STRING"),
        ("name", "STRING"),
        ("kind", "STRING"),
        ("role", "STRING"),
        ("wikidata", "STRING"),
    ),
    "sources": (
        ("id", "STRING"),
        ("title", "STRING"),
        ("publisher", "STRING"),
        ("published", "STRING"),
        ("url", "STRING"),
    ),
    "events": (
        ("id", "STRING"),
        ("title", "STRING"),
        ("date", "STRING"),
        ("earliest", "DATE"),
        ("latest", "DATE"),
        ("precision", "STRING"),
        ("qualifier", "STRING"),
        ("category", "STRING"),
        ("summary", "STRING"),
        ("actors", "ARRAY<STRING>"),
        ("places", "ARRAY<STRING>"),
        ("tags", "ARRAY<STRING>"),
    ),
    "citations": (
        ("event_id", "STRING"),
        ("position", "INT"),
        ("source", "STRING"),
        ("quote", "STRING"),
    ),
}
"""The columns of each table of a Parquet dataset and their SQL types (the
Arrow schemas of :data:`eventline.parquet.SCHEMAS`); ``events`` also has its
Hive partition column ``year``."""

TABLE_PATHS: dict[str, str] = {
    "timeline": "timeline.parquet",
    "categories": "categories.parquet",
    "actors": "actors.parquet",
    "sources": "sources.parquet",
    "events": "events/",
    "citations": "citations.parquet",
}
"""Where each table lives in a dataset's folder: one file, or for ``events``
a folder of Hive partitions (``events/year=YYYY/*.parquet``)."""

LONG_TEXT: dict[str, tuple[str, ...]] = {"events": ("title", "summary"), "citations": ("quote",)}
"""The long text columns, most of a dataset's bytes, which only their own
rules read (each once): those rules read them from the views ``event_texts``
and ``citation_texts`` (:data:`TEXT_VIEWS`), so an engine that copies its
tables before the rules run can leave these columns in the files (DuckDB
does); the other views need not have them."""

TEXT_VIEWS: dict[str, str] = {"events": "event_texts", "citations": "citation_texts"}
"""The view the rules on a table's :data:`LONG_TEXT` columns read."""

LAYOUT = (
    "timeline.parquet, categories.parquet, actors.parquet, sources.parquet,"
    " citations.parquet and the folder events/ (events/year=YYYY/*.parquet)"
)
"""The files of a dataset, as messages name them."""

UNKNOWN_COLUMNS = "problem"
"""A column the format does not have is a problem (as an unknown key is in a
data file), on every engine: a dataset is checked, not only read."""


def sql_type(table: str, column: str) -> str:
    """A column's type as Spark SQL's ``simpleString`` spells it (``string``,
    ``date``, ``int``, ``array<string>``): how type problems name types."""
    return dict(COLUMNS[table])[column].lower()


def event_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The events' Parquet files in dataset order: by path under ``events/``
    (partition folders ``year=YYYY`` in year order, then file name), at any
    depth, so a file outside a well-named partition is still read and reported."""
    base = Path(folder) / "events"
    if not base.is_dir():
        return []
    return sorted(
        (f for f in base.rglob("*.parquet") if f.is_file()),
        key=lambda f: f.relative_to(base).as_posix(),
    )


def missing_table(file: str, table: str) -> Problem:
    """The problem of a dataset without one of its tables (located at the table)."""
    where = TABLE_PATHS[table]
    if where.endswith("/"):
        expected = f"the folder {where} (Hive-partitioned: {where}year=YYYY/*.parquet)"
    else:
        expected = f"the file {where}"
    return Problem(file, f"missing table; expected {expected}", table)


def looks_like_dataset(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a folder holding any table of a dataset (the
    checkers then name each table that is missing)."""
    folder = Path(path)
    return folder.is_dir() and any((folder / where).exists() for where in TABLE_PATHS.values())


def not_a_dataset(file: str, kind: str = "folder") -> Problem:
    """The problem of a path that holds no dataset. ``kind``: what is there,
    ``"folder"`` (one holding none of a dataset's tables), ``"file"`` or
    ``"missing"`` (nothing)."""
    if kind == "missing":
        return Problem(file, "no such file or folder; check the path")
    if kind == "file":
        return Problem(
            file,
            "is a file, not a Parquet dataset; give the dataset's folder, which holds " + LAYOUT,
        )
    return Problem(
        file,
        "is a folder but not a Parquet dataset; a folder given to validate or import"
        ' must hold a dataset written by "eventline export --format parquet": ' + LAYOUT,
    )


def unreadable_file(file: str, table: str, path: str) -> Problem:
    """The problem of a table file no engine can read (``path``: within the dataset)."""
    return Problem(
        file, f"{path}: not a readable Parquet file (truncated, corrupt or not Parquet)", table
    )


def column_problems(
    file: str, table: str, found: Sequence[tuple[str, str]], path: str | None = None
) -> list[Problem]:
    """The problems of a table whose columns (``found``: name and type, spelt as
    :func:`sql_type` spells them) are not the format's: a missing column, one of
    another type, and a column the format does not have (see :data:`UNKNOWN_COLUMNS`).
    ``path``: the file within the dataset the columns were read from, named
    before each message (the events table is many files, and one of them may
    differ from the others)."""
    at = "" if path is None else f"{path}: "
    problems = []
    types = dict(found)
    names = [name for name, _ in COLUMNS[table]]
    for name in names:
        if name not in types:
            problems.append(Problem(file, f"{at}missing column {show_value(name)}", table))
        elif types[name] != sql_type(table, name):
            problems.append(
                Problem(
                    file,
                    f"{at}column {show_value(name)} is {types[name]}, not {sql_type(table, name)}",
                    table,
                )
            )
    for name, _ in found:
        if name not in names:
            problems.append(
                Problem(
                    file,
                    f"{at}unknown column {show_value(name)}; allowed: {', '.join(names)}",
                    table,
                )
            )
    return problems


Known = Mapping[str, Sequence[str]]
Message = Callable[[Any, Any, Known], str]


def _char_class(test: Callable[[str], bool], stop: int = 0x3100) -> str:
    """The characters below ``stop`` for which ``test`` holds, as a regex class body."""
    ranges: list[tuple[int, int]] = []
    for code in range(stop):
        if 0xD800 <= code <= 0xDFFF or not test(chr(code)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)


# Python's str.isspace (what str.strip removes) and validate.py's control
# patterns, as classes both regex dialects read. Surrogates cannot occur in a
# Parquet string (UTF-8), so those are left out.
WS = _char_class(str.isspace)
CONTROL = _char_class(lambda c: v.CONTROL_RE.fullmatch(c) is not None)
CONTROL_BUT_NEWLINE = _char_class(lambda c: v.CONTROL_BUT_NEWLINE_RE.fullmatch(c) is not None)
SLUG = v.ID_RE.pattern
URL = v.URL_RE.pattern.replace("\\s", WS)
WIKIDATA = v.WIKIDATA_RE.pattern
COLOR = v.COLOR_RE.pattern
_POINT = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?"
DATE = rf"{_POINT}(?:/(?:{_POINT}|(\.\.)|()))?"


def full(col: str, pattern: str) -> str:
    """SQL: ``col`` matches ``pattern`` as a whole (``col`` not null, not empty)."""
    return f"(regexp_extract({col}, '^(?:{pattern})', 0) = {col} AND {col} <> '')"


def has(col: str, char_class: str) -> str:
    """SQL: ``col`` contains a character of the class."""
    return f"(regexp_extract({col}, '[{char_class}]', 0) <> '')"


PLAIN_TEXT = "eventline_plain_text"
"""The SQL function the text rules call before their pattern: true only for a
text with none of the characters the pattern looks for (no control character,
no whitespace at either end), which then skips the pattern, the costliest test
of a dataset (titles, summaries and quotes are most of its bytes). An engine
may define it with a test cheaper than the pattern that is never true of a
text the pattern matches (DuckDB's, :data:`eventline.duckdb_check.PLAIN_TEXT_SQL`,
is tested against every character of :data:`CONTROL` and :data:`WS`);
``problem_query(plain_text=False)`` writes ``false`` for it instead (Spark),
so the pattern decides every text."""


def text_bad(col: str, max_len: int, *, newlines: bool = False) -> str:
    """SQL of validate.py's ``_text``: blank, padded, too long, or a control character.

    One pattern finds all but length: a blank value starts with a space. The
    pattern runs only on a text that :data:`PLAIN_TEXT` does not clear."""
    control = CONTROL_BUT_NEWLINE if newlines else CONTROL
    return (
        f"({col} = '' OR length({col}) > {max_len} OR (NOT {PLAIN_TEXT}({col})"
        f" AND regexp_extract({col}, '^[{WS}]|[{WS}]$|[{control}]', 0) <> ''))"
    )


def _int(text: str) -> str:
    return f"TRY_CAST({text} AS INT)"


def _days_in_month(year: str, month: str) -> str:
    leap = f"(({year}) % 4 = 0 AND ({year}) % 100 <> 0 OR ({year}) % 400 = 0)"
    return (
        f"(CASE WHEN ({month}) = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END)"
        f" WHEN ({month}) IN (4, 6, 9, 11) THEN 30 ELSE 31 END)"
    )


def date_parts(col: str) -> dict[str, str]:
    """SQL for the parts of a value that matches the grammar's pattern: years,
    months, days (ints or NULL), qualifiers (text, '' for none), and whether it
    has a closed end. Cut by position (cheaper than patterns): the pattern fixes
    where each part is."""
    slash = f"instr({col}, '/')"
    start = f"(CASE WHEN {slash} > 0 THEN substr({col}, 1, {slash} - 1) ELSE {col} END)"
    end = f"(CASE WHEN {slash} > 0 THEN substr({col}, {slash} + 1) ELSE '' END)"
    closed = f"({slash} > 0 AND {end} NOT IN ('', '..'))"

    def side(text: str) -> tuple[str, str, str, str]:
        year = _int(f"substr({text}, 1, 4)")
        month = f"(CASE WHEN substr({text}, 5, 1) = '-' THEN {_int(f'substr({text}, 6, 2)')} END)"
        day = f"(CASE WHEN substr({text}, 8, 1) = '-' THEN {_int(f'substr({text}, 9, 2)')} END)"
        last = f"substr({text}, length({text}), 1)"
        mark = f"(CASE WHEN {last} IN ('?', '~', '%') THEN {last} ELSE '' END)"
        return year, month, day, mark

    ys, ms, ds, qs = side(start)
    ye, me, de, qe = side(end)
    return {
        "ys": ys,
        "ms": ms,
        "ds": ds,
        "qs": qs,
        "ye": f"(CASE WHEN {closed} THEN {ye} END)",
        "me": f"(CASE WHEN {closed} THEN {me} END)",
        "de": f"(CASE WHEN {closed} THEN {de} END)",
        "qe": f"(CASE WHEN {closed} THEN {qe} ELSE '' END)",
        "closed": closed,
    }


def _first_day(y: str, m: str, d: str) -> str:
    return f"(({y}) * 10000 + coalesce({m}, 1) * 100 + coalesce({d}, 1))"


def _last_day(y: str, m: str, d: str) -> str:
    month = f"coalesce({m}, 12)"
    return f"(({y}) * 10000 + {month} * 100 + coalesce({d}, {_days_in_month(y, month)}))"


def date_bad(col: str, p: Mapping[str, str] | None = None) -> str:
    """SQL of :meth:`eventline.dates.EventDate.parse` failing: not the grammar,
    year 0000, no such month or day, or an interval that ends before it starts.
    ``p``: the date's parts as :func:`date_parts` gives them, or columns
    holding them (computed once below the test: DuckDB repeats each part's
    expression wherever a filter uses it, which made the test 2.5x costlier)."""
    p = date_parts(col) if p is None else p
    side_bad = []
    for y, m, d in (("ys", "ms", "ds"), ("ye", "me", "de")):
        side_bad.append(
            f"({p[y]} = 0 OR {p[m]} NOT BETWEEN 1 AND 12"
            f" OR {p[d]} NOT BETWEEN 1 AND {_days_in_month(p[y], p[m])})"
        )
    reversed_ = (
        f"({p['closed']} AND {_first_day(p['ys'], p['ms'], p['ds'])}"
        f" > {_last_day(p['ye'], p['me'], p['de'])})"
    )
    # A closed end is checked only when it is there: its parts are NULL otherwise.
    return (
        f"(CASE WHEN {full(col, DATE)} THEN coalesce({side_bad[0]}, false)"
        f" OR coalesce({side_bad[1]}, false) OR coalesce({reversed_}, false) ELSE true END)"
    )


def date_columns_bad(col: str = "date", p: Mapping[str, str] | None = None) -> str:
    """SQL: a valid date whose earliest, latest, precision or qualifier column
    is not the one :func:`eventline.parquet.date_columns` gives. ``p``: the
    date's parts as :func:`date_parts` gives them (or columns holding them)."""
    p = date_parts(col) if p is None else p
    earliest = _first_day(p["ys"], p["ms"], p["ds"])
    upper = (
        f"(CASE WHEN {p['closed']} THEN {_last_day(p['ye'], p['me'], p['de'])}"
        f" WHEN {col} LIKE '%/%' THEN NULL ELSE {_last_day(p['ys'], p['ms'], p['ds'])} END)"
    )
    as_int = "(year({0}) * 10000 + month({0}) * 100 + dayofmonth({0}))"
    precision = (
        f"(CASE WHEN {p['ms']} IS NULL OR ({p['closed']} AND {p['me']} IS NULL) THEN 'year'"
        f" WHEN {p['ds']} IS NULL OR ({p['closed']} AND {p['de']} IS NULL) THEN 'month'"
        " ELSE 'day' END)"
    )
    qs, qe = p["qs"], p["qe"]
    qualifier = (
        f"(CASE WHEN {qs} = '' AND {qe} = '' THEN NULL WHEN {qs} = '' THEN {qe}"
        f" WHEN {qe} = '' OR {qs} = {qe} THEN {qs} ELSE '%' END)"
    )
    # Null-safe comparisons throughout: an open end's latest and a date without
    # a qualifier are NULL, and `x = NULL` is NULL, which would pass the row.
    return (
        f"({as_int.format('earliest')} IS DISTINCT FROM {earliest}"
        f" OR {as_int.format('latest')} IS DISTINCT FROM {upper}"
        f" OR precision IS DISTINCT FROM {precision}"
        f" OR qualifier IS DISTINCT FROM {qualifier})"
    )


@attrs.frozen
class Rule:
    """One rule, as the SQL that finds the rows breaking it and their message.

    The rule's rows come from ``SELECT … FROM {source} WHERE {where}``.

    Attributes:
        id: a stable name, e.g. ``events.date`` or ``events.category-declared``.
        table: the table problems are located in (``events``; ``""`` for the
            timeline's own fields, located like the data file's top level).
        source: the FROM clause (a view, or a subquery for set rules).
        where: the predicate: true for a row that breaks the rule.
        field: SQL for the field problems name (``'date'``,
            ``'actors[' || pos || ']'``), or None.
        value: SQL for the offending value shown after the field, or None.
        message: the message, from the value, ``arg`` and the ids each table
            declares (only rules about references use those).
        check: the Python check validate.py applies to this value: it returns
            the message, or None for a good value. None for set rules.
        rank: the field's place in its record (problems sort by it).
        sub: SQL for the list index within the field (0 when not a list).
        arg: SQL for a further value the message needs, or NULL.
        phase: 0 for record rules, 1 for rules validate.py checks after every table.
    """

    id: str
    table: str
    source: str
    where: str
    field: str | None
    value: str | None
    message: Message
    check: Callable[[Any], str | None] | None = None
    rank: int = 0
    sub: str = "0"
    arg: str = "NULL"
    phase: int = 0
    json_path: bool = True

    def sql(self, index: int) -> str:
        """The rule's SELECT: one row per problem with the columns of :func:`problem_query`."""
        rank = _TABLE_RANK[self.table] + 10 * self.phase
        return (
            f"SELECT '{self.id}' AS rule, '{self.table}' AS tbl, _id AS id,"
            f" {self.field or 'NULL'} AS field, {self.value or 'NULL'} AS value,"
            f" CAST({self.arg} AS STRING) AS arg, {rank} AS o1, _uid AS o2,"
            f" {self.rank} AS o3, {self.sub} AS o4, {index} AS o5"
            f" FROM {self.source} WHERE {self.where}"
        )


_TABLE_RANK = {"": 0, "categories": 1, "actors": 2, "sources": 3, "events": 4, "citations": 5}


def _from_check(check: Callable[[Any], str | None], rule_id: str) -> Message:
    def message(value: Any, arg: Any, known: Known) -> str:
        text = check(value)
        if text is None:
            return f"(rule {rule_id}: its SQL and Python forms disagree on this value; a bug)"
        return text

    return message


def _fixed(text: str) -> Message:
    return lambda value, arg, known: text


def _null(check: Callable[[Any], str | None]) -> Message:
    """The message validate.py gives a null where this check expects a value
    (a Parquet null in a required column is the data file's ``null``)."""
    text = check(None) or "must not be null"
    return lambda value, arg, known: text


def _readable(view: str, column: str = "id") -> str:
    return f"(SELECT *, CASE WHEN {full(column, SLUG)} THEN {column} END AS _id FROM {view}) r"


_CHECKS: dict[str, tuple[Callable[[Any], str | None], Callable[[str], str]]] = {
    "slug": (v._slug, lambda c: f"NOT {full(c, SLUG)}"),
    "line": (v._LINE, lambda c: text_bad(c, v.MAX_LINE)),
    "text": (v._text(v.MAX_TEXT, newlines=True), lambda c: text_bad(c, v.MAX_TEXT, newlines=True)),
    "quote": (v._QUOTE, lambda c: text_bad(c, v.MAX_QUOTE, newlines=True)),
    "date": (v._date, date_bad),
    "url": (v._url, lambda c: f"NOT {full(c, URL)}"),
    "wikidata": (v._wikidata, lambda c: f"NOT {full(c, WIKIDATA)}"),
    "color": (v._color, lambda c: f"NOT {full(c, COLOR)}"),
    "kind": (v._kind, lambda c: f"{c} NOT IN ({', '.join(repr(k) for k in v.ACTOR_KINDS)})"),
}

# table -> (view, [(field name, column, required, check name)]) in validate.py's key order.
_FIELDS: dict[str, tuple[str, list[tuple[str, str, bool, str]]]] = {
    "": (
        "timeline",
        [
            ("$schema", "schema", False, "line"),
            ("title", "title", True, "line"),
            ("description", "description", False, "text"),
        ],
    ),
    "categories": (
        "categories",
        [
            ("id", "id", True, "slug"),
            ("label", "label", True, "line"),
            ("color", "color", False, "color"),
        ],
    ),
    "actors": (
        "actors",
        [
            ("id", "id", True, "slug"),
            ("name", "name", True, "line"),
            ("kind", "kind", True, "kind"),
            ("role", "role", False, "line"),
            ("wikidata", "wikidata", False, "wikidata"),
        ],
    ),
    "sources": (
        "sources",
        [
            ("id", "id", True, "slug"),
            ("title", "title", True, "line"),
            ("publisher", "publisher", False, "line"),
            ("published", "published", False, "date"),
            ("url", "url", False, "url"),
        ],
    ),
    "events": (
        "events",
        [
            ("id", "id", True, "slug"),
            ("title", "title", True, "line"),
            ("date", "date", True, "date"),
            ("category", "category", True, "slug"),
            ("summary", "summary", False, "text"),
        ],
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    table or "timeline": tuple(column for _, column, required, _ in fields if required)
    for table, (_, fields) in _FIELDS.items()
}
"""The required columns of each table (a null there is a problem; elsewhere, an absent value)."""

_LISTS = (
    ("actors", "event_actors", "slug", 5),
    ("places", "event_places", "line", 6),
    ("tags", "event_tags", "slug", 7),
)
_CITATIONS_RANK = 8


def _item_field(name: str) -> str:
    return f"'{name}[' || CAST(pos AS STRING) || ']'"


# Columns whose values repeat across rows (ids of other tables, dates, short
# labels): their rules test each distinct value once and pick the rows
# holding a bad one, instead of testing every row.
_REPEATING = {"category", "date", "published", "color", "kind", "wikidata", "url", "role"}
_REPEATING |= {"publisher", "item", "source"}


def _bad(column: str, view: str, predicate: str, parts: Mapping[str, str] | None = None) -> str:
    """SQL: ``column`` holds a value for which ``predicate`` (over ``v``) is true;
    the predicate runs once per distinct value when values repeat.

    ``parts``: SQL over ``v`` for columns ``_name`` the predicate reads,
    computed once per distinct value in a projection below it (a repeating
    ``column`` only)."""
    if column not in _REPEATING:
        if parts:
            raise ValueError(f"{column}: parts need a column of repeating values")
        return f"{column} IS NOT NULL AND {predicate.replace('{v}', column)}"
    # min() of each group, not the group key: an optimizer would push the
    # predicate below a GROUP BY key (DuckDB does) and test every row again.
    values = f"(SELECT min({column}) AS v FROM {view} GROUP BY {column}) d"
    if parts:
        computed = ", ".join(f"{sql} AS _{name}" for name, sql in parts.items())
        values = f"(SELECT v, {computed} FROM {values}) d"
    return (
        f"{column} IN (SELECT v FROM {values}"
        f" WHERE v IS NOT NULL AND {predicate.replace('{v}', 'v')})"
    )


def _value_bad(column: str, view: str, kind: str) -> str:
    """SQL: ``column`` holds a value that check ``kind`` of :data:`_CHECKS` rejects."""
    if kind == "date" and column in _REPEATING:
        parts = date_parts("v")
        return _bad(column, view, date_bad("v", {name: f"_{name}" for name in parts}), parts)
    return _bad(column, view, _CHECKS[kind][1]("{v}"))


def _build() -> list[Rule]:
    rules: list[Rule] = []
    for table, (view, fields) in _FIELDS.items():
        for rank, (name, column, required, kind) in enumerate(fields):
            check = _CHECKS[kind][0]
            if not table:
                readable = f"(SELECT *, NULL AS _id FROM {view}) r"
            elif column in LONG_TEXT.get(table, ()):
                readable = _readable(TEXT_VIEWS[table])
            else:
                readable = _readable(view)
            prefix = f"{table}." if table else "timeline."
            if required:
                rules.append(
                    Rule(
                        f"{prefix}{name}-required",
                        table,
                        readable,
                        f"{column} IS NULL",
                        f"'{name}'",
                        column,
                        _null(check),
                        rank=rank,
                    )
                )
            rules.append(
                Rule(
                    f"{prefix}{name}",
                    table,
                    readable,
                    _value_bad(column, view, kind),
                    f"'{name}'",
                    column,
                    _from_check(check, f"{prefix}{name}"),
                    check,
                    rank=rank,
                )
            )
        if table in ("categories", "actors", "sources", "events"):
            rules.append(_unique(table, view, len(fields) + 10))
    for name, view, kind, rank in _LISTS:
        check, sql = _CHECKS[kind]
        field = _item_field(name)
        rules.append(
            Rule(
                f"events.{name}",
                "events",
                _readable(view),
                _bad("item", view, sql("{v}")),
                field,
                "item",
                _from_check(check, f"events.{name}"),
                check,
                rank=rank,
                sub="pos",
            )
        )
        # Each later place of an item listed twice in one event: a row with an
        # equal item before it in the same list. A join from the rows past the
        # first place (a third of them) costs two thirds of the grouping by
        # (_uid, item) it replaces (1.5M groups at 1M events); DISTINCT keeps
        # one row for an item listed three times or more.
        later = (
            f"(SELECT * FROM {view} WHERE pos > 0 AND item IS NOT NULL"
            f" AND NOT ({_bad('item', view, sql('{v}'))})) x"
        )
        repeated = (
            f"(SELECT DISTINCT x.* FROM {later} JOIN {view} p"
            " ON p._uid = x._uid AND p.item = x.item AND p.pos < x.pos) y"
        )
        rules.append(
            Rule(
                f"events.{name}-null",
                "events",
                _readable(view),
                "item IS NULL",
                field,
                "item",
                _null(check),
                rank=rank,
                sub="pos",
            )
        )
        rules.append(
            Rule(
                f"events.{name}-repeated",
                "events",
                _readable(repeated),
                "true",
                field,
                "item",
                _fixed("is listed twice; remove one"),
                rank=rank,
                sub="pos",
            )
        )
    rules.append(
        Rule(
            "events.citations-empty",
            "events",
            # An event without an id is reported as such; its citations cannot name it.
            # (Tested after the anti-join: a filter beside it made DuckDB's plan 10x slower.)
            f"(SELECT * FROM {_readable('events')}"
            " WHERE NOT EXISTS (SELECT 1 FROM citations c WHERE c.event_id = r.id)) q",
            "id IS NOT NULL",
            "'citations'",
            None,
            _fixed("is empty; give at least one"),
            rank=_CITATIONS_RANK,
            sub="-1",
        )
    )
    cited = _readable("citations", "event_id")
    quoted = _readable(TEXT_VIEWS["citations"], "event_id")
    citation = "'citations[' || CAST(position AS STRING) || ']'"
    for name, kind, required in (("source", "slug", True), ("quote", "quote", False)):
        check, sql = _CHECKS[kind]
        if required:
            rules.append(
                Rule(
                    f"citations.{name}-required",
                    "events",
                    quoted if name in LONG_TEXT["citations"] else cited,
                    f"{name} IS NULL",
                    f"{citation} || '.{name}'",
                    name,
                    _null(check),
                    rank=_CITATIONS_RANK,
                    sub="position",
                )
            )
        rules.append(
            Rule(
                f"citations.{name}",
                "events",
                quoted if name in LONG_TEXT["citations"] else cited,
                _bad(name, "citations", sql("{v}")),
                f"{citation} || '.{name}'",
                name,
                _from_check(check, f"citations.{name}"),
                check,
                rank=_CITATIONS_RANK,
                sub="position",
            )
        )
    rules.append(
        Rule(
            "citations.placeholder-source",
            "events",
            cited,
            f"source = '{PLACEHOLDER_SOURCE}'",
            f"{citation} || '.source'",
            "source",
            _fixed(
                'cites the placeholder source left by "eventline import"; '
                "declare the real source and cite it instead"
            ),
            rank=_CITATIONS_RANK,
            sub="position",
            phase=1,
            json_path=False,
        )
    )
    rules.append(
        Rule(
            "events.date-columns",
            "events",
            _readable(_date_columns_rows()),
            "true",
            "'date'",
            "date",
            _fixed(
                "earliest, latest, precision or qualifier does not agree with this date;"
                " write them as eventline.parquet.date_columns gives them"
            ),
            rank=2,
            json_path=False,
        )
    )
    for kind, table, column, base, view, field, sub in (
        ("category", "categories", "category", "events", _readable("events"), "'category'", "0"),
        (
            "actor",
            "actors",
            "item",
            "event_actors",
            _readable("event_actors"),
            "'actors[' || CAST(pos AS STRING) || ']'",
            "pos",
        ),
        ("source", "sources", "source", "citations", cited, f"{citation} || '.source'", "position"),
    ):
        rules.append(
            Rule(
                f"events.{kind}-declared",
                "events",
                view,
                _bad(
                    column,
                    base,
                    f"{full('{v}', SLUG)} AND NOT EXISTS"
                    f" (SELECT 1 FROM {table} t WHERE t.id = {{v}})",
                ),
                field,
                column,
                _undeclared(kind, table),
                rank={"category": 3, "actor": 5, "source": _CITATIONS_RANK}[kind],
                sub=sub,
                phase=1,
            )
        )
    rules += _partition_rules()
    rules.append(
        Rule(
            "citations.event-declared",
            "citations",
            "(SELECT *, NULL AS _id FROM citations) r",
            "NOT EXISTS (SELECT 1 FROM events e WHERE e.id = r.event_id)",
            "'event_id'",
            "event_id",
            _fixed("no event has this id; every citation belongs to an event"),
            phase=1,
            json_path=False,
        )
    )
    return rules


# The partition folder of an events file: the path between the last "/events/"
# and the file name ('' for a file directly in events/). Both engines give the
# file's path as ``_file``.
_PARTITION = "regexp_extract(_file, '^.*/events/(.*)/[^/]*$', 1)"
_YEAR_FOLDER = "year=(?:[0-9]+|__HIVE_DEFAULT_PARTITION__)"


def _partition_rules() -> list[Rule]:
    """Hive partitioning: each events file sits in a folder ``year=YYYY`` named
    after the year of its rows' earliest day (``year=__HIVE_DEFAULT_PARTITION__``
    for rows without one), so a query filtering on ``year`` finds every row."""
    # One row per file (min() keeps the predicate above the grouping, see _bad).
    files = (
        f"(SELECT _f, {_PARTITION.replace('_file', '_f')} AS _part FROM"
        " (SELECT min(_file) AS _f FROM events GROUP BY _file) g) f"
    )
    named = full("_part", _YEAR_FOLDER)
    misplaced = (
        f"(SELECT e.*, f._part, f._pyear FROM events e JOIN"
        f" (SELECT _f, _part, TRY_CAST(substr(_part, 6) AS INT) AS _pyear FROM {files}"
        f" WHERE {named}) f ON e._file = f._f"
        # The test inside, before each row's readable id is worked out: above
        # the join DuckDB left it over the projection, and ran the id's
        # pattern on every event.
        " WHERE e.earliest IS NOT NULL AND (f._pyear IS NULL OR f._pyear <> year(e.earliest))) q"
    )
    return [
        Rule(
            "events.partition-name",
            "events",
            f"(SELECT NULL AS _id, NULL AS _uid, _part FROM {files} WHERE NOT {named}) r",
            "true",
            None,
            None,
            _partition_name,
            arg="_part",
            phase=1,
            json_path=False,
        ),
        Rule(
            "events.partition",
            "events",
            _readable(misplaced),
            "true",
            "'date'",
            "date",
            _misplaced,
            rank=2,
            arg="_part || '|' || CAST(year(earliest) AS STRING)",
            phase=1,
            json_path=False,
        ),
    ]


def _partition_name(value: Any, arg: Any, known: Known) -> str:
    where = "a file directly in events/" if not arg else f"partition folder events/{arg}/"
    return (
        f"{where} is not a Hive partition year=YYYY; events are partitioned by the year"
        " of their earliest day (events/year=2025/part-0.parquet), so a query filtering"
        " on year would miss its rows"
    )


def _misplaced(value: Any, arg: Any, known: Known) -> str:
    part, _, year = str(arg).rpartition("|")
    return (
        f"is in the partition events/{part}/ but its earliest day is in {year};"
        f" write it under events/year={int(year):04d}/ (a query filtering on year misses it)"
    )


_DATE_COLUMNS = ("date", "earliest", "latest", "precision", "qualifier")


def _date_columns_rows() -> str:
    """The events whose derived date columns disagree with their date, tested
    once per distinct (date, earliest, latest, precision, qualifier): dates repeat."""
    grouped = (
        "(SELECT "
        + ", ".join(f"min({c}) AS {c}" for c in _DATE_COLUMNS)
        + " FROM events WHERE date IS NOT NULL GROUP BY "
        + ", ".join(_DATE_COLUMNS)
        + ") g"
    )
    parts = date_parts("date")
    with_parts = (
        "(SELECT *, "
        + ", ".join(f"{sql} AS _{part}" for part, sql in parts.items())
        + f" FROM {grouped}) d"
    )
    columns = {part: f"_{part}" for part in parts}
    # The columns are compared first and the date tested only where they
    # disagree (the date's own rule reports a date that is not valid): the
    # date test is the costlier, and it ran on every distinct date.
    bad = (
        f"(SELECT {', '.join(_DATE_COLUMNS)} FROM {with_parts}"
        f" WHERE {date_columns_bad('date', columns)} AND NOT {date_bad('date', columns)}) b"
    )
    same = " AND ".join(f"e.{c} IS NOT DISTINCT FROM b.{c}" for c in _DATE_COLUMNS)
    return f"(SELECT e.* FROM events e JOIN {bad} ON {same}) q"


_ONE = {"events": "event", "categories": "category", "actors": "actor", "sources": "source"}


def _unique(table: str, view: str, rank: int) -> Rule:
    readable = f"{full('fid', SLUG)}"
    # The first holder of each id found more than once, in dataset order (_uid).
    # min(id), not the key: a filter on a group key is pushed below the
    # grouping and would test every row's id (see _bad).
    firsts = (
        f"(SELECT d.fid, d._first FROM (SELECT min(id) AS fid, min(_uid) AS _first FROM {view}"
        f" GROUP BY id HAVING count(*) > 1) d WHERE {readable})"
    )
    source = f"(SELECT t.*, t.id AS _id, f._first FROM {view} t JOIN {firsts} f ON t.id = f.fid) r"
    # A dataset has no row index to name the first holder by (validate.py's
    # "events[3]"); both rows carry the id the problem is located by.
    one = _ONE[table]
    return Rule(
        f"{table}.id-unique",
        table,
        source,
        "_uid > _first",
        None,
        None,
        lambda value, arg, known: f"id is already used by another {one}; ids must be unique",
        rank=rank,
    )


def _undeclared(kind: str, table: str) -> Message:
    def message(value: Any, arg: Any, known: Known) -> str:
        return str(v._undeclared(kind, table, set(known.get(table, ())), value))

    return message


RULES: tuple[Rule, ...] = tuple(_build())
"""Every rule, in the order problems of one field are reported."""

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

ROW_COLUMNS = ("rule", "tbl", "id", "field", "value", "arg")


def problem_query(rules: Sequence[Rule] = RULES, *, plain_text: bool = True) -> str:
    """One SQL query whose rows are every problem, in report order.

    Columns: ``rule`` (a :attr:`Rule.id`), ``tbl`` (the table), ``id`` (the
    record's id when it is a slug, else NULL), ``field``, ``value``, ``arg``,
    and the sort keys ``o1``..``o5``. Report order: the timeline's fields, then
    each table (categories, actors, sources, events) by record id (records
    without a readable id first), fields in the data file's key order; then,
    as validate.py does, the references between tables.

    ``plain_text``: whether the engine defines the function :data:`PLAIN_TEXT`;
    without it the query has ``false`` in its place.
    """
    body = "\nUNION ALL\n".join(rule.sql(i) for i, rule in enumerate(rules))
    if not plain_text:
        body = re.sub(rf"\b{PLAIN_TEXT}\(\w+\)", "false", body)
    return f"SELECT * FROM (\n{body}\n) p ORDER BY o1, id NULLS FIRST, o3, o4, o2, o5, arg"


def needs_known(rule_ids: Sequence[str]) -> bool:
    """True when a message among these rules names the declared ids (a "did you mean")."""
    return any(rule_id.endswith("-declared") for rule_id in rule_ids)


# Rules located at events whose rows are citations' (their _uid is a citation's).
_CITATION_ROWS = frozenset({"events.source-declared"})


def unnamed_event_row(row: Sequence[Any]) -> bool:
    """True for a row of :func:`problem_query` about an event with no readable id,
    whose ``o2`` (the event's ``_uid``) the checker can turn into the file it is in."""
    rule_id, _, record_id = row[:3]
    return (
        record_id is None
        and rule_id.startswith("events.")
        and rule_id not in _CITATION_ROWS
        and len(row) > 7
        and row[7] is not None
    )


def to_problem(file: str, row: Sequence[Any], known: Known, where: str | None = None) -> Problem:
    """The :class:`~eventline.problems.Problem` of a row of :func:`problem_query`.
    ``where``: the file within the dataset the row is in, for a record without a
    readable id (``events (events/year=2025/part-0.parquet): id null: …``)."""
    rule_id, table, record_id, field, value, arg = row[:6]
    message = BY_ID[rule_id].message(value, arg, known)
    # A rule that names a value shows it, a null as ``null`` (as validate.py does).
    shown = None if BY_ID[rule_id].value is None else show_value(value)
    location = table if where is None else f"{table} ({where})"
    return Problem(file, message, location, record_id, field, shown)


def staged(problems: list[Problem], rule_ids: Sequence[str]) -> list[Problem]:
    """``problems`` without the placeholder-source ones when there are others:
    validate.py reports a citation of ``source-needed`` only for a file with no
    other problem, so that ``fmt`` and ``import`` work on a file still to be sourced.
    ``rule_ids``: the rule of each problem, in the same order."""
    placeholder = "citations.placeholder-source"
    if all(rule_id == placeholder for rule_id in rule_ids):
        return problems
    return [p for p, rule_id in zip(problems, rule_ids, strict=True) if rule_id != placeholder]


def readable_ids(values: Sequence[Any]) -> list[str]:
    """The ids among ``values`` that are slugs (the ids references may name)."""
    return [x for x in values if isinstance(x, str) and re.fullmatch(SLUG, x)]
