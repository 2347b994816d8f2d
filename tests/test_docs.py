"""README.md tells the truth: its commands exist, its examples run, CI runs its test command."""

from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest

from eventline.cli import cli
from eventline.project import init_project

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
BLOCKS = [(lang, body) for lang, body in FENCE.findall(README)]


def _sh_blocks() -> list[str]:
    return [body.strip() for lang, body in BLOCKS if lang == "sh"]


def test_readme_gives_the_two_commands():
    """One command installs and renders; one installs and passes the tests."""
    render_cmd, test_cmd = _sh_blocks()[:2]
    assert render_cmd.endswith("eventline render")
    assert "pip install ." in render_cmd
    assert 'pip install -e ".[test]"' in test_cmd
    assert "pytest" in test_cmd


def test_ci_runs_exactly_the_readme_test_command():
    """.ci/run runs README's test command verbatim, on a line of its own."""
    test_cmd = _sh_blocks()[1]
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_cmd in lines


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    """Each command appears in the README and has help text."""
    assert f"eventline {command}" in README
    assert cli.commands[command].help


CONSOLE = [body for lang, body in BLOCKS if lang == "console"]


@pytest.mark.parametrize("block", CONSOLE, ids=lambda b: b.splitlines()[0])
def test_console_examples_print_what_the_readme_shows(block, run, monkeypatch, tmp_path):
    """Each `$ eventline ...` example, run in the repository, prints the lines shown."""
    command, *expected = block.rstrip("\n").splitlines()
    args = shlex.split(command.removeprefix("$ "))[1:]
    if args[0] == "render":
        monkeypatch.chdir(tmp_path)
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "events.json").write_bytes((REPO / "data/events.json").read_bytes())
    elif args[0] in ("init", "import"):
        # A fresh project, with the sample files the import examples name.
        monkeypatch.chdir(tmp_path)
        if args[0] == "import":
            init_project(tmp_path)
            for sample in (REPO / "tests/cases/import").iterdir():
                (tmp_path / sample.name).write_bytes(sample.read_bytes())
    else:
        monkeypatch.chdir(REPO)
    result = run(*args)
    assert result.exit_code == 0
    assert result.output.splitlines() == expected


PYTHON = [body for lang, body in BLOCKS if lang == "python"]


@pytest.mark.parametrize("code", PYTHON, ids=lambda b: b.splitlines()[2])
def test_python_example_prints_what_the_readme_shows(code, monkeypatch):
    """Each Python example runs as written and prints the text shown after it."""
    after = README.split(code, 1)[1]
    shown = FENCE.search(after)
    assert shown is not None
    monkeypatch.chdir(REPO)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    assert out.getvalue() == shown.group(2)


def test_problem_lines_shown_are_real():
    """The example problem lines are what validate prints for that case file."""
    section = README.split("A broken file gives lines like these", 1)[1]
    shown = FENCE.search(section)
    assert shown is not None
    expected = (REPO / "tests/cases/invalid/dates.expected").read_text(encoding="utf-8")
    for line in shown.group(2).splitlines():
        assert line in expected.splitlines()
