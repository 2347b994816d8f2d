"""Spreadsheets and TimelineJS in and out: `eventline export --format xlsx`, `eventline import`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

import eventline
from eventline.export.xlsx import SHEETS, to_xlsx
from eventline.importer import READERS, import_file

from .conftest import CASES, REPO, write_json
from .golden import check_golden

IMPORT_CASES = CASES / "import"


def _export(run, data: Path, out: Path) -> Path:
    result = run("export", "--format", "xlsx", "--data", str(data), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def _dump(workbook: bytes) -> str:
    """Every sheet of a workbook as text: layout, then each cell's value, type and format."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    lines = []
    for sheet in book.worksheets:
        widths = {k: v.width for k, v in sorted(sheet.column_dimensions.items())}
        lines.append(f"[{sheet.title}] freeze={sheet.freeze_panes} widths={widths}")
        for row in sheet.iter_rows():
            cells = [
                f"{c.coordinate}={c.value!r}:{c.data_type}"
                + (f":{c.number_format}" if c.is_date else "")
                for c in row
                if c.value is not None
            ]
            lines.append(" ".join(cells))
    return "\n".join(lines) + "\n"


class TestXlsxExport:
    def test_workbook_has_one_sheet_per_table_golden(self, small_file):
        """The small dataset's workbook matches its golden dump, cell by cell."""
        check_golden("small-export.xlsx.txt", _dump(to_xlsx(eventline.load(small_file))))

    def test_sheets_headers_and_frozen_rows(self, small_file):
        """Sheets come in table order, each with its header row frozen."""
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(eventline.load(small_file))))
        assert book.sheetnames == list(SHEETS)
        for sheet in book.worksheets:
            assert [c.value for c in sheet[1]] == list(SHEETS[sheet.title])
            assert sheet.freeze_panes == "A2"

    def test_dates_are_text_and_real_days(self, small_file):
        """date is the grammar's text; earliest and latest are spreadsheet dates, empty when open."""
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(eventline.load(small_file))))
        rows = {r[0]: r for r in book["events"].iter_rows(min_row=2, values_only=True)}
        assert rows["war"][2:5] == ("2022-02-24/..", dt.datetime(2022, 2, 24), None)
        assert rows["invasion"][2:5] == (
            "2022-02",
            dt.datetime(2022, 2, 1),
            dt.datetime(2022, 2, 28),
        )

    def test_same_data_gives_the_same_bytes(self, run, small_file, tmp_path):
        """Two exports of the same file, a second apart or not, are byte-identical."""
        first = _export(run, small_file, tmp_path / "a.xlsx").read_bytes()
        second = _export(run, small_file, tmp_path / "b.xlsx").read_bytes()
        assert first == second

    def test_text_that_looks_like_a_formula_stays_text(self, tmp_path, small_doc):
        """A title starting with "=" is stored as text, never as a formula."""
        small_doc["events"][0]["title"] = "=HYPERLINK(1)"
        path = write_json(tmp_path / "events.json", small_doc)
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(eventline.load(path))))
        cell = book["events"]["B2"]
        assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")

    def test_text_wider_than_its_column_wraps(self, tmp_path, small_doc):
        """A summary longer than the widest column wraps, so all of it can be read."""
        small_doc["events"][0]["summary"] = ("A long summary. " * 10).strip()
        path = write_json(tmp_path / "events.json", small_doc)
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(eventline.load(path))))
        sheet = book["events"]
        assert sheet.column_dimensions["G"].width == 60
        assert sheet["G2"].alignment.wrap_text is True
        assert sheet["B2"].alignment.wrap_text is not True  # a short title stays on one line

    def test_timeline_method_gives_the_same_workbook(self, small_file):
        """tl.to_xlsx() is the export's bytes, for notebooks."""
        timeline = eventline.load(small_file)
        assert timeline.to_xlsx() == to_xlsx(timeline)

    def test_xlsx_to_a_pipe_is_the_workbooks_bytes(self, run, small_file):
        """Without -o (and not on a terminal) the workbook's bytes go to the pipe as they are."""
        result = run("export", "--format", "xlsx", "--data", str(small_file))
        assert result.exit_code == 0
        assert result.stdout_bytes == to_xlsx(eventline.load(small_file))


