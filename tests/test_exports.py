"""Exports: JSON, CSV, iCalendar and TimelineJS, each read back by the tool it is for."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io as stdio
import json
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import eventline
from eventline.dates import DatePoint, EventDate
from eventline.export import FORMATS, export

from .conftest import HOSTILE, REPO, browser_required, write_json
from .golden import check_golden
from .test_hardening import timelines
from .test_page import Page

FORMULA = '=HYPERLINK("http://x")'
TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
SUFFIX = {"json": "json", "csv": "csv", "ics": "ics", "timelinejs": "json"}
# The first 16 hex digits of sha256("Small"), the small dataset's title.
SMALL_KEY = "5263293fc202649b"
RTL = "موسكو"  # Arabic letters: bidi class AL
FSI, PDI, RLO = "\u2068", "\u2069", "\u202e"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_matches_its_golden_file(fmt, small_file):
    """Each writer's output is byte for byte the reviewed one."""
    check_golden(f"small-export.{fmt}.{SUFFIX[fmt]}", export(eventline.load(small_file), fmt))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_deterministic_and_cli_equals_library(fmt, run, small_file, tmp_path):
    """stdout, -o and the library give the same bytes, run after run."""
    tl = eventline.load(small_file)
    text = export(tl, fmt)
    assert export(eventline.load(small_file), fmt) == text
    result = run("export", "--format", fmt, "--data", str(small_file))
    assert result.stdout_bytes == text.encode("utf-8")
    out = tmp_path / f"out.{SUFFIX[fmt]}"
    result = run("export", "--format", fmt, "--data", str(small_file), "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"{out}: 5 events exported as {fmt}\n"
    assert out.read_bytes() == text.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.json", out.name]


def test_library_methods(small_file):
    """tl.to_json(), to_csv(), to_ics() give text; to_timelinejs() gives a dict."""
    tl = eventline.load(small_file)
    assert tl.to_json() == export(tl, "json")
    assert tl.to_csv() == export(tl, "csv")
    assert tl.to_ics() == export(tl, "ics")
    assert json.dumps(tl.to_timelinejs(), indent=2, ensure_ascii=False) + "\n" == export(
        tl, "timelinejs"
    )


class TestJson:
    def test_filtered_json_validates_and_keeps_only_used_tables(self, tmp_path, small_file, run):
        """The JSON export of a filter is a valid, canonical data file with only what it uses."""
        out = tmp_path / "out.json"
        run(
            "export",
            "--format",
            "json",
            "--data",
            str(small_file),
            "--category",
            "military",
            "-o",
            str(out),
        )
        assert eventline.validate(out) == []
        doc = json.loads(out.read_text("utf-8"))
        assert [c["id"] for c in doc["categories"]] == ["military"]
        assert [a["id"] for a in doc["actors"]] == ["putin"]
        assert [e["id"] for e in doc["events"]] == ["annexation", "invasion", "war"]


class TestCsv:
    def test_csv_reads_back_with_one_row_per_event(self, small_file):
        """The csv module reads the header and a row per event, with bounds and display dates."""
        tl = eventline.load(small_file)
        rows = list(csv.DictReader(stdio.StringIO(tl.to_csv(), newline="")))
        assert [r["id"] for r in rows] == [e.id for e in tl]
        war = rows[2]
        assert (war["date"], war["earliest"], war["latest"], war["precision"]) == (
            "2022-02-24/..",
            "2022-02-24",
            "",
            "day",
        )
        assert war["display_date"] == "24 February 2022 – ongoing"
        call = rows[3]
        assert call["actors"] == "Donald Trump; Vladimir Putin"
        assert call["source_urls"] == "https://example.org/article"
        assert rows[1]["precision"] == "month"
        assert rows[1]["latest"] == "2022-02-28"

    def test_csv_uses_crlf_line_ends(self, small_file):
        """RFC 4180 records end in CRLF."""
        text = eventline.load(small_file).to_csv()
        assert text.count("\r\n") == 6
        assert "\n" not in text.replace("\r\n", "")

    def test_formula_cells_are_defused(self, tmp_path, small_doc):
        """A cell a spreadsheet would run as a formula gets a leading quote."""
        small_doc["events"][3]["title"] = FORMULA
        small_doc["events"][3]["summary"] = "-2+3"
        small_doc["events"][3]["places"] = ["@SUM(A1)"]
        tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
        row = next(csv.DictReader(stdio.StringIO(tl.to_csv(), newline="")))
        rows = list(csv.DictReader(stdio.StringIO(tl.to_csv(), newline="")))
        call = next(r for r in rows if r["id"] == "call")
        assert call["title"] == "'" + FORMULA
        assert call["summary"] == "'-2+3"
        assert call["places"] == "'@SUM(A1)"
        assert row["title"] == "Annexation"

    @settings(max_examples=300)
    @given(st.lists(st.text(alphabet=st.sampled_from("ab ,;\"\r\n\t'=é\u2068"), max_size=8)))
    def test_rows_are_quoted_as_the_csv_module_quotes_them(self, fields):
        """The writer's own quoting gives csv.writer's bytes for any text, and reads back."""
        from eventline.export.csv import _field

        expected = stdio.StringIO(newline="")
        csv.writer(expected, lineterminator="\r\n").writerow(["id", *fields])
        line = ",".join(map(_field, ["id", *fields])) + "\r\n"
        assert line == expected.getvalue()
        assert next(csv.reader(stdio.StringIO(line, newline=""))) == ["id", *fields]


class TestIcs:
    def test_icalendar_reads_every_event_with_its_dates(self, small_file):
        """icalendar parses the file; each event's dates, UID and summary are right."""
        tl = eventline.load(small_file)
        calendar = icalendar.Calendar.from_ical(tl.to_ics())
        events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
        assert set(events) == {f"{e.id}-{SMALL_KEY}@eventline" for e in tl}
        expected = {
            "annexation": (
                dt.date(2014, 1, 1),
                dt.date(2015, 1, 1),
                "Annexation (2014, day not known)",
            ),
            "invasion": (
                dt.date(2022, 2, 1),
                dt.date(2022, 3, 1),
                "Invasion (February 2022, day not known)",
            ),
            "war": (
                dt.date(2022, 2, 24),
                dt.date(2022, 2, 25),
                "War (ongoing since 24 February 2022)",
            ),
            "call": (dt.date(2025, 2, 12), dt.date(2025, 2, 13), "Call"),
            "conference": (dt.date(2025, 2, 14), dt.date(2025, 2, 17), "Conference"),
        }
        for event_id, (start, end, summary) in expected.items():
            vevent = events[f"{event_id}-{SMALL_KEY}@eventline"]
            assert vevent.decoded("DTSTART") == start
            assert vevent.decoded("DTEND") == end
            assert str(vevent["SUMMARY"]) == summary
            assert vevent.decoded("DTSTAMP") == dt.datetime(2025, 2, 14, tzinfo=dt.timezone.utc)

    def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_characters(
        self, tmp_path, small_doc
    ):
        """Long multi-byte text folds at 75 octets on character boundaries; escapes survive."""
        small_doc["events"][3]["summary"] = (
            "Ünïcödé, text; with \\ and\nnew lines " + "дипломатия " * 30 + "end"
        )
        tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
        raw = tl.to_ics().encode("utf-8")
        lines = raw.split(b"\r\n")
        assert lines[-1] == b""
        assert all(len(line) <= 75 for line in lines)
        for line in lines:
            line.decode("utf-8")  # each physical line is whole UTF-8
        vevent = next(
            e
            for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")
            if e["UID"] == f"call-{SMALL_KEY}@eventline"
        )
        assert str(vevent["DESCRIPTION"]).startswith(
            "Ünïcödé, text; with \\ and\nnew lines дипломатия"
        )

    def test_hostile_text_stays_text(self, tmp_path, small_doc):
        """Markup and formulas in titles come out as plain escaped TEXT values."""
        small_doc["events"][3]["title"] = HOSTILE + FORMULA
        tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
        calendar = icalendar.Calendar.from_ical(tl.to_ics())
        summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
        assert HOSTILE + FORMULA in summaries


class TestTimelineJs:
    def test_dates_carry_only_the_parts_their_precision_has(self, small_file):
        """A month has no day, a year no month; qualified or open dates get words."""
        slides = {s["unique_id"]: s for s in eventline.load(small_file).to_timelinejs()["events"]}
        assert slides["annexation"]["start_date"] == {"year": 2014}
        assert slides["invasion"]["start_date"] == {"year": 2022, "month": 2}
        assert slides["war"]["display_date"] == "24 February 2022 – ongoing"
        assert "end_date" not in slides["war"]
        assert slides["conference"]["end_date"] == {"year": 2025, "month": 2, "day": 16}
        assert slides["call"]["group"] == "Diplomacy"


def _timelinejs_page(tmp_path: Path, data: dict) -> Path:
    if not (TIMELINEJS / "js" / "timeline.js").is_file():
        message = "TimelineJS is not installed: run `npm ci` in the repository"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    payload = (
        json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
    page = tmp_path / "timelinejs.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{(TIMELINEJS / 'css' / 'timeline.css').as_uri()}'>"
        f"<script src='{(TIMELINEJS / 'js' / 'timeline.js').as_uri()}'></script></head>"
        "<body><div id='timeline-embed' style='width:1000px;height:600px'></div><script>"
        f"window.timeline = new TL.Timeline('timeline-embed', {payload});"
        "window.timeline.on('loaded', function () {"
        " document.documentElement.setAttribute('data-eventline-ready', '1'); });"
        "</script></body></html>",
        encoding="utf-8",
    )
    return page


def test_timelinejs_renders_one_slide_per_event(browser, tmp_path, small_file):
    """The real TimelineJS loads the export offline and makes a slide per event, no errors."""
    tl = eventline.load(small_file)
    page = Page(browser, _timelinejs_page(tmp_path, tl.to_timelinejs()))
    try:
        slides = page.page.locator(".tl-slide:not(.tl-slide-titleslide)")
        assert slides.count() == len(tl)
        assert page.page.locator(".tl-slide-titleslide").count() == 1
        assert page.errors == []
        markers = page.page.locator(".tl-timemarker").count()
        assert markers == len(tl)
    finally:
        page.close()


def test_timelinejs_shows_hostile_text_as_text(browser, tmp_path, hostile_file):
    """In every field TimelineJS uses, payloads show as typed and run nothing."""
    tl = eventline.load(hostile_file)
    page = Page(browser, _timelinejs_page(tmp_path, tl.to_timelinejs()))
    try:
        page.page.evaluate("() => window.timeline.goToId('call')")
        page.page.locator("#call .tl-headline").wait_for(timeout=10_000)
        assert page.dialogs == []
        assert page.page.evaluate("() => window.__xss") is None
        assert page.page.locator("img").count() == 0
        assert page.page.locator("[onerror]").count() == 0
        assert page.page.locator("a[href^='javascript']").count() == 0
        groups = page.page.locator(".tl-timegroup-message").all_text_contents()
        assert HOSTILE in groups
        headlines = page.page.locator(".tl-headline").all_text_contents()
        assert HOSTILE in headlines
        assert (
            "about 12 February 2025" in page.page.locator(".tl-headline-date").all_text_contents()
        )
        assert page.errors == []
    finally:
        page.close()


# --- every date form, as TimelineJS 3.9.11 shows it -----------------------------

# (date, what the slide says). Where TimelineJS can say the date from its parts
# it uses its own wording ("March 18, 2014", " — " between the ends); where it
# cannot (qualifiers, open or unknown ends, an end it would drop as redundant)
# the slide shows `eventline list`'s words.
TIMELINEJS_DATES = [
    ("2014", "2014"),
    ("2022-02", "February 2022"),
    ("2022-02-24", "February 24, 2022"),
    ("0079", "AD 79"),
    ("2014~", "about 2014"),
    ("2014-03?", "March 2014 (uncertain)"),
    ("2025-02-12%", "about 12 February 2025 (uncertain)"),
    ("2014/2014", "2014"),
    ("2014/2015", "2014 — 2015"),
    ("2014/2014-03", "2014 – March 2014"),
    ("2014/2015-03", "2014 — March 2015"),
    ("2014/2014-03-18", "2014 – 18 March 2014"),
    ("2014/2015-03-18", "2014 — March 18, 2015"),
    ("2014-03/2014", "March 2014 — 2014"),
    ("2014-03/2015", "March 2014 — 2015"),
    ("2014-03/2014-03", "March 2014"),
    ("2014-03/2014-05", "March 2014 — May 2014"),
    ("2022-02/2022-02-24", "February 2022 – 24 February 2022"),
    ("2022-02/2022-03-24", "February 2022 — March 24, 2022"),
    ("2014-03-01/2014", "March 1, 2014 — 2014"),
    ("2014-03-01/2015", "March 1, 2014 — 2015"),
    ("2014-03-01/2014-03", "March 1, 2014 — March 2014"),
    ("2014-03-01/2014-04", "March 1, 2014 — April 2014"),
    ("2025-02-14/2025-02-14", "February 14, 2025"),
    ("2025-02-14/2025-02-16", "February 14, 2025 — February 16, 2025"),
    ("0079/0080-08-24", "AD 79 – 24 August AD 80"),
    ("2014?/2015", "2014 (uncertain) – 2015"),
    ("2014/2014-03-18~", "2014 – about 18 March 2014"),
    ("2014-03~/2014-03~", "about March 2014"),
    ("2022-02-24/..", "24 February 2022 – ongoing"),
    ("2022-02/", "February 2022 – end unknown"),
    ("2014/..", "2014 – ongoing"),
]


def _dated(small_doc: dict, dates: list[str]) -> dict:
    template = small_doc["events"][0]
    small_doc["events"] = [
        dict(template, id=f"e{i}", title=f"Event {i}", date=date) for i, date in enumerate(dates)
    ]
    return small_doc


def _slide_dates(page: Page) -> dict[str, str]:
    return dict(
        page.page.evaluate(
            """() => Array.from(document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)'))
                .map(s => [s.id, s.querySelector('.tl-headline-date').textContent])"""
        )
    )


def test_timelinejs_shows_both_ends_of_every_date_form(browser, tmp_path, small_doc):
    """Each date form and precision pairing shows in the real TimelineJS with both ends."""
    dates = [date for date, _ in TIMELINEJS_DATES]
    tl = eventline.load(write_json(tmp_path / "e.json", _dated(small_doc, dates)))
    page = Page(browser, _timelinejs_page(tmp_path, tl.to_timelinejs()))
    try:
        shown = _slide_dates(page)
        assert page.errors == []
    finally:
        page.close()
    ids = {str(e.date): e.id for e in tl}
    assert {date: shown[ids[date]] for date in dates} == dict(TIMELINEJS_DATES)
    # Where TimelineJS is given words, they are exactly `eventline list`'s.
    for event in tl:
        if "display_date" in _slides(tl)[event.id]:
            assert shown[event.id] == event.date.display()


def _slides(tl: eventline.Timeline) -> dict[str, dict]:
    return {s["unique_id"]: s for s in tl.to_timelinejs()["events"]}


# --- iCalendar UIDs ---------------------------------------------------------------


class TestIcsUid:
    def _uids(self, text: str) -> dict[str, str]:
        calendar = icalendar.Calendar.from_ical(text)
        return {str(e["UID"]).split("-")[0]: str(e["UID"]) for e in calendar.walk("VEVENT")}

    def test_two_timelines_with_the_same_event_id_get_different_uids(self, tmp_path, small_doc):
        """Events of one id in two datasets do not overwrite each other in one calendar."""
        first = eventline.load(write_json(tmp_path / "a.json", small_doc))
        small_doc["title"] = "Another timeline"
        second = eventline.load(write_json(tmp_path / "b.json", small_doc))
        a, b = self._uids(first.to_ics()), self._uids(second.to_ics())
        assert a["call"] == f"call-{SMALL_KEY}@eventline"
        assert (
            b["call"]
            == "call-" + hashlib.sha256(b"Another timeline").hexdigest()[:16] + "@eventline"
        )
        assert set(a.values()).isdisjoint(b.values())

    def test_the_same_data_gives_the_same_uids_every_run(self, run, small_file):
        """Loading and exporting again, through the CLI too, gives the same UIDs."""
        first = self._uids(eventline.load(small_file).to_ics())
        again = self._uids(run("export", "--format", "ics", "--data", str(small_file)).stdout)
        assert first == again
        assert len(set(first.values())) == 5

    def test_a_filter_keeps_each_events_uid(self, run, small_file):
        """An export of some events gives them the UIDs they have in the full export."""
        full = self._uids(eventline.load(small_file).to_ics())
        some = self._uids(
            run(
                "export", "--format", "ics", "--category", "military", "--data", str(small_file)
            ).stdout
        )
        assert some == {k: full[k] for k in ("annexation", "invasion", "war")}

    def test_an_explicit_identity_replaces_the_title(self, small_file):
        """to_ics(identity=...) and uid() name the dataset another way."""
        from eventline.export.ics import to_ics, uid

        uids = self._uids(to_ics(eventline.load(small_file), identity="org.example/talks"))
        assert uids["call"] == uid("org.example/talks", "call")
        assert uids["call"] != f"call-{SMALL_KEY}@eventline"

    def test_an_entry_reaching_the_last_day_has_a_duration(self, tmp_path, small_doc):
        """9999-12-31 has no next day: the entry gets DURATION, and icalendar reads its span."""
        small_doc["events"][3]["date"] = "9999-12-30/9999-12-31"
        tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
        calendar = icalendar.Calendar.from_ical(tl.to_ics())
        vevent = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("call-"))
        assert vevent.decoded("DTSTART") == dt.date(9999, 12, 30)
        assert "DTEND" not in vevent
        assert vevent.decoded("DURATION") == dt.timedelta(days=2)


