"""The Parquet form of the format, and the rules run on it by DuckDB (issue 16)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from pathlib import Path
from typing import Any

import pytest

import eventline
from eventline import io, parquet, rules
from eventline.duckdb_check import validate_dataset
from eventline.validate import check_document, check_placeholders
from tests.conftest import CASES, REPO, Run, write_json
from tests.planted import PLANTED_PROBLEMS, as_in_a_table, comparable, planted_faults

# The module (eventline.validate is also the name of a function).
validate_module = importlib.import_module("eventline.validate")

VALID_FILES = [REPO / "data" / "events.json", *sorted((CASES / "valid").glob("*.json"))]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("data", VALID_FILES, ids=lambda p: p.name)
def test_export_then_import_gives_the_data_file_back_byte_for_byte(
    run: Run, tmp_path: Path, data: Path
) -> None:
    """export --format parquet, then import: the same bytes as the data file."""
    result = run("export", "--format", "parquet", "--data", str(data), "-o", str(tmp_path / "ds"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.json"
    result = run("import", str(tmp_path / "ds"), "--data", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == data.read_bytes()


def test_export_writes_fixed_files_with_the_same_bytes_every_time(run: Run, tmp_path: Path) -> None:
    """Two exports of the same data: the same file names and the same bytes."""
    data = str(REPO / "data" / "events.json")
    for name in ("a", "b"):
        assert (
            run(
                "export", "--format", "parquet", "--data", data, "-o", str(tmp_path / name)
            ).exit_code
            == 0
        )
    first = _digests(tmp_path / "a")
    assert first == _digests(tmp_path / "b")
    years = sorted({e.date.lower.year for e in eventline.load(data)})
    assert sorted(first) == sorted(
        [
            "actors.parquet",
            "categories.parquet",
            "citations.parquet",
            "sources.parquet",
            "timeline.parquet",
            *(f"events/year={year:04d}/part-0.parquet" for year in years),
        ]
    )


def test_exporting_again_replaces_the_dataset(
    run: Run, tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """A second export into the same folder replaces the first: no stale partitions."""
    data = write_json(tmp_path / "d.json", small_doc)
    folder = tmp_path / "ds"
    assert (
        run("export", "--format", "parquet", "--data", str(data), "-o", str(folder)).exit_code == 0
    )
    result = run(
        "export", "--format", "parquet", "--data", str(data), "--to", "2014", "-o", str(folder)
    )
    assert result.exit_code == 0
    assert result.stderr == f"{folder}: 1 event exported as parquet\n"
    assert sorted(p.name for p in (folder / "events").iterdir()) == ["year=2014"]


def test_export_refuses_a_folder_that_is_not_a_dataset(run: Run, tmp_path: Path) -> None:
    """Nothing of a folder holding other files is deleted."""
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"meow")
    result = run("export", "--format", "parquet", "-o", str(folder))
    assert result.exit_code == 1
    assert result.output == (
        f"{folder}: exists and is not an eventline Parquet dataset; choose a new or empty folder\n"
    )
    assert (folder / "cat.jpg").read_bytes() == b"meow"


def test_export_parquet_without_output_is_a_usage_error(run: Run) -> None:
    """A dataset is a folder, so -o DIR is required."""
    result = run("export", "--format", "parquet")
    assert result.exit_code == 2
    assert "Error: --format parquet writes a folder: give it with -o DIR" in result.output


def test_events_table_has_the_documented_arrow_schema(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """The date as text plus earliest/latest date32, precision and qualifier; list columns."""
    import pyarrow.parquet as pq

    parquet.write_dataset(small_doc, tmp_path / "ds")
    schema = pq.read_schema(tmp_path / "ds" / "events" / "year=2025" / "part-0.parquet")
    assert [f"{f.name}: {f.type}" for f in schema] == [
        "id: string",
        "title: string",
        "date: string",
        "earliest: date32[day]",
        "latest: date32[day]",
        "precision: string",
        "qualifier: string",
        "category: string",
        "summary: string",
        "actors: list<element: string>",
        "places: list<element: string>",
        "tags: list<element: string>",
    ]
    assert schema.metadata is None or b"created" not in b"".join(schema.metadata)


def test_events_are_hive_partitioned_by_the_year_of_their_earliest_day(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """DuckDB reads year from the folder names; open ends have a null latest day."""
    import duckdb

    parquet.write_dataset(small_doc, tmp_path / "ds")
    rows = duckdb.execute(
        "SELECT year, id, date, earliest, latest, precision, qualifier"
        " FROM read_parquet(?, hive_partitioning = true)",
        [f"{tmp_path}/ds/events/*/*.parquet"],
    ).fetchall()
    assert rows == [
        (2014, "annexation", "2014", dt.date(2014, 1, 1), dt.date(2014, 12, 31), "year", None),
        (2022, "invasion", "2022-02", dt.date(2022, 2, 1), dt.date(2022, 2, 28), "month", None),
        (2022, "war", "2022-02-24/..", dt.date(2022, 2, 24), None, "day", None),
        (2025, "call", "2025-02-12", dt.date(2025, 2, 12), dt.date(2025, 2, 12), "day", None),
        (
            2025,
            "conference",
            "2025-02-14/2025-02-16",
            dt.date(2025, 2, 14),
            dt.date(2025, 2, 16),
            "day",
            None,
        ),
    ]


def test_a_large_table_is_written_in_row_groups_an_engine_can_share_out(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """Past 122,880 rows (DuckDB's row group size) a table is split, so threads share its scan."""
    import pyarrow.parquet as pq

    event = small_doc["events"][0]
    event["citations"] = [dict(event["citations"][0])] * (parquet.ROW_GROUP_SIZE + 1)
    rows = sum(len(e["citations"]) for e in small_doc["events"])
    parquet.write_dataset(small_doc, tmp_path / "ds")
    meta = pq.ParquetFile(tmp_path / "ds" / "citations.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [122_880, rows - 122_880]
    assert validate_dataset(tmp_path / "ds") == []


def test_import_into_a_broken_data_file_reports_it_and_leaves_it_alone(
    run: Run, tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """An existing data file that is not valid is never replaced by an import."""
    parquet.write_dataset(small_doc, tmp_path / "ds")
    out = tmp_path / "events.json"
    out.write_text("mine\n")
    result = run("import", str(tmp_path / "ds"), "--data", str(out))
    assert result.exit_code == 1
    assert result.output == f"{out}: line 1, column 1: invalid JSON: Expecting value\n"
    assert out.read_text() == "mine\n"


def test_import_adds_a_dataset_to_an_existing_data_file(
    run: Run, tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """Importing a dataset exported from a data file into that file changes nothing."""
    out = tmp_path / "events.json"
    out.write_bytes(io.canonical_bytes(io.canonical_document(small_doc)))
    before = out.read_bytes()
    parquet.write_dataset(small_doc, tmp_path / "ds")
    assert run("import", str(tmp_path / "ds"), "--data", str(out)).exit_code == 0
    assert out.read_bytes() == before


def test_import_of_an_invalid_dataset_reports_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    """The rules run on what was read, located as `validate DIR` locates them (by
    table and id, no JSON index); nothing is written on a problem."""
    parquet.write_dataset(planted_faults(), tmp_path / "ds")
    out = tmp_path / "events.json"
    result = run("import", str(tmp_path / "ds"), "--data", str(out))
    assert result.exit_code == 1
    ds = tmp_path / "ds"
    assert result.output.splitlines() == [f"{ds}: {line}" for line in PLANTED_PROBLEMS]
    assert not out.exists()


def test_import_names_a_missing_table(run: Run, tmp_path: Path, small_doc: dict[str, Any]) -> None:
    """A dataset without one of its tables is refused, naming the table."""
    parquet.write_dataset(small_doc, tmp_path / "ds")
    (tmp_path / "ds" / "sources.parquet").unlink()
    result = run("import", str(tmp_path / "ds"), "--data", str(tmp_path / "out.json"))
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'ds'}: sources: missing table; expected the file sources.parquet\n"
    )


def test_validate_a_dataset_folder_locates_problems_by_table_and_id(
    run: Run, tmp_path: Path
) -> None:
    """eventline validate DIR runs the rules in DuckDB and words problems as for a file."""
    folder = tmp_path / "ds"
    parquet.write_dataset(planted_faults(), folder)
    result = run("validate", str(folder))
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{folder}: {line}" for line in PLANTED_PROBLEMS]


def test_validate_a_valid_dataset_folder(run: Run, tmp_path: Path) -> None:
    """A dataset exported from the shipped data is valid."""
    folder = tmp_path / "ds"
    assert run("export", "--format", "parquet", "-o", str(folder)).exit_code == 0
    result = run("validate", str(folder))
    assert result.exit_code == 0
    assert result.stderr == f"{folder}: ok\n"


def test_json_validator_and_duckdb_report_the_same_planted_faults(tmp_path: Path) -> None:
    """Same table, id, field, value and message from validate.py and from DuckDB."""
    doc = planted_faults()
    parquet.write_dataset(doc, tmp_path / "ds")
    from_json = sorted(map(comparable, check_document(doc, "x")), key=repr)
    from_duckdb = sorted(map(comparable, validate_dataset(tmp_path / "ds", "x")), key=repr)
    assert from_json == from_duckdb


def test_an_item_listed_three_times_is_reported_at_each_later_place_as_validate_py_does(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """Items listed twice and three times, beside one that is not a slug, in each list."""
    event = small_doc["events"][0]
    event["actors"] = ["putin", "putin", "Bad Slug", "putin", "Bad Slug"]
    event["places"] = ["Moscow", "Kyiv", "Moscow", "Kyiv", "Moscow"]
    event["tags"] = ["x", "y", "x", "y", "y"]
    parquet.write_dataset(small_doc, tmp_path / "ds")
    from_json = [as_in_a_table(p) for p in check_document(small_doc, "x")]
    from_duckdb = [comparable(p) for p in validate_dataset(tmp_path / "ds", "x")]
    assert sorted(filter(None, from_json), key=repr) == sorted(from_duckdb, key=repr)
    assert [p.field for p in validate_dataset(tmp_path / "ds", "x")] == [
        "actors[1]",
        "actors[2]",
        "actors[3]",
        "actors[4]",
        "places[2]",
        "places[3]",
        "places[4]",
        "tags[2]",
        "tags[3]",
        "tags[4]",
    ]


@pytest.mark.parametrize("case", sorted((CASES / "invalid").glob("*.json")), ids=lambda p: p.stem)
def test_json_validator_and_duckdb_agree_on_every_case_a_dataset_can_hold(
    tmp_path: Path, case: Path
) -> None:
    """Every invalid case whose values are all strings: the same problems, except the
    JSON-only ones (duplicate or unknown keys, a present null) a table cannot hold."""
    import pyarrow as pa

    doc, problems = io.decode_document(case.read_bytes(), "x")
    if problems or not isinstance(doc, dict) or not _strings_only(doc):
        pytest.skip("not representable as a Parquet dataset")
    try:
        parquet.write_dataset(doc, tmp_path / "ds")
    except (TypeError, AttributeError, pa.ArrowException):
        pytest.skip("not representable as a Parquet dataset")
    json_only = (
        "appears more than once",
        "unknown key",
        'missing required key "events"',
        "must be an array",
        "must be an object",
    )
    # As `eventline validate` does: placeholder citations once nothing else is wrong.
    found = check_document(doc, "x") or check_placeholders(doc, "x")
    from_json = [
        as_in_a_table(p) for p in found if not any(text in p.message for text in json_only)
    ]
    from_duckdb = [comparable(p) for p in validate_dataset(tmp_path / "ds", "x")]
    assert sorted(filter(None, from_json), key=repr) == sorted(from_duckdb, key=repr)


def _strings_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_strings_only(v) for v in value.values())
    if isinstance(value, list):
        return all(_strings_only(v) for v in value)
    return value is None or (isinstance(value, str) and "\ud800" not in value)


def _case_strings() -> list[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                found.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and "\ud800" not in value:
            found.add(value)

    for path in [REPO / "data" / "events.json", *CASES.rglob("*.json")]:
        doc, problems = io.decode_document(path.read_bytes(), "x")
        if not problems:
            walk(doc)
    extra = [
        "",
        " ",
        "a\tb",
        "tab\t",
        "\u00a0lead",
        "x\u2028",
        "ok\n",
        "line\nbreak",
        "a\x7fb",
        "a\u0085b",
        "a\u200bb",
        "\u2066x",
        "2024-02-29",
        "2023-02-29",
        "2000-02-29",
        "1900-02-29",
        "2025-04-31",
        "2025-00",
        "2025-01-00",
        "2014/2014-03",
        "2014-03/2014",
        "2015/2014-12",
        "2025-02-12?/2025-02-13~",
        "2025/..",
        "2025/",
        "2025-01/2025-02-30",
        "0001-01-01",
        "9999-12-31",
        "https://a",
        "http://a b",
        "https://x/\u3000",
        "HTTPS://a",
        "Q1",
        "Q01",
        "#ABCDEF",
        "#abcdeg",
        "a--b",
        "a-",
        "x" * 501,
        "y" * 300,
        'say "no" twice',
        "it's",
        "back\\slash",
        "a\\x27b",
        "caf\u00e9",
        "\u201cquoted\u201d",
        "a\u00a0b",
        "a\u0090b",
        *(f"a{chr(code)}b" for code in range(0x20)),
    ]
    return sorted(found | set(extra))


@pytest.mark.parametrize("kind", sorted(rules._CHECKS))
def test_each_rules_sql_predicate_agrees_with_validate_py(kind: str) -> None:
    """On every string of the test cases, the SQL predicate is true exactly when
    validate.py's check finds a problem (so the message it gives is the one shown)."""
    from eventline.duckdb_check import connect

    check, sql = rules._CHECKS[kind]
    values = _case_strings()
    with connect() as con:
        con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
        flagged = dict(con.execute(f"SELECT i, {sql('v')} FROM t").fetchall())  # noqa: S608
    disagree = [
        (value, flagged[i], check(value))
        for i, value in enumerate(values)
        if flagged[i] != (check(value) is not None)
    ]
    assert disagree == []


def test_duckdbs_plain_text_test_passes_no_character_the_text_rules_look_for() -> None:
    """DuckDB skips the text pattern only for texts it clears, and it clears none
    holding a control character, nor one starting or ending with whitespace."""
    from eventline.duckdb_check import connect

    looked_for = [
        chr(code)
        for code in range(0x3100)
        if not 0xD800 <= code <= 0xDFFF
        and (validate_module.CONTROL_RE.fullmatch(chr(code)) or chr(code).isspace())
    ]
    # Each also beside a straight double quote, which sends DuckDB's test down its other branch.
    texts = [
        text for c in looked_for for text in (f"a{c}b", f"{c}ab", f"ab{c}", f'a"{c}b', f'"{c}ab"')
    ]
    with connect() as con:
        con.execute("CREATE TABLE t (v VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [[text] for text in texts])
        cleared = con.execute(
            f"SELECT v FROM t WHERE {rules.PLAIN_TEXT}(v)"  # noqa: S608
        ).fetchall()
        plain = con.execute(
            f"SELECT {rules.PLAIN_TEXT}('Talks in Riyadh: \"no\" to it, Europe''s plan')"
        ).fetchone()
    inner_space = sorted(['" ab"', 'a" b', "a b"])
    assert sorted(v for (v,) in cleared) == inner_space
    assert plain == (True,)


def test_the_rule_table_words_bidi_controls_as_validate_py() -> None:
    """The rule for text fields gives validate.py's bidirectional-control message."""
    rule = rules.BY_ID["events.title"]
    assert rule.message("Talks \u202eevenue", None, {}) == (
        "contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE), which can change "
        "how the text around it reads (Trojan Source); remove it"
    )
    assert rule.check is validate_module._LINE


def test_a_citation_of_the_placeholder_source_is_a_problem(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """One problem per citation of "source-needed", worded as validate.py words it."""
    doc = small_doc
    doc["sources"] = [{"id": "source-needed", "title": "Source needed"}]
    for event in doc["events"]:
        event["citations"] = [{"source": "source-needed"}]
    parquet.write_dataset(doc, tmp_path / "ds")
    problems = validate_dataset(tmp_path / "ds", "x")
    event_id = doc["events"][0]["id"]
    assert str(problems[0]) == (
        f'x: events (id "{event_id}"): citations[0].source "source-needed": cites the '
        'placeholder source left by "eventline import"; declare the real source and cite it instead'
    )
    assert len(problems) == len(doc["events"])


def test_placeholder_citations_wait_until_nothing_else_is_wrong(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """As validate.py: a file still to be sourced shows its other problems first."""
    small_doc["sources"].append({"id": "source-needed", "title": "Source needed"})
    small_doc["events"][0]["citations"] = [{"source": "source-needed"}]
    small_doc["events"][0]["title"] = " Annexation"
    parquet.write_dataset(small_doc, tmp_path / "ds")
    assert [str(p) for p in validate_dataset(tmp_path / "ds", "x")] == [
        'x: events (id "annexation"): title " Annexation": has spaces or line breaks '
        "at the start or end; remove them"
    ]


def test_date_columns_that_disagree_with_the_date_are_a_problem(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """An engine filters on earliest/latest: a dataset whose columns lie is invalid."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet.write_dataset(small_doc, tmp_path / "ds")
    part = tmp_path / "ds" / "events" / "year=2014" / "part-0.parquet"
    table = pq.read_table(part)
    index = table.schema.get_field_index("latest")
    table = table.set_column(index, "latest", pa.array([dt.date(2014, 6, 30)], pa.date32()))
    pq.write_table(table, part)
    assert [str(p) for p in validate_dataset(tmp_path / "ds", "x")] == [
        'x: events (id "annexation"): date "2014": earliest, latest, precision or qualifier '
        "does not agree with this date; write them as eventline.parquet.date_columns gives them"
    ]


def test_validate_names_a_missing_column(tmp_path: Path, small_doc: dict[str, Any]) -> None:
    """A table without a column of the format is reported before any rule runs."""
    import pyarrow.parquet as pq

    parquet.write_dataset(small_doc, tmp_path / "ds")
    path = tmp_path / "ds" / "categories.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["label"]), path)
    assert [str(p) for p in validate_dataset(tmp_path / "ds", "x")] == [
        'x: categories: missing column "label"'
    ]


def test_source_text_with_a_dataset_is_a_usage_error(
    run: Run, tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """--source-text is not checked on a dataset: exit 2 saying so, never "ok"."""
    parquet.write_dataset(small_doc, tmp_path / "ds")
    text = tmp_path / "article.txt"
    text.write_text("nothing quoted here", encoding="utf-8")
    result = run("validate", str(tmp_path / "ds"), "--source-text", f"article={text}")
    assert result.exit_code == 2
    assert (
        "Error: --source-text applies to JSON data files, not to a Parquet dataset"
        f" (a folder: {tmp_path / 'ds'}); import it into a data file"
        " (eventline import DIR --data FILE) and check that"
    ) in " ".join(result.output.split())


def test_validate_of_one_parquet_file_asks_for_the_dataset_folder(
    run: Run, tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """One file of a dataset is not a data file: said so, not "byte 0x.. is not UTF-8"."""
    parquet.write_dataset(small_doc, tmp_path / "ds")
    part = tmp_path / "ds" / "events" / "year=2014" / "part-0.parquet"
    result = run("validate", str(part))
    assert result.exit_code == 1
    assert result.output == (
        f"{part}: is a Parquet file, not a JSON data file; a Parquet dataset is read"
        " whole: give its folder (the one holding timeline.parquet and events/)\n"
    )


def test_a_missing_path_or_a_file_is_not_called_a_folder(
    tmp_path: Path, small_doc: dict[str, Any]
) -> None:
    """validate_dataset of nothing or of a file says what is there."""
    data = write_json(tmp_path / "d.json", small_doc)
    assert [str(p) for p in validate_dataset(tmp_path / "none", "x")] == [
        "x: no such file or folder; check the path"
    ]
    assert [str(p) for p in validate_dataset(data, "x")] == [
        "x: is a file, not a Parquet dataset; give the dataset's folder, which holds"
        " timeline.parquet, categories.parquet, actors.parquet, sources.parquet,"
        " citations.parquet and the folder events/ (events/year=YYYY/*.parquet)"
    ]