class TestRoundTrip:
    def test_packaged_dataset_round_trips_byte_for_byte(self, run, tmp_path):
        """export --format xlsx, then import into a new file, gives the original file's bytes."""
        original = REPO / "data" / "events.json"
        workbook = _export(run, original, tmp_path / "events.xlsx")
        result = run("import", str(workbook), "--data", str(tmp_path / "new.json"))
        assert result.exit_code == 0, result.output
        assert (tmp_path / "new.json").read_bytes() == original.read_bytes()

    def test_small_dataset_round_trips_byte_for_byte(self, run, small_file, tmp_path):
        """Every date form, actors, places, tags and quotes survive the workbook."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        run("import", str(workbook), "--data", str(tmp_path / "new.json"))
        assert (tmp_path / "new.json").read_bytes() == small_file.read_bytes()

    def test_import_of_its_own_export_changes_nothing(self, run, small_file, tmp_path):
        """Importing a workbook into the file it came from reports nothing added or changed."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        before = small_file.read_bytes()
        result = run("import", str(workbook), "--data", str(small_file))
        assert result.stdout == f"{small_file}: now has 5 events (0 added, 0 changed)\n"
        assert small_file.read_bytes() == before


class TestXlsxImport:
    def test_an_edited_earliest_cell_is_noted_not_lost_silently(self, run, small_file, tmp_path):
        """earliest and latest follow date; an edit to them alone is named in a note."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        book = openpyxl.load_workbook(workbook)
        book["events"]["D2"] = dt.datetime(2014, 3, 1)
        book.save(workbook)
        before = small_file.read_bytes()
        result = run("import", str(workbook), "--data", str(small_file))
        assert result.exit_code == 0
        assert result.stderr == (
            f"{workbook}: events!D2 (earliest): 2014-03-01 was not read: earliest is worked "
            "out from date (2014, earliest 2014-01-01); to change it, edit date\n"
        )
        assert small_file.read_bytes() == before

    def test_edits_update_events_by_id_and_free_text_dates_are_read(
        self, run, small_file, tmp_path
    ):
        """A changed title and a free-text date update their event; a new row adds one."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        book = openpyxl.load_workbook(workbook)
        events = book["events"]
        events["B2"] = "Crimea annexed"
        events.append(["talks", "Talks", "Feb 18, 2025", None, None, "diplomacy"])
        book["citations"].append(["talks", "article", "talks in Riyadh"])
        book.save(workbook)
        result = run("import", str(workbook), "--data", str(small_file), "--dry-run")
        assert result.exit_code == 0
        assert result.stdout.splitlines() == [
            f'{small_file}: would change event "annexation" (title)',
            f'{small_file}: would add event "talks"',
            f"{small_file}: would have 6 events (1 added, 1 changed); nothing written (--dry-run)",
        ]
        run("import", str(workbook), "--data", str(small_file))
        timeline = eventline.load(small_file)
        assert timeline.get("annexation").title == "Crimea annexed"
        assert str(timeline.get("talks").date) == "2025-02-18"
        assert timeline.get("talks").citations[0].quote == "talks in Riyadh"
        assert eventline.validate(small_file) == []

    def test_a_row_deleted_in_the_workbook_is_kept_and_said(self, run, small_file, tmp_path):
        """Import never deletes: an event missing from a whole workbook stays, with a note."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        book = openpyxl.load_workbook(workbook)
        book["events"].delete_rows(3)
        book["citations"].delete_rows(3)
        book.save(workbook)
        before = small_file.read_bytes()
        result = run("import", str(workbook), "--data", str(small_file))
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            f'{workbook}: 1 event of {small_file} not in this file ("invasion") kept: import '
            "adds and updates, it never deletes; remove it from the data file itself\n"
        )
        assert small_file.read_bytes() == before

    def test_a_new_title_in_the_about_sheet_is_listed(self, run, small_file, tmp_path):
        """Changing the timeline's title in the workbook is said, with or without --dry-run."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        book = openpyxl.load_workbook(workbook)
        book["about"]["B2"] = "Bigger"
        book.save(workbook)
        result = run("import", str(workbook), "--data", str(small_file))
        assert result.stdout.splitlines() == [
            f"{small_file}: change the timeline's title",
            f"{small_file}: now has 5 events (0 added, 0 changed)",
        ]
        assert json.loads(small_file.read_text("utf-8"))["title"] == "Bigger"

    def test_dry_run_writes_nothing(self, run, small_file, tmp_path):
        """--dry-run leaves the target's bytes as they were, and creates no file."""
        workbook = _export(run, small_file, tmp_path / "events.xlsx")
        result = run("import", str(workbook), "--data", str(tmp_path / "new.json"), "--dry-run")
        assert result.exit_code == 0
        assert 'would add event "war"' in result.stdout
        assert not (tmp_path / "new.json").exists()

    def test_library_reports_what_would_change(self, small_file, tmp_path):
        """import_file returns the changes and the new text without writing on dry_run."""
        workbook = tmp_path / "events.xlsx"
        workbook.write_bytes(to_xlsx(eventline.load(small_file)))
        result = import_file(workbook, tmp_path / "new.json", dry_run=True)
        assert result.created
        assert result.events == 5
        assert result.text.encode("utf-8") == small_file.read_bytes()
        assert [str(c) for c in result.changes][:2] == [
            'add category "diplomacy"',
            'add category "military"',
        ]