# --- CSV with a byte-order mark ----------------------------------------------------


class TestCsvBom:
    def test_bom_starts_the_csv_and_a_bom_aware_reader_reads_it(self, run, small_file, tmp_path):
        """--bom writes EF BB BF then the same CSV; utf-8-sig reads the header as 'id'."""
        plain = eventline.load(small_file).to_csv().encode("utf-8")
        out = tmp_path / "out.csv"
        result = run(
            "export", "--format", "csv", "--bom", "--data", str(small_file), "-o", str(out)
        )
        assert result.exit_code == 0
        assert out.read_bytes() == b"\xef\xbb\xbf" + plain
        stdout = run("export", "--format", "csv", "--bom", "--data", str(small_file))
        assert stdout.stdout_bytes == b"\xef\xbb\xbf" + plain
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["id"] for r in rows] == ["annexation", "invasion", "war", "call", "conference"]

    def test_without_bom_the_csv_is_plain_utf8(self, run, small_file):
        """The default has no byte-order mark."""
        result = run("export", "--format", "csv", "--data", str(small_file))
        assert result.stdout_bytes.startswith(b"id,title,")

    @pytest.mark.parametrize("fmt", ["json", "ics", "timelinejs", "xlsx"])
    def test_bom_with_another_format_is_a_usage_error(self, run, small_file, tmp_path, fmt):
        """--bom with any format but csv (binary xlsx too): exit 2, a message, no file."""
        out = tmp_path / f"out.{fmt}"
        result = run("export", "--format", fmt, "--bom", "--data", str(small_file), "-o", str(out))
        assert result.exit_code == 2
        assert "--bom is for --format csv only" in result.stderr
        assert not out.exists()

    def test_bom_on_the_streamed_path_too(self, run, small_file, tmp_path, monkeypatch):
        """A file large enough to be exported in halves gets the same bytes, BOM first."""
        from eventline import quick

        plain = run("export", "--format", "csv", "--bom", "--data", str(small_file)).stdout_bytes
        monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
        out = tmp_path / "out.csv"
        run("export", "--format", "csv", "--bom", "--data", str(small_file), "-o", str(out))
        assert out.read_bytes() == plain


