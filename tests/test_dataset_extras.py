"""Without an extra installed, the Parquet and Spark paths name the extra to install;
a folder that is not a dataset says what one holds (issue 16).

A missing package is hidden for real: the subprocess's sitecustomize sets
``sys.modules[name] = None``, so importing it fails as an uninstalled one does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventline import parquet
from tests.conftest import Run
from tests.dataset_faults import valid_doc

SPARK = 'ImportError: eventline.spark needs the Spark extra (pyspark, and a Java runtime): pip install "eventline[spark]"'
PARQUET = 'needs the Parquet extra (pyarrow, duckdb): pip install "eventline[parquet]"'
NOT_A_DATASET = (
    'is a folder but not a Parquet dataset; a folder given to validate or import must hold a dataset written by "eventline export --format parquet": '
    "timeline.parquet, categories.parquet, actors.parquet, sources.parquet, citations.parquet and the folder events/ (events/year=YYYY/*.parquet)"
)


def _without(hidden: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args`` while the module ``hidden`` cannot be imported."""
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(
        f"import sys\nsys.modules[{hidden!r}] = None\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(shim)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=tmp_path
    )


@pytest.mark.parametrize(
    ("module", "hidden", "message"),
    [
        ("eventline.spark", "pyspark", SPARK),
        ("eventline.duckdb_check", "duckdb", f"ImportError: eventline.duckdb_check {PARQUET}"),
        ("eventline.duckdb_check", "pyarrow", f"ImportError: eventline.parquet {PARQUET}"),
        ("eventline.parquet", "pyarrow", f"ImportError: eventline.parquet {PARQUET}"),
    ],
)
def test_importing_without_the_extra_raises_an_import_error_naming_it(
    tmp_path: Path, module: str, hidden: str, message: str
) -> None:
    """An ImportError whose message is the pip command, not a bare ModuleNotFoundError."""
    done = _without(hidden, tmp_path, "-c", f"import {module}")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == message


def test_the_import_error_is_catchable_as_import_error(tmp_path: Path) -> None:
    """Code that guards `import eventline.spark` with `except ImportError` keeps working."""
    code = (
        "try:\n    import eventline.spark\n"
        "except ImportError as error:\n    print(type(error).__name__)\n"
    )
    done = _without("pyspark", tmp_path, "-c", code)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ImportError\n", "")


@pytest.mark.parametrize("hidden", ["pyarrow", "duckdb"])
def test_validate_a_dataset_without_the_parquet_extra_says_what_to_install(
    tmp_path: Path, hidden: str
) -> None:
    """A clear line and exit 1, no traceback."""
    parquet.write_dataset(valid_doc(), tmp_path / "ds")
    done = _without(hidden, tmp_path, "-m", "eventline", "validate", "ds")
    module = "parquet" if hidden == "pyarrow" else "duckdb_check"
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        f"ds: a Parquet dataset: eventline.{module} {PARQUET}\n",
        "",
    )


def test_import_of_a_dataset_without_pyarrow_says_what_to_install(tmp_path: Path) -> None:
    """eventline import DIR: the same message, exit 1, and no data file written."""
    parquet.write_dataset(valid_doc(), tmp_path / "ds")
    done = _without("pyarrow", tmp_path, "-m", "eventline", "import", "ds", "--data", "out.json")
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        f"ds: eventline.parquet {PARQUET}\n",
        "",
    )
    assert not (tmp_path / "out.json").exists()


def test_export_parquet_without_the_extra_says_what_to_install(tmp_path: Path) -> None:
    """eventline export --format parquet: the same message, exit 1, nothing written."""
    done = _without(
        "pyarrow", tmp_path, "-m", "eventline", "export", "--format", "parquet", "-o", "ds"
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        f"--format parquet: eventline.parquet {PARQUET}\n",
        "",
    )
    assert not (tmp_path / "ds").exists()


def test_validate_an_empty_folder_says_what_a_dataset_holds(run: Run, tmp_path: Path) -> None:
    """A folder given to validate is a dataset: the message lists its files; exit 1."""
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == f"{tmp_path}: {NOT_A_DATASET}\n"


def test_import_of_an_empty_folder_says_what_a_dataset_holds(run: Run, tmp_path: Path) -> None:
    """The same message from import, and no data file written."""
    (tmp_path / "in").mkdir()
    out = tmp_path / "out.json"
    result = run("import", str(tmp_path / "in"), "--data", str(out))
    assert result.exit_code == 1
    assert result.output == f"{tmp_path / 'in'}: {NOT_A_DATASET}\n"
    assert not out.exists()


@pytest.mark.parametrize("command", ["validate", "import"])
def test_an_empty_folder_is_not_a_dataset_even_without_the_extra(
    tmp_path: Path, command: str
) -> None:
    """A mistyped folder is named as such, not met with an install hint."""
    (tmp_path / "in").mkdir()
    more = ["--data", "out.json"] if command == "import" else []
    done = _without("pyarrow", tmp_path, "-m", "eventline", command, "in", *more)
    assert (done.returncode, done.stdout, done.stderr) == (1, f"in: {NOT_A_DATASET}\n", "")
