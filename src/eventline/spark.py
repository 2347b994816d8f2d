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

From a shell, a CI job or ``spark-submit``, ``python -m eventline.spark DATASET``
prints the problems as ``eventline validate`` does, with the same exit codes
(see :func:`main`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]
    from pyspark.errors import AnalysisException, PySparkException
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType
except ImportError as error:  # pragma: no cover - tested in a subprocess
    raise ImportError(
        "eventline.spark needs the Spark extra (pyspark, and a Java runtime):"
        ' pip install "eventline[spark]"',
        name=error.name,
    ) from error

from eventline import rules
from eventline.problems import Problem

__all__ = ["main", "problem_rows", "validate"]

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


# What Spark says of a file it cannot read, and of files whose column types differ.
_UNREADABLE = re.compile(r"\[FAILED_READ_FILE[.\w]*\][^\n]*? reading file (\S+?)\.? (?:Could|Data)")
_MERGE = re.compile(r'"STRUCT<(.*)>"')
_ENGINE_ERRORS = (PySparkException, Py4JError)


def _split_struct(text: str) -> list[tuple[str, str]]:
    """``a: STRING, b: ARRAY<STRING>`` as ``[("a", "string"), ("b", "array<string>")]``."""
    fields, depth, start = [], 0, 0
    for i, char in enumerate(text + ","):
        depth += {"<": 1, ">": -1}.get(char, 0)
        if char == "," and depth == 0:
            name, _, kind = text[start:i].strip().partition(": ")
            fields.append((name.strip("`"), kind.lower()))
            start = i + 1
    return fields


def _read_problem(label: str, table: str, error: Exception) -> Problem:
    """Spark's error reading a table, as the problem DuckDB's checker gives."""
    text = str(error)
    found = _UNREADABLE.search(text)
    if found:
        path = found.group(1)
        where = rules.TABLE_PATHS[table]
        if where.endswith("/") and f"/{where}" in path:
            path = where + path.rsplit(f"/{where}", 1)[1]
        else:
            path = where
        return rules.unreadable_file(label, table, path)
    if "CANNOT_MERGE_SCHEMAS" in text or "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE" in text:
        # Files of one table whose types differ: the column and the type that is not the format's.
        for schema in _MERGE.findall(text):
            if problems := rules.column_problems(label, table, _split_struct(schema)):
                return problems[0]
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return Problem(label, f"Spark could not read the table: {first}", table)


def _file_system(spark: SparkSession, path: str) -> tuple[Any, Any] | None:
    """Hadoop's file system for ``path`` and the path as Hadoop's ``Path``, or
    None where the session has no JVM of its own (a Spark Connect client)."""
    try:
        context = spark.sparkContext
        jvm: Any = context._jvm
        where = jvm.org.apache.hadoop.fs.Path(path)
        return where.getFileSystem(context._jsc.hadoopConfiguration()), where
    except (*_ENGINE_ERRORS, AttributeError):
        return None


def _event_files(spark: SparkSession, where: str) -> list[tuple[str, str, int]]:
    """The events folder's Parquet files, each as (full path, path within the
    dataset, size in bytes), in dataset order (as :func:`eventline.parquet.event_files`).
    Listed through Hadoop's file system, so any path Spark reads (``s3a://``…) works;
    none on a Spark Connect client (the merged read then checks the files)."""
    found = _file_system(spark, where)
    if found is None:
        return []
    system, folder = found
    if not system.isDirectory(folder):
        return []
    root = system.makeQualified(folder).toString().rstrip("/")
    files = []
    listing = system.listFiles(folder, True)
    while listing.hasNext():
        status = listing.next()
        full = status.getPath().toString()
        if full.endswith(".parquet"):
            inner = full[len(root) + 1 :] if full.startswith(root + "/") else full
            files.append((full, f"{rules.TABLE_PATHS['events']}{inner}", int(status.getLen())))
    return sorted(files, key=lambda f: f[1])


