"""The eventline command, through CliRunner and as a real process."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import eventline
from eventline import io

from .conftest import REPO, write_json


class TestValidate:
    def test_shipped_dataset_is_valid(self, run, monkeypatch, tmp_path):
        """With no ./data/events.json, validate checks the packaged dataset."""
        monkeypatch.chdir(tmp_path)
        result = run("validate")
        assert result.exit_code == 0
        assert result.stdout == ""
        assert result.stderr == f"{io.packaged_data_path()}: ok\n"

    def test_default_is_the_local_data_file(self, run, monkeypatch, tmp_path, small_file):
        """In a project folder, validate checks ./data/events.json."""
        (tmp_path / "data").mkdir()
        small_file.rename(tmp_path / "data" / "events.json")
        monkeypatch.chdir(tmp_path)
        result = run("validate")
        assert result.stderr == "data/events.json: ok\n"

    def test_several_files_report_each(self, run, tmp_path, small_file):
        """Like a pre-commit hook: every file is checked, exit 1 if any fails."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"title": "x"}\n')
        result = run("validate", str(small_file), str(bad))
        assert result.exit_code == 1
        assert result.stdout == f'{bad}: missing required key "events"\n'
        assert result.stderr == f"{small_file}: ok\n"

    def test_quotes_are_checked_against_the_source_text(self, run, tmp_path, small_file):
        """--source-text names each quote that is not in the source's text."""
        text = tmp_path / "article.txt"
        text.write_text("The two leaders spoke \n  separately on Wednesday.\n")
        result = run("validate", str(small_file), "--source-text", f"article={text}")
        assert result.exit_code == 0, result.stdout
        text.write_text("They talked.\n")
        result = run("validate", str(small_file), "--source-text", f"article={text}")
        assert result.exit_code == 1
        assert result.stdout == (
            f'{small_file}: events[3] (id "call"): citations[0].quote "spoke separately": '
            'quote is not in the text of source "article"; copy it verbatim from the source\n'
        )

    def test_typographic_quotes_and_dashes_are_normalised(self, run, tmp_path, small_doc):
        """A quote typed with straight quotes matches a source with curly ones, and dashes alike."""
        small_doc["events"][3]["citations"][0]["quote"] = '"it\'s" -- no - it is'
        path = write_json(tmp_path / "events.json", small_doc)
        path.write_text(io.dumps(eventline.load(path)))
        text = tmp_path / "a.txt"
        text.write_text("\u201cit\u2019s\u201d \u2014\u2014 no \u2013 it\nis")
        assert run("validate", str(path), "--source-text", f"article={text}").exit_code == 0
        text.write_text("\u201cit\u2019s\u201d no \u2013 it\nis")
        assert run("validate", str(path), "--source-text", f"article={text}").exit_code == 1

    def test_bad_source_text_option_is_a_usage_error(self, run, tmp_path, small_file):
        """A malformed or unreadable --source-text is exit 2 with a hint."""
        result = run("validate", str(small_file), "--source-text", "article")
        assert result.exit_code == 2
        assert "'article' is not SOURCE_ID=PATH" in result.stderr
        result = run("validate", str(small_file), "--source-text", f"article={tmp_path}/none.txt")
        assert result.exit_code == 2
        assert "cannot read" in result.stderr