def _broken_workbook(tmp_path: Path, small_file: Path, edit) -> Path:
    path = tmp_path / "events.xlsx"
    path.write_bytes(to_xlsx(eventline.load(small_file)))
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def _edit_cells(**cells):
    def edit(book):
        for where, value in cells.items():
            sheet, cell = where.split("_")
            book[sheet][cell] = value

    return edit


BAD_WORKBOOKS = {
    "bad-date": (
        _edit_cells(events_C2="Febtember 2025"),
        [
            "events.xlsx: events!C2 (date): 'Febtember 2025' could not be read as a date; write e.g. "
            "2025-02-12, 12 February 2025, February 2022 or 2014"
        ],
    ),
    "unknown-category": (
        _edit_cells(events_F2="militray"),
        [
            'events.xlsx: events!F2 (category): "militray": no category has this id; '
            'did you mean "military"?'
        ],
    ),
    "duplicate-id": (
        _edit_cells(events_A3="annexation"),
        [
            'events.xlsx: events!A3 (id): "annexation": the id is already used in row 2; '
            "ids must be unique",
            'events.xlsx: citations!A3 (event): "invasion": no event has this id in the events sheet',
        ],
    ),
    "empty-required-cell": (
        _edit_cells(events_B4=None),
        ["events.xlsx: events!B4 (title): is empty; every row needs a title"],
    ),
    "merged-cells": (
        lambda book: book["events"].merge_cells("G2:H2"),
        [
            "events.xlsx: events!G2:H2: merged cells; unmerge them so that each value has a "
            "cell of its own"
        ],
    ),
    "formula": (
        _edit_cells(events_B3="=UPPER(B2)"),
        [
            "events.xlsx: events!B3: is a formula (=UPPER(B2)); eventline reads values: "
            "type the value itself"
        ],
    ),
    "undeclared-source": (
        _edit_cells(citations_B2="artcle"),
        [
            'events.xlsx: citations!B2 (source): "artcle": no source has this id; '
            'did you mean "article"?'
        ],
    ),
    "id-not-a-slug": (
        _edit_cells(categories_A2="Diplomacy Desk", events_F5="Diplomacy Desk"),
        [
            'events.xlsx: events!F5 (category): "Diplomacy Desk": is not a slug: use lowercase '
            'letters a-z, digits and single hyphens, e.g. "trump-putin-call"',
            'events.xlsx: categories!A2 (id): "Diplomacy Desk": is not a slug: use lowercase '
            'letters a-z, digits and single hyphens, e.g. "diplomacy-desk"',
        ],
    ),
    "empty-id": (
        _edit_cells(events_A6=None),
        [
            "events.xlsx: events!A6 (id): is empty; every row needs an id",
            'events.xlsx: citations!A6 (event): "conference": no event has this id in the '
            "events sheet",
        ],
    ),
    "event-without-a-citation-row": (
        lambda book: book["events"].append(
            ["talks", "Talks", "2025-02-18", None, None, "diplomacy"]
        ),
        [
            'events.xlsx: events!A7 (id): the event "talks" cites no source; add a row for it '
            "to the citations sheet (event, source, quote)"
        ],
    ),
    "date-with-a-time": (
        _edit_cells(events_C3=dt.datetime(2022, 2, 24, 4, 50)),
        [
            "events.xlsx: events!C3 (date): 2022-02-24 04:50: has a time of day; times are not "
            "stored: give the day alone"
        ],
    ),
    "no-events-sheet": (
        lambda book: setattr(book["events"], "title", "Sheet1"),
        [
            'events.xlsx: has no sheet named "events" (its sheets: "Sheet1", "citations", '
            '"categories", "actors", "sources", "about"); name the sheet that holds the events '
            '"events"'
        ],
    ),
    "timelinejs-template-as-xlsx": (
        _edit_cells(events_A1="Year", events_B1="Month", events_C1="Headline"),
        [
            "events.xlsx: events!1: is the TimelineJS template (its header has Year and "
            "Headline, no id); save it as CSV (Google Sheets: File > Download > "
            "Comma-separated values) and import that with --from timelinejs"
        ],
    ),
    "unknown-column": (
        _edit_cells(events_K1="notes", events_K2="x"),
        ['events.xlsx: events!K1: unknown column "notes"; did you mean "quote"?'],
    ),
}


