"""Validate a Parquet dataset on Apache Spark: the rules of :mod:`eventline.rules`.

The same SQL the embedded DuckDB checker runs, run by Spark SQL, so a dataset
too large for one machine is checked where it lives::

    from pyspark.sql import SparkSession
    import eventline.spark

    spark = SparkSession.builder.getOrCreate()
    problems = eventline.spark.validate(spark, "s3a://bucket/events-dataset")
    rows = eventline.spark.problem_rows(spark, "s3a://bucket/events-dataset")

The checkers register the temporary views the rules read (``timeline``,
``categories``, ``actors``, ``sources``, ``events``, ``citations``,
``event_actors``, ``event_places``, ``event_tags``) in the session, replacing
views of those names. While a query is parsed, string literals are read raw
(``spark.sql.parser.escapedStringLiterals``), then the setting is restored.

Needs the ``spark`` extra (pyspark) and a Java runtime; imported on demand.
:func:`problem_rows` computes messages in a Python UDF, so executors need
eventline installed too; :func:`validate` computes them on the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from eventline import rules
from eventline.problems import Problem

__all__ = ["problem_rows", "validate"]

_RAW_LITERALS = "spark.sql.parser.escapedStringLiterals"


def _uid() -> Column:
    """The rules' ``_uid``: file path and zero-padded row index, which sorts in dataset order.

    Built on call, not at import: pyspark's column functions need an active
    SparkContext, and ``import eventline.spark`` comes before the session."""
    return F.concat(
        F.col("_metadata.file_path"),
        F.lit("#"),
        F.lpad(F.col("_metadata.row_index").cast("string"), 12, "0"),
    ).alias("_uid")


@contextmanager
def _raw_literals(spark: SparkSession) -> Iterator[None]:
    """Parse SQL string literals as written (as DuckDB does): the rules' regexes keep
    their backslashes."""
    old = spark.conf.get(_RAW_LITERALS, "false")
    spark.conf.set(_RAW_LITERALS, "true")
    try:
        yield
    finally:
        spark.conf.set(_RAW_LITERALS, old or "false")


def _ddl(table: str) -> str:
    return ", ".join(f"`{name}` {kind}" for name, kind in rules.COLUMNS[table])


def _read(spark: SparkSession, base: str, label: str) -> tuple[dict[str, DataFrame], list[Problem]]:
    frames: dict[str, DataFrame] = {}
    problems: list[Problem] = []
    for table, columns in rules.COLUMNS.items():
        try:
            if table == "events":
                frame = spark.read.option("basePath", f"{base}/events").parquet(f"{base}/events")
            else:
                frame = spark.read.parquet(f"{base}/{table}.parquet")
        except AnalysisException as error:
            if table == "events" and "UNABLE_TO_INFER_SCHEMA" in str(error):
                frames[table] = spark.createDataFrame([], _ddl(table)).withColumn("_uid", F.lit(""))
                continue
            problems.append(Problem(label, f'missing table "{table}" ({table}.parquet)'))
            continue
        names = [name for name, _ in columns]
        found = [f.name for f in frame.schema.fields if f.name != "year" or table != "events"]
        problems += [
            Problem(label, f'missing column "{name}"', table) for name in names if name not in found
        ]
        problems += [
            Problem(label, f'unknown column "{name}"; allowed: {", ".join(names)}', table)
            for name in found
            if name not in names
        ]
        frames[table] = frame.select(*names, _uid())
    return frames, problems


def _prepare(spark: SparkSession, path: str, label: str) -> list[Problem]:
    base = str(path).rstrip("/")
    frames, problems = _read(spark, base, label)
    if problems:
        return problems
    for table, frame in frames.items():
        frame.createOrReplaceTempView(table)
    for name in ("actors", "places", "tags"):
        spark.sql(
            f"SELECT _uid, id, pos, item FROM events LATERAL VIEW posexplode({name}) x AS pos, item"
        ).createOrReplaceTempView(f"event_{name}")
    return []


def _query(spark: SparkSession) -> DataFrame:
    with _raw_literals(spark):
        return spark.sql(rules.problem_query())


def _known(spark: SparkSession) -> dict[str, list[str]]:
    return {
        table: rules.readable_ids([row[0] for row in spark.table(table).select("id").collect()])
        for table in ("categories", "actors", "sources")
    }


def problem_rows(spark: SparkSession, path: str, name: str | None = None) -> DataFrame:
    """Every problem of the dataset at ``path`` as a DataFrame, in report order.

    Columns: ``file`` (``name``, default ``path``), ``table`` (``""`` for the
    timeline's own fields), ``id`` (the record's id when it is a slug),
    ``field``, ``value`` (the raw value), ``message``, and ``rule`` (the
    :attr:`eventline.rules.Rule.id`). A dataset whose tables or columns are
    missing gives one row per such problem (``rule`` ``"schema"``). Unlike
    :func:`validate`, the rows keep citations of the placeholder source even
    when other problems are found.
    """
    label = str(path) if name is None else name
    problems = _prepare(spark, path, label)
    if problems:
        return spark.createDataFrame(
            [(p.file, p.location, None, None, None, p.message, "schema") for p in problems],
            "file STRING, table STRING, id STRING, field STRING, value STRING,"
            " message STRING, rule STRING",
        )
    known = _known(spark)

    def message(rule: str, value: Any, arg: Any) -> str:
        return rules.BY_ID[rule].message(value, arg, known)

    to_message = F.udf(message, StringType(), useArrow=False)
    return _query(spark).select(
        F.lit(label).alias("file"),
        F.col("tbl").alias("table"),
        "id",
        "field",
        "value",
        to_message("rule", "value", "arg").alias("message"),
        "rule",
    )


def validate(spark: SparkSession, path: str, name: str | None = None) -> list[Problem]:
    """Every problem of the dataset at ``path``, as :func:`eventline.validate.validate`
    words them, located by table and id; ``[]`` when it is valid.

    Args:
        spark: the session (local or a cluster's).
        path: the dataset's folder, as Spark reads it (a local path, ``hdfs://``,
            ``s3a://``…).
        name: how problems name the dataset (default: ``path``).
    """
    label = str(path) if name is None else name
    problems = _prepare(spark, path, label)
    if problems:
        return problems
    rows = [tuple(row)[:6] for row in _query(spark).collect()]
    known = _known(spark) if rules.needs_known([row[0] for row in rows]) else {}
    problems = [rules.to_problem(label, row, known) for row in rows]
    return rules.staged(problems, [row[0] for row in rows])