class TestFmt:
    def test_fmt_sorts_and_formats_then_is_stable(self, run, tmp_path, small_doc):
        """fmt writes canonical order and formatting; a second run changes nothing."""
        small_doc["events"].reverse()
        path = tmp_path / "events.json"
        path.write_text(json.dumps(small_doc))
        result = run("fmt", str(path))
        assert result.exit_code == 0
        assert result.stderr == f"{path}: reformatted\n"
        first = path.read_bytes()
        assert [e["id"] for e in json.loads(first)["events"]] == [
            "annexation",
            "invasion",
            "war",
            "call",
            "conference",
        ]
        assert first.endswith(b"}\n")
        assert b'\n  "title": "Small",\n' in first
        result = run("fmt", str(path))
        assert result.stderr == f"{path}: already canonical\n"
        assert path.read_bytes() == first
        assert run("validate", str(path)).exit_code == 0

    def test_fmt_check_names_the_file_and_changes_nothing(self, run, tmp_path, small_doc):
        """fmt --check exits 1 and names a non-canonical file without touching it."""
        path = tmp_path / "events.json"
        path.write_text(json.dumps(small_doc))
        before = path.read_bytes()
        result = run("fmt", "--check", str(path))
        assert result.exit_code == 1
        assert result.stdout == f'{path}: not canonical; run "eventline fmt {path}"\n'
        assert path.read_bytes() == before

    def test_fmt_refuses_an_invalid_file(self, run, tmp_path, small_doc):
        """An invalid file is reported and left byte for byte as it was."""
        small_doc["events"][0]["date"] = "2025-02-30"
        path = tmp_path / "events.json"
        path.write_text(json.dumps(small_doc))
        before = path.read_bytes()
        result = run("fmt", str(path))
        assert result.exit_code == 1
        assert "day is out of range for month" in result.stdout
        assert path.read_bytes() == before

    def test_fmt_keeps_the_files_permissions(self, run, tmp_path, small_doc):
        """Rewriting keeps the mode of the file it replaces."""
        path = tmp_path / "events.json"
        path.write_text(json.dumps(small_doc))
        path.chmod(0o640)
        run("fmt", str(path))
        assert path.stat().st_mode & 0o777 == 0o640

    def test_fmt_leaves_no_temporary_files(self, run, tmp_path, small_doc):
        """The temporary file is renamed into place, not left behind."""
        path = tmp_path / "events.json"
        path.write_text(json.dumps(small_doc))
        run("fmt", str(path))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["events.json"]

    def test_fmt_without_files_needs_a_local_data_file(self, run, monkeypatch, tmp_path):
        """fmt never rewrites the installed package's data: no FILES and no ./data is exit 2."""
        monkeypatch.chdir(tmp_path)
        result = run("fmt")
        assert result.exit_code == 2
        assert "no FILES given and ./data/events.json does not exist" in result.stderr


def test_schema_prints_the_shipped_schema(run):
    """schema prints a draft 2020-12 JSON Schema that accepts the shipped data."""
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(io.packaged_data_path().read_text("utf-8")), schema)


class TestList:
    def test_list_prints_a_readable_table(self, run, small_file):
        """Dates as people read them, category label, title, in canonical order."""
        result = run("list", "--data", str(small_file))
        assert result.exit_code == 0
        assert result.stdout == (
            "DATE                        CATEGORY   TITLE\n"
            "2014                        Military   Annexation\n"
            "February 2022               Military   Invasion\n"
            "24 February 2022 – ongoing  Military   War\n"
            "12 February 2025            Diplomacy  Call\n"
            "14–16 February 2025         Diplomacy  Conference\n"
        )
        assert result.stderr == "5 events\n"

    def test_list_filters(self, run, small_file):
        """--from/--to keep overlapping spans; repeated options mean any of them."""
        result = run("list", "--data", str(small_file), "--from", "2023", "--to", "2025-02-13")
        assert [line.split("  ")[-1].strip() for line in result.stdout.splitlines()[1:]] == [
            "War",
            "Call",
        ]
        result = run("list", "--data", str(small_file), "--tag", "territory", "--tag", "phone-call")
        assert [line.split("  ")[-1].strip() for line in result.stdout.splitlines()[1:]] == [
            "Annexation",
            "Call",
        ]
        result = run(
            "list", "--data", str(small_file), "--actor", "trump", "--category", "diplomacy"
        )
        assert [line.split("  ")[-1].strip() for line in result.stdout.splitlines()[1:]] == ["Call"]

    def test_loaded_records_skip_the_collector_only_while_the_command_runs(
        self, run, small_file, monkeypatch
    ):
        """A command that loads data keeps the records out of the cyclic garbage
        collector's passes while it runs, and leaves the collector as it found it."""
        from eventline import cli

        frozen = []
        table = cli._table
        monkeypatch.setattr(
            cli, "_table", lambda rows: frozen.append(gc.get_freeze_count()) or table(rows)
        )
        before = gc.get_freeze_count()
        assert run("list", "--data", str(small_file)).exit_code == 0
        assert len(frozen) == 1
        assert frozen[0] > before
        assert gc.get_freeze_count() == before

    def test_a_bad_date_option_is_a_usage_error(self, run, small_file):
        """--from with a value outside the grammar is exit 2 with the reason."""
        result = run("list", "--data", str(small_file), "--from", "2025-02-30")
        assert result.exit_code == 2
        assert "'2025-02-30' day is out of range for month" in result.stderr

    def test_list_of_an_invalid_file_prints_problems(self, run, tmp_path):
        """Commands that read data report its problems and exit 1, no traceback; on
        stderr, since their stdout is the data (a redirect must not capture them)."""
        path = tmp_path / "bad.json"
        path.write_text("[]")
        for command in (["list"], ["show", "x"], ["export", "--format", "ics"]):
            result = run(*command, "--data", str(path))
            assert result.exit_code == 1
            assert result.stdout == ""
            assert result.stderr == f"{path}: the top level must be a JSON object, not an array\n"