class TestBadWorkbooks:
    @pytest.mark.parametrize("case", sorted(BAD_WORKBOOKS))
    def test_problem_is_located_and_target_untouched(
        self, case, run, small_file, tmp_path, monkeypatch
    ):
        """Each bad workbook gives its exact located lines, exit 1, and the target's bytes stay."""
        edit, expected = BAD_WORKBOOKS[case]
        work = tmp_path / "work"
        work.mkdir()
        _broken_workbook(work, small_file, edit)
        before = small_file.read_bytes()
        monkeypatch.chdir(work)
        result = run("import", "events.xlsx", "--data", str(small_file))
        assert result.exit_code == 1
        assert result.stdout.splitlines() == expected
        assert small_file.read_bytes() == before

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            (
                "password-protected.xlsx",
                (IMPORT_CASES / "password-protected.xlsx").read_bytes(),
                "password-protected.xlsx: is password-protected or an old .xls workbook; "
                "save it as .xlsx without a password",
            ),
            (
                "corrupt.xlsx",
                b"PK\x03\x04 this is not really a workbook",
                "corrupt.xlsx: is not a readable .xlsx workbook (damaged, or another file type)",
            ),
            (
                "notes.txt",
                b"hello",
                "notes.txt: cannot tell how to read this file from its name; use a .csv, .json, "
                ".xlsx file or a Parquet dataset folder, or name the format with --from "
                "(xlsx, csv, timelinejs, parquet)",
            ),
            (
                "latin1.csv",
                "id,title,date,category,sources\ncafe,Caf\u00e9,2025,diplomacy,article\n".encode(
                    "latin-1"
                ),
                'latin1.csv: row 2: byte 0xe9 (near "cafe,Caf\u00e9,2025,diplomacy,art" if read '
                'as Windows-1252) is not UTF-8: the file is in another encoding; save it as "CSV '
                'UTF-8" (in Excel: File > Save As > CSV UTF-8)',
            ),
            (
                "unicode-text.csv",
                "id,title\ncafe,Caf\u00e9\n".encode("utf-16"),
                'unicode-text.csv: is UTF-16 text (Excel\'s "Unicode Text"), not UTF-8; save it '
                'as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8)',
            ),
            (
                "workbook.csv",
                b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xcd",
                "workbook.csv: is a ZIP file (an .xlsx workbook?), not text; import it as .xlsx",
            ),
        ],
    )
    def test_unreadable_file_is_one_problem_and_target_untouched(
        self, name, content, expected, run, small_file, tmp_path, monkeypatch
    ):
        """A workbook that cannot be opened, or a file of another kind, is refused with exit 1."""
        (tmp_path / name).write_bytes(content)
        before = small_file.read_bytes()
        monkeypatch.chdir(tmp_path)
        result = run("import", name, "--data", str(small_file))
        assert (result.exit_code, result.stdout) == (1, expected + "\n")
        assert small_file.read_bytes() == before