def _event_file_problems(spark: SparkSession, where: str, label: str) -> list[Problem]:
    """The first events file that is unreadable or whose columns are not the
    format's, as DuckDB's checker reports it. Each file's footer is read on
    its own: the merged read fills a column missing from one file with nulls,
    and skips a file of 0 bytes."""
    for full, path, size in _event_files(spark, where):
        if size == 0:
            return [rules.unreadable_file(label, "events", path)]
        try:
            schema = spark.read.parquet(full).schema
        except _ENGINE_ERRORS:
            return [rules.unreadable_file(label, "events", path)]
        found = [(f.name, f.dataType.simpleString()) for f in schema.fields]
        if problems := rules.column_problems(label, "events", found, path):
            return problems
    return []


def _read(spark: SparkSession, base: str, label: str) -> tuple[dict[str, DataFrame], list[Problem]]:
    frames: dict[str, DataFrame] = {}
    problems: list[Problem] = []
    for table in rules.COLUMNS:
        where = f"{base}/{rules.TABLE_PATHS[table].rstrip('/')}"
        # Every file's footer is read (mergeSchema), so a file Spark cannot read
        # or of other column types is found here, not halfway through the rules.
        reader = spark.read.option("mergeSchema", "true")
        if table == "events":
            # Partitions are read from each file's path by the rules (events.partition),
            # not inferred, which fails on a misnamed folder.
            reader = reader.option("recursiveFileLookup", "true").option(
                "pathGlobFilter", "*.parquet"
            )
        if table == "events" and (file_problems := _event_file_problems(spark, where, label)):
            problems += file_problems
            continue
        try:
            frame = reader.parquet(where)
        except AnalysisException as error:
            # getCondition from pyspark 4; getErrorClass (deprecated there) in 3.5.
            condition = getattr(error, "getCondition", error.getErrorClass)()
            if table == "events" and condition == "UNABLE_TO_INFER_SCHEMA":
                # An events folder with no file: a dataset without events.
                frames[table] = spark.createDataFrame([], _ddl(table)).select(
                    "*", F.lit("").alias("_uid"), F.lit(None).cast("string").alias("_file")
                )
                continue
            if condition == "PATH_NOT_FOUND":
                problems.append(rules.missing_table(label, table))
            else:
                problems.append(_read_problem(label, table, error))
            continue
        except _ENGINE_ERRORS as error:
            problems.append(_read_problem(label, table, error))
            continue
        found = [(f.name, f.dataType.simpleString()) for f in frame.schema.fields]
        if found_problems := rules.column_problems(label, table, found):
            problems += found_problems
            continue
        extra = [F.col("_metadata.file_path").alias("_file")] if table == "events" else []
        frames[table] = frame.select(*[name for name, _ in rules.COLUMNS[table]], _uid(), *extra)
    return frames, problems


def _path_kind(spark: SparkSession, path: str) -> str:
    """What is at ``path``, as :func:`eventline.rules.not_a_dataset` takes it
    (``"folder"`` when the session cannot tell: the tables are then looked for)."""
    found = _file_system(spark, path)
    if found is None:
        return "folder"
    system, where = found
    if not system.exists(where):
        return "missing"
    return "folder" if system.isDirectory(where) else "file"


def _prepare(spark: SparkSession, path: str, label: str) -> list[Problem]:
    base = str(path).rstrip("/")
    if (kind := _path_kind(spark, base)) != "folder":
        return [rules.not_a_dataset(label, kind)]
    frames, problems = _read(spark, base, label)
    if len(problems) == len(rules.COLUMNS) and all(
        p.message.startswith("missing table") for p in problems
    ):
        return [rules.not_a_dataset(label)]
    if problems:
        return problems
    for table, frame in frames.items():
        frame.createOrReplaceTempView(table)
    # Spark reads every view from the files as a query needs it: the text
    # views are the tables themselves.
    for table, view in rules.TEXT_VIEWS.items():
        frames[table].createOrReplaceTempView(view)
    for name in ("actors", "places", "tags"):
        spark.sql(
            f"SELECT _uid, id, pos, item FROM events LATERAL VIEW posexplode({name}) x AS pos, item"
        ).createOrReplaceTempView(f"event_{name}")
    return []


