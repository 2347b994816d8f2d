"""The rules on Apache Spark (local mode), and agreement of all three checkers (issue 16).

Spark needs pyspark and a Java runtime. Without them these tests skip, unless
EVENTLINE_REQUIRE_SPARK=1 (set by .ci/run): then they fail. One session
serves the module; each test runs one Spark job, so the module stays in CI's budget.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventline import parquet
from eventline.duckdb_check import validate_dataset
from eventline.validate import check_document
from tests.dataset_faults import FAULTS, Fault, valid_doc
from tests.planted import PLANTED_PROBLEMS, comparable, planted_faults

REQUIRED = os.environ.get("EVENTLINE_REQUIRE_SPARK") == "1"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session (local[2]) tuned for tiny data, shared by the module."""
    reason = None
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        reason = 'pyspark is not installed (pip install "eventline[spark]")'
    if reason is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        reason = "no Java runtime (apt-get install openjdk-17-jre-headless)"
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"EVENTLINE_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(reason)
    # Executors run this interpreter (the UDF that words messages imports eventline).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("eventline-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_json_validator_duckdb_and_spark_report_the_same_planted_faults(
    spark: Any, tmp_path: Path
) -> None:
    """A duplicate id, dangling category/actor/source, 30 February, a reversed interval,
    a missing citation, a javascript: url, a bidi control, required nulls: the same
    problems three times."""
    doc = planted_faults()
    parquet.write_dataset(doc, tmp_path / "ds")
    from eventline.spark import validate

    from_spark = validate(spark, str(tmp_path / "ds"), "x")
    assert [str(p) for p in from_spark] == [f"x: {line}" for line in PLANTED_PROBLEMS]
    from_duckdb = validate_dataset(tmp_path / "ds", "x")
    assert from_spark == from_duckdb
    from_json = check_document(doc, "x")
    assert sorted(map(comparable, from_json), key=repr) == sorted(
        map(comparable, from_spark), key=repr
    )


def test_spark_gives_problems_as_rows_of_a_dataframe(spark: Any, tmp_path: Path) -> None:
    """problem_rows: one row per problem with table, id, field, raw value and message."""
    from eventline.spark import problem_rows

    doc = planted_faults()
    del doc["events"][1:]
    parquet.write_dataset(doc, tmp_path / "ds")
    rows = problem_rows(spark, str(tmp_path / "ds"), "x").collect()
    assert [row.asDict() for row in rows] == [
        {
            "file": "x",
            "table": "sources",
            "id": "article",
            "field": "url",
            "value": "javascript:alert(1)",
            "message": "javascript: links are not allowed; use an http:// or https:// address",
            "rule": "sources.url",
        },
        {
            "file": "x",
            "table": "events",
            "id": "call",
            "field": "category",
            "value": "diplomcy",
            "message": 'no category has this id; did you mean "diplomacy"?',
            "rule": "events.category-declared",
        },
        {
            "file": "x",
            "table": "events",
            "id": "call",
            "field": "actors[1]",
            "value": "trump",
            "message": 'no actor has this id; declare it in "actors"',
            "rule": "events.actor-declared",
        },
        {
            "file": "x",
            "table": "events",
            "id": "call",
            "field": "citations[1].source",
            "value": "reuters",
            "message": 'no source has this id; declare it in "sources"',
            "rule": "events.source-declared",
        },
    ]


def test_eventline_spark_imports_before_any_spark_session() -> None:
    """README's order works: `import eventline.spark`, then SparkSession.builder...getOrCreate()."""
    if importlib.util.find_spec("pyspark") is None:
        if REQUIRED:
            pytest.fail("EVENTLINE_REQUIRE_SPARK=1 but pyspark is not installed")
        pytest.skip('pyspark is not installed (pip install "eventline[spark]")')
    done = subprocess.run(
        [sys.executable, "-c", "import eventline.spark"], capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("fault", [f for f in FAULTS if f.on_spark], ids=lambda f: f.name)
def test_spark_reports_a_damaged_dataset_as_duckdb_does(
    spark: Any, tmp_path: Path, fault: Fault
) -> None:
    """Missing tables, partitions, unreadable files, wrong columns, nulls: the lines
    DuckDB gives (tests/test_dataset_faults.py), as problems, never a Py4JJavaError."""
    from eventline.spark import validate

    parquet.write_dataset(valid_doc(), tmp_path / "ds")
    fault.damage(tmp_path / "ds")
    assert [str(p) for p in validate(spark, str(tmp_path / "ds"), "x")] == [
        f"x: {line}" for line in fault.expected
    ]


def test_spark_says_what_is_at_a_path_that_is_no_dataset(spark: Any, tmp_path: Path) -> None:
    """A missing path and a file are worded as such, not as "a folder"."""
    from eventline.spark import validate

    data = tmp_path / "d.json"
    data.write_text("{}", encoding="utf-8")
    assert [str(p) for p in validate(spark, str(tmp_path / "none"), "x")] == [
        "x: no such file or folder; check the path"
    ]
    assert [str(p) for p in validate(spark, str(data), "x")] == [
        "x: is a file, not a Parquet dataset; give the dataset's folder, which holds"
        " timeline.parquet, categories.parquet, actors.parquet, sources.parquet,"
        " citations.parquet and the folder events/ (events/year=YYYY/*.parquet)"
    ]


def test_python_m_eventline_spark_validates_like_eventline_validate(
    spark: Any, tmp_path: Path
) -> None:
    """`python -m eventline.spark DATASET` (for CI jobs and spark-submit) prints the
    problems as `eventline validate` does, exit 1; a valid dataset: "DATASET: ok", exit 0;
    a --conf that is not KEY=VALUE: a usage error, exit 2, before Spark starts."""
    parquet.write_dataset(planted_faults(), tmp_path / "bad")
    parquet.write_dataset(valid_doc(), tmp_path / "good")

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "eventline.spark", "--master", "local[1]", *args],
            capture_output=True,
            text=True,
            timeout=600,
        )
        return done.returncode, done.stdout, done.stderr

    small = ("--conf", "spark.sql.shuffle.partitions=1", "--conf", "spark.ui.enabled=false")
    bad = str(tmp_path / "bad")
    code, out, _ = run(*small, bad)
    assert (code, out) == (1, "".join(f"{bad}: {line}\n" for line in PLANTED_PROBLEMS))
    good = str(tmp_path / "good")
    code, out, err = run(*small, good)
    assert (code, out, err.splitlines()[-1]) == (0, "", f"{good}: ok")
    code, _, err = run("--conf", "no-equals-sign", good)
    assert code == 2
    assert "'no-equals-sign' is not KEY=VALUE" in err
