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


def test_large_commands_end_at_once_with_their_whole_output(large_file, tmp_path, run):
    """After loading a large timeline the console script ends without freeing it
    (os._exit), yet its whole output arrives through a pipe, the page is whole
    and the library's bytes, and the exit status is the command's: the same as
    the CLI run in-process, which exits normally."""
    from eventline import load, render

    def piped(*args: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-m", "eventline", *args], capture_output=True, text=True
        )
        return done.returncode, done.stdout + done.stderr

    page = tmp_path / "page.html"
    assert piped("render", "--data", str(large_file), "-o", str(page)) == (
        0,
        f"{page}: 40000 events drawn\n",
    )
    assert page.read_text(encoding="utf-8") == render.to_html(load(large_file))
    for args in (["list"], ["show", "no-such-event"]):
        in_process = run(*args, "--data", str(large_file))
        assert piped(*args, "--data", str(large_file)) == (
            in_process.exit_code,
            in_process.output.replace("'cli ", "'eventline ").replace(": cli ", ": eventline "),
        )
    listing = run("list", "--data", str(large_file)).output.splitlines()
    assert (len(listing), listing[-1]) == (1 + 40_000 + 1, "40000 events")