# --- bidirectional isolation ------------------------------------------------------


@pytest.fixture
def rtl_file(tmp_path, small_doc):
    """The small dataset with right-to-left names, places, title and source."""
    small_doc["actors"][1]["name"] = RTL
    small_doc["sources"][0]["title"] = "تقرير 2025"
    call = small_doc["events"][3]
    call["title"] = "مكالمة"
    call["places"] = [RTL, "Washington"]
    return write_json(tmp_path / "rtl.json", small_doc)


def _with_override(tl: eventline.Timeline) -> eventline.Timeline:
    """``tl`` with a U+202E in an actor's name (validate refuses it; writers must not trust)."""
    actors = dict(tl.actors)
    actors["trump"] = attrs.evolve(actors["trump"], name=f"Donald{RLO}Trump")
    return attrs.evolve(tl, actors=actors)


def test_timelinejs_export_with_right_to_left_text_imports_back(run, rtl_file, tmp_path):
    """eventline's own TimelineJS export, isolates and all, imports with each value bare."""
    exported = tmp_path / "timeline.json"
    run("export", "--format", "timelinejs", "--data", str(rtl_file), "-o", str(exported))
    assert FSI in exported.read_text(encoding="utf-8")
    target = tmp_path / "imported.json"
    result = run("import", str(exported), "--data", str(target))
    assert result.exit_code == 0, result.output
    imported = eventline.load(target)
    call = next(e for e in imported if e.id == "call")
    assert call.title == "مكالمة"
    assert f"Places: {RTL}, Washington" in call.summary
    assert FSI not in target.read_text(encoding="utf-8")
    assert run("validate", str(target)).exit_code == 1  # only the placeholder source left