class TestCsvImport:
    def test_events_table_adds_events_citing_declared_ids(self, run, small_file, tmp_path):
        """A CSV of events alone adds them to the data file; free-text dates keep their precision."""
        sheet = tmp_path / "sheet.csv"
        sheet.write_text(
            "id,title,date,category,actors,places,sources,quote\r\n"
            'talks,Talks in Riyadh,"February 18, 2025",diplomacy,trump; putin,Riyadh,'
            "article,talks in Riyadh\r\n"
            "plans,Peace plan drafted,March 2025,diplomacy,,,article,\r\n",
            encoding="utf-8",
        )
        result = run("import", str(sheet), "--data", str(small_file))
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{small_file}: now has 7 events (2 added, 0 changed)\n"
        talks = eventline.load(small_file).get("talks")
        assert (str(talks.date), talks.actors, talks.places) == (
            "2025-02-18",
            ("trump", "putin"),
            ("Riyadh",),
        )
        assert str(eventline.load(small_file).get("plans").date) == "2025-03"

    def test_events_table_update_keeps_the_fields_it_has_no_column_for(
        self, run, small_file, tmp_path
    ):
        """Updating by id from a narrow table keeps the event's other fields and its quotes."""
        sheet = tmp_path / "sheet.csv"
        sheet.write_text("id,title\r\ncall,Phone call\r\n", encoding="utf-8")
        result = run("import", str(sheet), "--data", str(small_file), "--dry-run")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == f'{small_file}: would change event "call" (title)'
        run("import", str(sheet), "--data", str(small_file))
        call = eventline.load(small_file).get("call")
        assert call.title == "Phone call"
        assert call.citations[0].quote == "spoke separately"
        assert call.places == ("Washington", "Moscow")

    def test_csv_problems_name_row_and_column(self, run, small_file, tmp_path, monkeypatch):
        """Each problem of a CSV names its row and column; nothing is written."""
        (tmp_path / "sheet.csv").write_text(
            "id,title,date,category,sources\r\n"
            "talks,Talks,2025-02-30,diplomacy,article\r\n"
            "talks,Talks again,2025-02-18,diplomacy,article\r\n"
            "plans,,2025-03,diplomatic,article\r\n"
            "draft,Draft,2025-03,diplomatic,articel\r\n",
            encoding="utf-8",
        )
        before = small_file.read_bytes()
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", str(small_file))
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            'sheet.csv: row 2, column "date": "2025-02-30": day is out of range for month '
            "(February 2025 has 28 days)",
            'sheet.csv: row 3, column "id": "talks": the id is already used in row 2; '
            "ids must be unique",
            'sheet.csv: row 4, column "title": is empty; every row needs a title',
            'sheet.csv: row 5, column "category": "diplomatic": no category has this id; '
            'did you mean "diplomacy"?',
            'sheet.csv: row 5, column "sources": "articel": no source has this id; '
            'did you mean "article"?',
        ]
        assert small_file.read_bytes() == before

    @pytest.mark.parametrize("delimiter", [";", "\t"])
    def test_semicolon_and_tab_separated_files_are_read(self, delimiter, run, small_file, tmp_path):
        """Excel's CSV where the decimal mark is a comma uses ";"; its text export uses tabs."""
        sheet = tmp_path / "sheet.csv"
        rows = [
            ["id", "title", "date", "category", "sources"],
            ["talks", "Talks, at last", "February 18, 2025", "diplomacy", "article"],
        ]
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        result = run("import", str(sheet), "--data", str(small_file))
        assert result.exit_code == 0, result.output
        talks = eventline.load(small_file).get("talks")
        assert (talks.title, str(talks.date)) == ("Talks, at last", "2025-02-18")

    def test_spaces_around_a_cells_text_are_dropped(self, run, small_file, tmp_path):
        """Spaces no one can see in a cell (" talks ", "Talks ") do not fail the import."""
        sheet = tmp_path / "sheet.csv"
        sheet.write_text(
            "id,title,date,category,sources\n talks ,Talks ,2025-02-18 , diplomacy,article \n",
            encoding="utf-8",
        )
        result = run("import", str(sheet), "--data", str(small_file))
        assert result.exit_code == 0, result.output
        talks = eventline.load(small_file).get("talks")
        assert (talks.title, talks.category, talks.citations[0].source) == (
            "Talks",
            "diplomacy",
            "article",
        )

    def test_a_new_event_from_a_narrow_table_names_the_missing_columns(
        self, run, small_file, tmp_path, monkeypatch
    ):
        """A new id in a table without category or sources columns says which columns to add."""
        (tmp_path / "sheet.csv").write_text("id,title,date\ntalks,Talks,2025\n", "utf-8")
        before = small_file.read_bytes()
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", str(small_file))
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            'sheet.csv: row 2, column "id": the new event "talks" needs a category (a declared '
            'id), and the table has no "category" column; add the column and fill it in',
            'sheet.csv: row 2, column "id": the new event "talks" needs a source (a declared '
            'id), and the table has no "sources" column; add the column and fill it in',
        ]
        assert small_file.read_bytes() == before

    def test_a_header_without_id_says_what_it_has(self, run, tmp_path, monkeypatch):
        """No id column: the problem shows the header as found and the columns expected."""
        (tmp_path / "sheet.csv").write_text("Title,Date\nTalks,2025\n", "utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", "new.json")
        assert (result.exit_code, result.stdout) == (
            1,
            'sheet.csv: row 1: no column "id" in the header row (it has: Title, Date); row 1 '
            "names the columns, such as: id, title, date, earliest, latest, category, summary, "
            "actors, places, tags\n",
        )
        assert not (tmp_path / "new.json").exists()

    def test_an_empty_sources_cell_is_named(self, run, small_file, tmp_path, monkeypatch):
        """An event whose sources cell is empty is told to name a source in that cell."""
        (tmp_path / "sheet.csv").write_text(
            "id,title,date,category,sources\ntalks,Talks,2025,diplomacy,\n", "utf-8"
        )
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", str(small_file))
        assert (result.exit_code, result.stdout) == (
            1,
            'sheet.csv: row 2, column "sources": the event "talks" cites no source; name a '
            "declared source in this cell\n",
        )

    def test_a_data_file_in_a_missing_folder_is_refused(self, run, tmp_path, monkeypatch):
        """--data in a folder that does not exist says so; no folder or lock file is made."""
        (tmp_path / "sheet.csv").write_text("id,title\nx,X\n", "utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", "budgte/events.json")
        assert (result.exit_code, result.stdout) == (
            1,
            'budgte/events.json: the folder "budgte" does not exist; create it, or name '
            "another --data file\n",
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.csv"]

    def test_one_event_is_counted_as_one_event(self, run, tmp_path, monkeypatch):
        """The summary line reads "now has 1 event", not "1 events"."""
        (tmp_path / "sheet.csv").write_text("Year,Headline\n2025,A\n", "utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", "events.json")
        assert result.stdout.endswith(
            "events.json: now has 1 event (1 added, 0 changed; 2 categories, actors or "
            "sources added or changed)\n"
        )

    def test_a_byte_order_mark_is_accepted(self, run, small_file, tmp_path):
        """Excel's "CSV UTF-8" starts with a byte order mark; it is read like any CSV."""
        sheet = tmp_path / "sheet.csv"
        sheet.write_bytes(
            b"\xef\xbb\xbfid,title,date,category,sources\r\nx,X,2025,diplomacy,article\r\n"
        )
        assert run("import", str(sheet), "--data", str(small_file)).exit_code == 0
        assert eventline.load(small_file).get("x").title == "X"


class TestTimelineJS:
    @pytest.mark.parametrize("name", ["timelinejs-sheet.csv", "timelinejs.json"])
    def test_sample_imports_to_its_golden_data_file_and_notes(
        self, name, run, tmp_path, monkeypatch
    ):
        """The sample gives its golden data file; stderr lists each thing not carried over."""
        monkeypatch.chdir(IMPORT_CASES)
        out = tmp_path / "events.json"
        result = run("import", name, "--from", "timelinejs", "--data", str(out))
        assert result.exit_code == 0, result.output
        check_golden(f"import-{name}.json", out.read_text("utf-8"))
        check_golden(f"import-{name}.notes", result.stderr)

    def test_imported_file_fails_validate_until_sources_are_given(self, run, tmp_path):
        """Every event cites the placeholder source, and validate flags each citation."""
        out = tmp_path / "events.json"
        run("import", str(IMPORT_CASES / "timelinejs.json"), "--data", str(out))
        problems = eventline.validate(out, name="events.json")
        assert [str(p) for p in problems] == [
            f'events.json: events[{i}] (id "{rid}"): citations[0].source "source-needed": '
            'cites the placeholder source left by "eventline import"; declare the real source '
            "and cite it instead"
            for i, rid in enumerate(["cracks-found", "bridge-closed-for-repairs", "bridge-reopens"])
        ]
        assert eventline.load(out).get("cracks-found").title == "Cracks found in the bridge"

    def test_bad_slides_are_located(self, run, tmp_path, monkeypatch):
        """A slide without a headline or with a month 13 is reported at its JSON place."""
        doc = {
            "events": [
                {"start_date": {"year": 2020, "month": 13}, "text": {"headline": "A"}},
                {"start_date": {"year": 2020}, "text": {"text": "no headline"}},
                {"text": {"headline": "No date"}},
            ]
        }
        (tmp_path / "tl.json").write_text(json.dumps(doc), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "tl.json", "--data", "events.json")
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            "tl.json: events[0].start_date.month: 13: must be a whole number from 1 to 12",
            "tl.json: events[1].text.headline: is empty; every event needs a headline",
            "tl.json: events[2].start_date.year: is empty; every event needs a start year",
        ]
        assert not (tmp_path / "events.json").exists()

    def test_importing_into_a_timeline_keeps_its_categories_and_title(
        self, run, small_file, tmp_path, monkeypatch
    ):
        """A group named like a category adds nothing and keeps its colour; the title stays."""
        (tmp_path / "sheet.csv").write_text(
            "Year,Headline,Text,Type,Group\n"
            ",Other title,Other description,title,\n"
            "2025,Talks,,,Diplomacy\n",
            "utf-8",
        )
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", str(small_file), "--dry-run")
        assert result.stdout.splitlines() == [
            f'{small_file}: would add source "source-needed"',
            f'{small_file}: would add event "talks"',
            f"{small_file}: would have 6 events (1 added, 0 changed; 1 categories, actors or "
            "sources added or changed); nothing written (--dry-run)",
        ]
        result = run("import", "sheet.csv", "--data", str(small_file))
        assert result.stderr.splitlines()[:2] == [
            'sheet.csv: title "Other title" was not carried over (the data file keeps its own)',
            'sheet.csv: description "Other description" was not carried over (the data file '
            "keeps its own)",
        ]
        doc = json.loads(small_file.read_text("utf-8"))
        assert doc["title"] == "Small"
        assert "description" not in doc
        assert doc["categories"][0] == {"id": "diplomacy", "label": "Diplomacy", "color": "#1f77b4"}

    def test_template_csv_is_recognised_without_from(self, run, tmp_path, monkeypatch):
        """A .csv whose header is the template's is read as TimelineJS, no --from needed."""
        monkeypatch.chdir(IMPORT_CASES)
        out = tmp_path / "events.json"
        result = run("import", "timelinejs-sheet.csv", "--data", str(out))
        assert result.exit_code == 0, result.output
        check_golden("import-timelinejs-sheet.csv.json", out.read_text("utf-8"))

    def test_template_csv_read_as_an_events_table_says_use_from_timelinejs(
        self, run, tmp_path, monkeypatch
    ):
        """--from csv on the template gives one line that names the right option."""
        monkeypatch.chdir(IMPORT_CASES)
        result = run(
            "import", "timelinejs-sheet.csv", "--from", "csv", "--data", str(tmp_path / "e.json")
        )
        assert (result.exit_code, result.stdout) == (
            1,
            "timelinejs-sheet.csv: row 1: is the TimelineJS template (its header has Year and "
            "Headline, no id); import it with --from timelinejs\n",
        )

    def test_a_day_that_does_not_exist_is_reported_in_its_day_cell(
        self, run, tmp_path, monkeypatch
    ):
        """30 February is the Day cell's fault (and End Day's for an end), not the Year's."""
        (tmp_path / "sheet.csv").write_text(
            "Year,Month,Day,End Year,End Month,End Day,Headline\n"
            "2025,2,30,,,,A\n"
            "2025,2,1,2025,4,31,B\n"
            "2025,3,1,2025,2,1,C\n",
            "utf-8",
        )
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", "events.json")
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            'sheet.csv: row 2, column "Day": "2025-02-30": day is out of range for month '
            "(February 2025 has 28 days)",
            'sheet.csv: row 3, column "End Day": "2025-04-31": day is out of range for month '
            "(April 2025 has 30 days)",
            'sheet.csv: row 4, column "End Year": "2025-03-01/2025-02-01": the interval ends '
            "before it starts (2025-02-01 is before 2025-03-01)",
        ]

    def test_one_imported_event_is_one_event_in_the_note(self, run, tmp_path, monkeypatch):
        """The placeholder note counts in words a person would write: 1 event cites."""
        (tmp_path / "sheet.csv").write_text("Year,Headline\n2025,A\n", "utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--data", "events.json")
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith('sheet.csv: 1 event cites the placeholder source "')

    def test_sheet_with_unknown_column_is_refused(self, run, tmp_path, monkeypatch):
        """A CSV that is not the template's layout is refused, naming the template's columns."""
        (tmp_path / "sheet.csv").write_text("Year,Headline,Colour\n2020,A,red\n", "utf-8")
        monkeypatch.chdir(tmp_path)
        result = run("import", "sheet.csv", "--from", "timelinejs", "--data", "events.json")
        assert result.exit_code == 1
        assert result.stdout.startswith('sheet.csv: row 1: unknown column "Colour"; ')


