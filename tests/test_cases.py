"""Case files: each invalid file beside the exact problem lines it must produce."""

from __future__ import annotations

import json

import jsonschema
import pytest

import eventline

from .conftest import CASES, REPO

VALID = sorted((CASES / "valid").glob("*.json"))
INVALID = sorted((CASES / "invalid").glob("*.json"))
SCHEMA = json.loads((REPO / "src/eventline/schema.json").read_text(encoding="utf-8"))

# Rules beyond what a JSON Schema can say: uniqueness, references, the calendar,
# duplicate keys (a decoder keeps one), lone surrogates (regex engines disagree
# on them), and the canonical form of the file.
NOT_FOR_A_SCHEMA = {
    "surrogate",
    "byte-order-mark",
    "dangling-references",
    "duplicate-ids",
    "duplicate-keys",
    "missing-trailing-newline",
    "not-canonical-format",
    "not-canonical-order",
    "placeholder-source",
}
NOT_JSON = {"empty", "whitespace-only", "truncated", "not-utf8"}


def test_every_invalid_case_has_its_expected_lines():
    """No case file is left without the lines it must produce."""
    for case in INVALID:
        assert case.with_suffix(".expected").is_file(), case.name


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_case_gives_exactly_its_problem_lines(case, run, monkeypatch):
    """`eventline validate` prints every problem of the file, one per line, and exits 1."""
    monkeypatch.chdir(case.parent)
    result = run("validate", case.name)
    assert result.exit_code == 1
    assert result.stdout == case.with_suffix(".expected").read_text(encoding="utf-8")
    assert result.stderr == ""


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_library_validate_returns_the_same_problems(case):
    """eventline.validate() returns Problem records that render to the CLI's lines."""
    problems = eventline.validate(case, name=case.name)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in problems] == expected


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_case_passes(case, run, monkeypatch):
    """A valid, canonical file gives exit 0 and no problem lines."""
    monkeypatch.chdir(case.parent)
    result = run("validate", case.name)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{case.name}: ok\n"


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_schema_accepts_valid_cases(case):
    """The JSON Schema agrees with validate on every valid case."""
    jsonschema.validate(json.loads(case.read_text(encoding="utf-8")), SCHEMA)


@pytest.mark.parametrize(
    "case",
    [c for c in INVALID if c.stem not in NOT_FOR_A_SCHEMA | NOT_JSON],
    ids=lambda p: p.stem,
)
def test_schema_rejects_what_it_can_express(case):
    """For rules a schema can express, an independent validator rejects the case too."""
    doc = json.loads(case.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert list(validator.iter_errors(doc)), case.name


def test_schema_rejects_each_bad_date_on_its_own():
    """Each malformed date of the dates case is refused by the schema pattern, one by one,
    except the impossible calendar day and the reversed interval, which need validate."""
    doc = json.loads((CASES / "invalid" / "dates.json").read_text(encoding="utf-8"))
    date_schema = {**SCHEMA["$defs"]["date"], "type": "string"}
    accepted = [
        e["id"]
        for e in doc["events"]
        if jsonschema.Draft202012Validator(date_schema).is_valid(e["date"])
    ]
    assert accepted == ["feb-30", "reversed"]


def test_problems_are_located_deep_in_a_large_file(tmp_path):
    """A problem in event 3,777 of 5,000 is reported there, with its id."""
    events = [
        {
            "id": f"e{i:05d}",
            "title": "An event",
            "date": "2025-02-12",
            "category": "c",
            "citations": [{"source": "s"}],
        }
        for i in range(5000)
    ]
    events[3777]["date"] = "2025-02-30"
    doc = {
        "title": "Big",
        "categories": [{"id": "c", "label": "C"}],
        "sources": [{"id": "s", "title": "S"}],
        "events": events,
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert [str(p) for p in eventline.validate(path, name="big.json")] == [
        'big.json: events[3777] (id "e03777"): date "2025-02-30": '
        "day is out of range for month (February 2025 has 28 days)"
    ]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path, run):
    """JSON nested past Python's recursion limit gives a problem line, not a traceback."""
    path = tmp_path / "deep.json"
    path.write_text('{"title": "x", "events": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == f"{path}: JSON is nested too deeply to read\n"


def test_a_ten_megabyte_string_is_reported_briefly(tmp_path):
    """A huge value is named by its start and length, not printed whole."""
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"title": "x" * 10_000_000, "events": []}), encoding="utf-8")
    (problem,) = eventline.validate(path, name="huge.json")
    assert str(problem) == (
        'huge.json: title "' + "x" * 80 + '…" (10,000,000 characters): '
        "is 10,000,000 characters long; the limit is 500"
    )


def test_directory_and_missing_path_are_problems(tmp_path, run):
    """A folder or a missing path gives a clear line and exit 1."""
    result = run("validate", str(tmp_path), str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tmp_path}: is a folder but not a Parquet dataset; a folder given to validate or"
        ' import must hold a dataset written by "eventline export --format parquet":'
        " timeline.parquet, categories.parquet, actors.parquet, sources.parquet,"
        " citations.parquet and the folder events/ (events/year=YYYY/*.parquet)\n"
        f"{tmp_path / 'nope.json'}: no such file; check the path\n"
    )


def test_case_files_are_small():
    """Case files stay readable (the big ones are generated by tests)."""
    assert all(p.stat().st_size < 10_000 for p in (CASES).rglob("*.json"))