def test_timelinejs_import_still_refuses_an_override(run, rtl_file, tmp_path):
    """Dropping matched isolates lets no Trojan Source through: U+202E is still refused."""
    slides = eventline.load(rtl_file).to_timelinejs()
    slides["events"][0]["text"]["headline"] = f"{FSI}evil{RLO}{PDI}"
    source = write_json(tmp_path / "timeline.json", slides)
    result = run("import", str(source), "--data", str(tmp_path / "imported.json"))
    assert result.exit_code == 1
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in result.output
    assert not (tmp_path / "imported.json").exists()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_right_to_left_export_matches_its_golden_file(fmt, rtl_file):
    """With right-to-left values, each writer's output (isolates included) is the reviewed one."""
    check_golden(f"rtl-export.{fmt}.{SUFFIX[fmt]}", export(eventline.load(rtl_file), fmt))


class TestBidi:
    def test_validate_names_every_bidi_control_of_a_field(self, run, small_doc, tmp_path):
        """Each distinct bidirectional control in a field is named with its code point,
        in one run (exit 1), beside a control character or line break found there."""
        small_doc["actors"][0]["name"] = "A\u2066B\u2067C\u2068D\u2069E\u2066"
        small_doc["events"][3]["summary"] = "Sum\u2069x\u202ey\x07"
        result = run("validate", str(write_json(tmp_path / "bidi.json", small_doc)))
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            f'{tmp_path / "bidi.json"}: actors[0] (id "putin"): name "A\\u2066B\\u2067C'
            '\\u2068D\\u2069E\\u2066": contains the bidirectional controls U+2066 '
            "(LEFT-TO-RIGHT ISOLATE), U+2067 (RIGHT-TO-LEFT ISOLATE), U+2068 (FIRST STRONG "
            "ISOLATE) and U+2069 (POP DIRECTIONAL ISOLATE), which can change how the text "
            "around them reads (Trojan Source); remove them",
            f'{tmp_path / "bidi.json"}: events[3] (id "call"): summary "Sum\\u2069x\\u202ey'
            '\\u0007": contains the control character U+0007; remove it; contains the '
            "bidirectional controls U+2069 (POP DIRECTIONAL ISOLATE) and U+202E (RIGHT-TO-LEFT "
            "OVERRIDE), which can change how the text around them reads (Trojan Source); "
            "remove them",
        ]

    def test_ics_isolates_each_value(self, rtl_file):
        """icalendar reads each right-to-left value between FSI and PDI; Latin values unchanged."""
        calendar = icalendar.Calendar.from_ical(eventline.load(rtl_file).to_ics())
        call = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("call-"))
        assert str(call["SUMMARY"]) == f"{FSI}مكالمة{PDI}"
        assert str(call["LOCATION"]) == f"{FSI}{RTL}{PDI}, Washington"
        assert str(call["DESCRIPTION"]) == (
            f"They spoke.\n\nActors: {FSI}{RTL}{PDI}, Vladimir Putin\n\nSources:\n"
            f"- {FSI}تقرير 2025{PDI} <https://example.org/article>: “spoke separately”"
        )

    def test_ics_contains_an_override_inside_its_value(self, small_file):
        """An override in a name is closed by the PDI right after the name."""
        text = _with_override(eventline.load(small_file)).to_ics()
        calendar = icalendar.Calendar.from_ical(text)
        call = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("call-"))
        assert f"Actors: {FSI}Donald{RLO}Trump{PDI}, Vladimir Putin" in str(call["DESCRIPTION"])

    def test_csv_isolates_each_text_value(self, rtl_file):
        """Python's csv reads each right-to-left value isolated: a title's cell as each
        value of a joined cell (a text viewer shows the row as one line); Latin text and
        ids stay as they are."""
        rows = list(csv.DictReader(stdio.StringIO(eventline.load(rtl_file).to_csv(), newline="")))
        call = next(r for r in rows if r["id"] == "call")
        assert call["actors"] == f"{FSI}{RTL}{PDI}; Vladimir Putin"
        assert call["places"] == f"{FSI}{RTL}{PDI}; Washington"
        assert call["sources"] == f"{FSI}تقرير 2025{PDI}"
        assert call["title"] == f"{FSI}مكالمة{PDI}"
        assert call["summary"] == "They spoke."

    def test_show_isolates_joined_values(self, run, rtl_file):
        """`eventline show` isolates each actor and place on its line."""
        out = run("show", "call", "--data", str(rtl_file)).stdout
        assert f"  actors:    {FSI}{RTL}{PDI}, Vladimir Putin\n" in out
        assert f"  places:    {FSI}{RTL}{PDI}, Washington\n" in out

    def test_list_isolates_titles_and_keeps_columns_aligned(self, run, rtl_file):
        """`eventline list` isolates a right-to-left title; the isolates take no column width."""
        lines = run("list", "--data", str(rtl_file)).stdout.splitlines()
        assert lines[4] == f"12 February 2025            Diplomacy  {FSI}مكالمة{PDI}"
        assert lines[0] == "DATE                        CATEGORY   TITLE"

    def test_timelinejs_override_does_not_reverse_the_names_after_it(
        self, browser, tmp_path, small_file
    ):
        """In Chromium, the names after an overridden name still read left to right."""
        tl = _with_override(eventline.load(small_file))
        page = Page(browser, _timelinejs_page(tmp_path, tl.to_timelinejs()))
        try:
            page.page.evaluate("() => window.timeline.goToId('call')")
            page.page.locator("#call .tl-text-content p").first.wait_for(timeout=10_000)
            # x of the first and last letter of "Vladimir Putin", drawn after the override.
            xs = page.page.evaluate(
                """() => {
                  const p = Array.from(document.querySelectorAll('#call .tl-text-content p'))
                    .find(p => p.textContent.startsWith('Actors:'));
                  const node = p.firstChild, text = node.textContent;
                  const at = i => { const r = document.createRange();
                    r.setStart(node, i); r.setEnd(node, i + 1);
                    return r.getBoundingClientRect().left; };
                  const v = text.indexOf('Vladimir');
                  return [text, at(v), at(v + 'Vladimir Putin'.length - 1)];
                }"""
            )
            text, first, last = xs
            assert first < last
            assert text == f"Actors: {FSI}Donald{RLO}Trump{PDI}, Vladimir Putin"
            assert page.errors == []
        finally:
            page.close()