def test_readers_are_a_plain_table():
    """Another reader is one more entry of READERS: a function of (path, label); the
    CLI offers each by name for --from (without importing them at start-up)."""
    from eventline.cli import IMPORT_FORMATS

    assert sorted(READERS) == ["csv", "parquet", "timelinejs", "xlsx"]
    assert sorted(IMPORT_FORMATS) == sorted(READERS)


def test_the_cli_starts_without_the_readers_and_writers():
    """`eventline validate` and `render` start without importing the spreadsheet and
    TimelineJS readers or the export writers (each import lengthens every command)."""
    import subprocess
    import sys

    code = (
        "import sys, eventline.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('eventline.importer', "
        "'eventline.export'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


class TestPlaceholderSource:
    CASE = CASES / "invalid" / "placeholder-source.json"

    def test_fast_path_is_never_sure_of_a_placeholder(self):
        """The quick proof answers "not sure" for a file citing source-needed, so validate words it."""
        from eventline import quick

        raw = self.CASE.read_bytes()
        assert quick.is_valid_and_canonical(raw) is False
        assert quick.valid_canonical_document(raw) is None

    def test_file_with_placeholders_still_loads_and_formats(self, run, tmp_path):
        """Only validate flags placeholders: load, fmt and add keep working while sources are found."""
        path = tmp_path / "events.json"
        path.write_bytes(self.CASE.read_bytes())
        assert len(eventline.load(path)) == 3
        result = run("fmt", "--check", str(path))
        assert result.exit_code == 0


def test_a_spreadsheet_month_stays_a_month(run, small_file, tmp_path):
    """A date cell formatted without days (Excel's "Feb-22") is read as that month."""
    workbook = _broken_workbook(
        tmp_path, small_file, _edit_cells(events_C4=dt.datetime(2023, 5, 1))
    )
    book = openpyxl.load_workbook(workbook)
    book["events"]["C4"].number_format = "mmm-yy"
    book["events"]["C5"] = dt.datetime(2025, 2, 12)
    book.save(workbook)
    run("import", str(workbook), "--data", str(small_file))
    timeline = eventline.load(small_file)
    assert (str(timeline.get("war").date), str(timeline.get("call").date)) == (
        "2023-05",
        "2025-02-12",
    )


def test_without_a_data_folder_import_asks_for_data(run, tmp_path, monkeypatch):
    """With no --data and no ./data folder, import says what to do, exit 2."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.csv").write_text("id,title\r\nx,X\r\n", encoding="utf-8")
    result = run("import", "sheet.csv")
    assert result.exit_code == 2
    assert "there is no ./data folder here; name the data file with --data" in result.stderr


def test_another_reader_is_one_entry_of_the_table(run, small_file, tmp_path, monkeypatch):
    """A reader returning a plain (document, problems) pair works once it is in READERS."""

    def folder_reader(path, label):
        doc = json.loads(small_file.read_text("utf-8"))
        return doc, []

    monkeypatch.setitem(READERS, "parquet", folder_reader)
    folder = tmp_path / "dataset"
    folder.mkdir()
    result = run("import", str(folder), "--data", str(tmp_path / "new.json"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new.json").read_bytes() == small_file.read_bytes()


BAD_TIMELINEJS = {
    "duplicate-unique-id.json": (
        json.dumps(
            {
                "events": [
                    {"start_date": {"year": 2020}, "text": {"headline": "A"}, "unique_id": "a"},
                    {"start_date": {"year": 2021}, "text": {"headline": "B"}, "unique_id": "a"},
                ]
            }
        ).encode(),
        ['duplicate-unique-id.json: events[1].unique_id: "a": this id is already used'],
    ),
    "not-json.json": (
        b"Year,Headline\n2020,A\n",
        ["not-json.json: line 1, column 1: invalid JSON: Expecting value"],
    ),
    "not-timelinejs.json": (
        b'{"title": "x"}',
        ['not-timelinejs.json: is not TimelineJS JSON: it needs an "events" array of slides'],
    ),
    "latin1-sheet.csv": (
        "Year,Headline\n2020,Caf\u00e9\n".encode("latin-1"),
        [
            'latin1-sheet.csv: row 2: byte 0xe9 (near "2020,Caf\u00e9" if read as Windows-1252) '
            'is not UTF-8: the file is in another encoding; save it as "CSV UTF-8" (in Excel: '
            "File > Save As > CSV UTF-8)",
        ],
    ),
    "bad-day-sheet.csv": (
        b"Year,Month,Day,Headline\n2021,2,30,Leap\n2021,,5,No month\n",
        [
            'bad-day-sheet.csv: row 2, column "Day": "2021-02-30": day is out of range for '
            "month (February 2021 has 28 days)",
            'bad-day-sheet.csv: row 3, column "Day": a day without a month; give the month too',
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_TIMELINEJS))
def test_bad_timelinejs_is_located_and_target_untouched(
    name, run, small_file, tmp_path, monkeypatch
):
    """Each bad TimelineJS file gives its exact lines, exit 1, and the target's bytes stay."""
    content, expected = BAD_TIMELINEJS[name]
    (tmp_path / name).write_bytes(content)
    before = small_file.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = run("import", name, "--from", "timelinejs", "--data", str(small_file))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected
    assert small_file.read_bytes() == before
