"""Long operations show progress on a terminal, and never in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import generate


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid file over the 32 MB progress threshold."""
    path = tmp_path_factory.mktemp("large") / "events.json"
    generate.write(40_000, path)
    assert path.stat().st_size > 32 * 1024 * 1024
    return path


def _stderr_on_a_terminal(args: list[str]) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventline", *args], stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal(large_file):
    """validate of a large file draws click's progress bar on a terminal's stderr."""
    err = _stderr_on_a_terminal(["validate", str(large_file)])
    assert f"checking {large_file}" in err
    assert "100%" in err
    assert err.rstrip().endswith(f"{large_file}: ok")


def test_no_progress_in_a_pipe(large_file):
    """In a pipe (CI logs) stderr has only the result line."""
    result = subprocess.run(
        [sys.executable, "-m", "eventline", "validate", str(large_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == f"{large_file}: ok\n"