# --- property: every reader sees the span `eventline list` shows --------------------


def _point(parts: dict[str, int]) -> DatePoint:
    return DatePoint(parts["year"], parts.get("month"), parts.get("day"))


def _timelinejs_reading(slide: dict) -> tuple[str | None, dt.date, dt.date]:
    """What a TimelineJS reader sees: its words if given, else the span of its parts,
    after TimelineJS 3.9's rule that drops an end equal to the start on the start's parts."""
    if "display_date" in slide:
        return html.unescape(html.unescape(slide["display_date"])), dt.date.min, dt.date.min
    start, end = slide["start_date"], slide.get("end_date")
    if end is not None and all(end.get(k) == v for k, v in start.items()):
        end = None
    last = _point(end or start)
    return None, _point(start).lower, last.upper


def _ics_reading(vevent: Any) -> tuple[dt.date, dt.date, str]:
    start = vevent.decoded("DTSTART")
    day = dt.timedelta(days=1)
    if "DTEND" in vevent:  # exclusive (RFC 5545, 3.6.1)
        return start, vevent.decoded("DTEND") - day, str(vevent["SUMMARY"])
    # An entry reaching 9999-12-31 has a DURATION: its exclusive end is not a date.
    return start, start + (vevent.decoded("DURATION") - day), str(vevent["SUMMARY"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_every_format_shows_the_span_list_shows(timeline):
    """For each event, JSON, CSV, iCalendar and TimelineJS readers see `list`'s span."""
    assume(len(timeline) > 0)
    shown = {e.id: e.date for e in timeline}  # `eventline list` prints date.display()

    doc = json.loads(export(timeline, "json"))
    assert {e["id"]: EventDate.parse(e["date"]) for e in doc["events"]} == shown

    rows = csv.DictReader(stdio.StringIO(export(timeline, "csv"), newline=""))
    for row in rows:
        date = shown[row["id"]]
        assert row["earliest"] == date.lower.isoformat()
        assert row["latest"] == ("" if date.upper is None else date.upper.isoformat())
        assert row["display_date"] == date.display()

    calendar = icalendar.Calendar.from_ical(export(timeline, "ics"))
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == len(timeline)
    for vevent in vevents:
        date = shown[str(vevent["UID"]).rsplit("-", 1)[0]]
        first, last, summary = _ics_reading(vevent)
        assert first == date.lower
        if date.upper is None:  # one day on its start, the end said in words
            assert last == date.lower
            assert summary.endswith(
                f"(ongoing since {date.start.display()})"
                if date.end_kind == "open"
                else f"({date.start.display()}, end not known)"
            )
        else:
            assert last == date.upper
            if date.precision != "day" or date.qualifier is not None:
                assert f"({date.display()}" in summary

    for slide in json.loads(export(timeline, "timelinejs"))["events"]:
        date = shown[slide["unique_id"]]
        words, first, last = _timelinejs_reading(slide)
        if words is not None:
            assert words == date.display()
        else:
            assert date.qualifier is None
            assert (first, last) == (date.lower, date.upper)


# --- large files: the streamed path writes the same bytes ---------------------------


def _many(small_doc: dict, count: int) -> dict:
    """``small_doc``'s events repeated ``count`` times over, each with its own id."""
    events = []
    for i in range(count):
        for event in small_doc["events"]:
            events.append(dict(event, id=f"{event['id']}-{i}"))
    small_doc["events"] = events
    return small_doc


FILTERS = {
    "no select": None,
    "every event": lambda tl: tl,
    "military": lambda tl: tl.filter(categories=["military"]),
    "2025 on": lambda tl: tl.filter(start="2025"),
    "nothing": lambda tl: tl.filter(categories=["none-such"]),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(FILTERS))
def test_streamed_export_is_byte_for_byte_the_in_memory_one(
    tmp_path, small_doc, monkeypatch, fmt, name
):
    """In halves, a few events a batch, each format writes exactly what export() writes."""
    from eventline import export as export_package
    from eventline import io, quick

    path = tmp_path / "events.json"
    path.write_text(io.dumps(eventline.load(write_json(path, _many(small_doc, 9)))), "utf-8")
    select = FILTERS[name] or (lambda tl: tl)
    expected = export(select(eventline.load(path)), fmt)
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(export_package, "_BATCH", 4)
    pieces, count = export_package.export_file(path, fmt, FILTERS[name])
    pieces = list(pieces)
    assert b"".join(pieces) == expected.encode()
    assert count == len(select(eventline.load(path)))
    if name != "nothing":
        assert len(pieces) > 2  # the streamed path, not one text made in memory


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(FILTERS))
def test_streamed_export_into_a_file_is_byte_for_byte_the_in_memory_one(
    tmp_path, small_doc, monkeypatch, fmt, name
):
    """Written straight into the output file, in halves, each format is export()'s bytes."""
    from eventline import export as export_package
    from eventline import io, quick

    path = tmp_path / "events.json"
    path.write_text(io.dumps(eventline.load(write_json(path, _many(small_doc, 9)))), "utf-8")
    select = FILTERS[name] or (lambda tl: tl)
    expected = export(select(eventline.load(path)), fmt).encode()
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(export_package, "_BATCH", 4)
    out = tmp_path / "out" / f"export.{fmt}"
    out.parent.mkdir()
    count = export_package.export_to(path, fmt, out, FILTERS[name])
    assert out.read_bytes() == expected
    assert count == len(select(eventline.load(path)))
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_streamed_export_into_a_file_without_copy_file_range(tmp_path, small_file, monkeypatch):
    """Where the kernel cannot copy between the files (EXDEV), the bytes are the same."""
    import errno
    import os

    from eventline import export as export_package
    from eventline import quick

    refused = []

    def refuse(*args: Any) -> int:
        refused.append(args)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    expected = export(eventline.load(small_file), "ics").encode()
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    out = tmp_path / "out.ics"
    export_package.export_to(small_file, "ics", out)
    assert out.read_bytes() == expected
    assert refused  # the second half was appended without the kernel's copy


def test_streamed_csv_into_a_file_starts_with_the_bom(tmp_path, small_file, monkeypatch):
    """--bom's mark comes first when the halves write into the output file."""
    from eventline import export as export_package
    from eventline import quick

    expected = b"\xef\xbb\xbf" + export(eventline.load(small_file), "csv").encode()
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    out = tmp_path / "out.csv"
    export_package.export_to(small_file, "csv", out, bom=True)
    assert out.read_bytes() == expected


def test_export_into_a_file_keeps_the_permissions_of_the_file_it_replaces(
    tmp_path, small_file, monkeypatch
):
    """As every writer does (atomic_write): the replaced file's mode stays."""
    from eventline import export as export_package
    from eventline import quick

    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    out = tmp_path / "out.ics"
    out.write_text("old")
    out.chmod(0o640)
    export_package.export_to(small_file, "ics", out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_of_an_invalid_large_file_leaves_the_output_as_it_was(
    tmp_path, small_doc, monkeypatch, fmt
):
    """An invalid file found out in halves: InvalidDataError, the old output, no temporary file."""
    from eventline import export as export_package
    from eventline import io, quick

    path = tmp_path / "events.json"
    path.write_text(io.dumps(eventline.load(write_json(path, _many(small_doc, 9)))), "utf-8")
    # The last event cites a source that is not declared: only the proof sees it.
    text = path.read_text("utf-8")
    at = text.rindex('"source": "')
    path.write_text(text[:at] + '"source": "nowhere-' + text[at + len('"source": "') :], "utf-8")
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)
    out = tmp_path / "out" / f"export.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"old")
    with pytest.raises(eventline.InvalidDataError):
        export_package.export_to(path, fmt, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.sampled_from(sorted(FORMATS)))
def test_streamed_export_of_generated_timelines_is_the_in_memory_one(
    tmp_path_factory, timeline, fmt
):
    """For any valid canonical file, the two-halves path writes export()'s bytes."""
    from eventline import export as export_package
    from eventline import io, quick

    path = tmp_path_factory.mktemp("stream") / "events.json"
    path.write_text(io.dumps(timeline), encoding="utf-8")
    old = quick.PARALLEL_BYTES, export_package._BATCH
    quick.PARALLEL_BYTES, export_package._BATCH = 0, 2
    try:
        pieces, _ = export_package.export_file(path, fmt)
        expected = export(eventline.load(path), fmt).encode()
        assert b"".join(pieces) == expected
        out = path.with_name(f"out.{fmt}")
        export_package.export_to(path, fmt, out)
        assert out.read_bytes() == expected
    finally:
        quick.PARALLEL_BYTES, export_package._BATCH = old


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_writers_read_from_records_what_a_canonical_file_holds(timeline):
    """The event documents the writers get from records equal the canonical file's own."""
    from eventline import io

    text = io.dumps(timeline)
    assert list(io.event_documents(timeline)) == json.loads(text)["events"]


def test_editing_a_returned_slide_leaves_the_next_export_unchanged(small_file):
    """Date parts are worked out once per date, but each slide gets its own copy."""
    timeline = eventline.load(small_file)
    expected = json.dumps(timeline.to_timelinejs())
    for slide in timeline.to_timelinejs()["events"]:
        slide["start_date"]["year"] = 1
        slide.get("end_date", {})["year"] = 1
    assert json.dumps(timeline.to_timelinejs()) == expected
