"""Exports: JSON, CSV, iCalendar and TimelineJS, each read back by the tool it is for."""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
import json
from pathlib import Path

import icalendar
import pytest

import eventline
from eventline.export import FORMATS, export

from .conftest import HOSTILE, REPO, browser_required, write_json
from .golden import check_golden
from .test_page import Page

FORMULA = '=HYPERLINK("http://x")'
TIMELINEJS = REPO / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
SUFFIX = {"json": "json", "csv": "csv", "ics": "ics", "timelinejs": "json"}


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


class TestIcs:
    def test_icalendar_reads_every_event_with_its_dates(self, small_file):
        """icalendar parses the file; each event's dates, UID and summary are right."""
        tl = eventline.load(small_file)
        calendar = icalendar.Calendar.from_ical(tl.to_ics())
        events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
        assert set(events) == {f"{e.id}@eventline" for e in tl}
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
            vevent = events[f"{event_id}@eventline"]
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
            if e["UID"] == "call@eventline"
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