def _query(spark: SparkSession) -> DataFrame:
    with _raw_literals(spark):
        return spark.sql(rules.problem_query(plain_text=False))


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
    try:
        rows = [tuple(row)[:8] for row in _query(spark).collect()]
        known = _known(spark) if rules.needs_known([row[0] for row in rows]) else {}
    except _ENGINE_ERRORS as error:
        # The footers were readable (_read), a page further in is not.
        return [_run_problem(label, error)]
    events = rules.TABLE_PATHS["events"]

    def where(row: tuple[Any, ...]) -> str | None:
        # An event's _uid is its file's path, "#" and its row in the file (_uid).
        if not rules.unnamed_event_row(row):
            return None
        path = str(row[7]).rsplit("#", 1)[0]
        return events + path.rsplit(f"/{events}", 1)[1] if f"/{events}" in path else None

    problems = [rules.to_problem(label, row, known, where(row)) for row in rows]
    return rules.staged(problems, [row[0] for row in rows])


def _run_problem(label: str, error: Exception) -> Problem:
    """Spark's error while running the rules, as a problem located at its table."""
    text = str(error)
    found = _UNREADABLE.search(text)
    if found:
        for table, where in rules.TABLE_PATHS.items():
            if f"/{where.rstrip('/')}" in found.group(1):
                return _read_problem(label, table, error)
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return Problem(label, f"Spark could not run the rules: {first}")


def main(argv: list[str] | None = None) -> None:
    """``python -m eventline.spark [--master URL] DATASET``: validate on Spark.

    Prints each problem as a line on standard output and exits 1, or prints
    ``DATASET: ok`` on standard error and exits 0 (2 for a usage error), as
    ``eventline validate`` does. The session is the one ``spark-submit``
    configures; ``--master`` sets it when run directly (Spark's default is
    ``local[*]``). Raises SystemExit.
    """
    import click

    @click.command(context_settings={"help_option_names": ["-h", "--help"]})
    @click.option(
        "--master",
        help="Spark master URL (local[2], yarn, spark://host:7077, k8s://...). "
        "Default: what spark-submit or the Spark configuration says, else local[*].",
    )
    @click.option(
        "--conf",
        "confs",
        multiple=True,
        metavar="KEY=VALUE",
        help="A Spark setting, as spark-submit's --conf (repeatable); "
        "e.g. spark.sql.shuffle.partitions=2 for a small dataset in local mode.",
    )
    @click.argument("dataset")
    def validate_command(master: str | None, confs: tuple[str, ...], dataset: str) -> None:
        """Validate the eventline Parquet dataset DATASET on Apache Spark.

        DATASET is the dataset's folder as Spark reads it: a local path,
        hdfs://..., s3a://... Problems are printed one per line, as
        `eventline validate` prints them (exit 1); a valid dataset prints
        "DATASET: ok" (exit 0). Executors need no eventline: messages are
        worded on the driver.

        Example: spark-submit --master yarn "$(python -c 'import
        eventline.spark as s; print(s.__file__)')" s3a://bucket/events-parquet
        """
        builder = SparkSession.builder.appName("eventline-validate").config(
            "spark.ui.showConsoleProgress", "false"
        )
        if master:
            builder = builder.master(master)
        for conf in confs:
            key, sep, value = conf.partition("=")
            if not sep or not key:
                raise click.BadParameter(f"{conf!r} is not KEY=VALUE", param_hint="--conf")
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        try:
            problems = validate(session, dataset)
        finally:
            session.stop()
        for problem in problems:
            click.echo(str(problem))
        if problems:
            raise SystemExit(1)
        click.echo(f"{dataset}: ok", err=True)

    validate_command.main(args=argv, prog_name="python -m eventline.spark")


if __name__ == "__main__":
    main()