@pytest.mark.parametrize("halves", [False, True])
def test_a_filter_id_the_data_lacks_is_a_usage_error(
    run, small_file, tmp_path, monkeypatch, halves
):
    """--category or --actor with an id the data does not declare (a typo) is exit 2
    naming the known ids, for list, export (streamed or not) and render, rather than
    an empty result; an unknown tag (tags are free) still selects nothing."""
    from eventline import quick

    if halves:  # as a large file: proved and exported in two processes
        monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    data = ["--data", str(small_file)]
    for command in (
        ["list"],
        ["export", "--format", "csv"],
        ["export", "--format", "ics", "-o", str(tmp_path / "x.ics")],
        ["export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")],
        ["render", "-o", str(tmp_path / "x.html")],
    ):
        result = run(*command, *data, "--category", "diplomcy")
        assert result.exit_code == 2
        assert result.stderr.endswith(
            "Error: --category 'diplomcy': the data has no category of that id "
            "(category ids: diplomacy, military)\n"
        )
        result = run(*command, *data, "--actor", "trupm")
        assert result.exit_code == 2
        assert "--actor 'trupm': the data has no actor of that id (actor ids: putin, trump)" in (
            result.stderr
        )
    assert [p.name for p in tmp_path.iterdir()] == [small_file.name]  # nothing written
    assert run("list", *data, "--tag", "no-such-tag").stdout == "DATE  CATEGORY  TITLE\n"


class TestShow:
    def test_show_prints_one_event_in_full(self, run, small_file):
        """show gives every field and each citation with its source."""
        result = run("show", "call", "--data", str(small_file))
        assert result.exit_code == 0
        assert result.stdout == (
            "Call\n"
            "  id:        call\n"
            "  date:      12 February 2025 (2025-02-12)\n"
            "  category:  Diplomacy\n"
            "  actors:    Donald Trump, Vladimir Putin\n"
            "  places:    Washington, Moscow\n"
            "  tags:      phone-call\n"
            "\n"
            "  They spoke.\n"
            "\n"
            "  Sources:\n"
            "  - An article (A wire, 13 February 2025)\n"
            "    https://example.org/article\n"
            "    \u201cspoke separately\u201d\n"
        )

    def test_show_unknown_id_is_a_usage_error(self, run, small_file):
        """An unknown id is exit 2 and points to `eventline list`."""
        result = run("show", "nope", "--data", str(small_file))
        assert result.exit_code == 2
        assert "no event has the id 'nope'; `eventline list` shows them" in result.stderr


def test_help_lists_the_commands(run):
    """--help names every command with its one-line description."""
    result = run("--help")
    for command in ("validate", "fmt", "schema", "list", "show"):
        assert f"  {command} " in result.stdout


def test_python_m_eventline_is_the_same_cli(tmp_path):
    """`python -m eventline` runs the same commands as the console script."""
    result = subprocess.run(
        [sys.executable, "-m", "eventline", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith(": ok\n")
    console = subprocess.run(
        [Path(sys.executable).with_name("eventline"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert console.stdout == f"eventline, version {eventline.__version__}\n"


def test_no_traceback_for_any_case_file(tmp_path):
    """Every bad case file, through the real process, ends in exit 1 and no traceback."""
    files = sorted(str(p) for p in (REPO / "tests/cases/invalid").glob("*.json"))
    result = subprocess.run(
        [sys.executable, "-m", "eventline", "validate", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_an_ambiguous_date_in_a_filter_names_no_option_the_command_lacks(run):
    """`--from 02/03/2025` says how to write it; only `add` has --dayfirst/--monthfirst."""
    result = run("list", "--from", "02/03/2025")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--from': '02/03/2025' is ambiguous (day first or month "
        "first?); write 2025-03-02 or 2025-02-03\n"
    )
