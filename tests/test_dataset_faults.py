"""A damaged Parquet dataset gives located problems from DuckDB, never a traceback (issue 16).

The same faults run on Spark in tests/test_spark.py, with the same expected lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventline import parquet
from eventline.duckdb_check import validate_dataset
from tests.dataset_faults import FAULTS, Fault, valid_doc


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_duckdb_reports_a_damaged_dataset_as_located_problems(tmp_path: Path, fault: Fault) -> None:
    """Missing tables, misnamed or wrong partitions, unreadable files, wrong columns, nulls."""
    parquet.write_dataset(valid_doc(), tmp_path / "ds")
    fault.damage(tmp_path / "ds")
    assert [str(p) for p in validate_dataset(tmp_path / "ds", "x")] == [
        f"x: {line}" for line in fault.expected
    ]


def test_the_undamaged_dataset_is_valid(tmp_path: Path) -> None:
    """The faults start from a valid dataset, so each expected line is the fault's own."""
    parquet.write_dataset(valid_doc(), tmp_path / "ds")
    assert validate_dataset(tmp_path / "ds", "x") == []
