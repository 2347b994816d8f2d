"""TimelineJS in: Knight Lab's TimelineJS3 JSON, or its Google Sheets template saved as CSV.

Each slide becomes an event: ``headline`` → ``title``, ``text`` → ``summary``
(its HTML reduced to plain text), ``group`` → a category (its id a slug of
the group, its label the group), ``unique_id`` → ``id`` when it is a slug
(else a slug of the headline), and the start and end dates → the date, with
the precision of the parts present (a year alone is a year; year and month
a month). The title slide's headline and text become the timeline's title and
description.

TimelineJS has no sources, so every event cites the placeholder source
``source-needed``, which ``eventline validate`` flags until each citation
names the real source. What has no place in the data format (times, display
dates, media, backgrounds, eras, links inside text) is listed, one line each,
in the notes; nothing is dropped silently.

The template's columns: Year, Month, Day, Time, End Year, End Month, End Day,
End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption,
Media Thumbnail, Type, Group, Background.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from eventline.bidi import unisolate
from eventline.problems import Problem, show_value

__all__ = ["PLACEHOLDER_SOURCE", "SHEET_COLUMNS", "read"]

PLACEHOLDER_SOURCE = {"id": "source-needed", "title": "Source needed: replace with the real source"}
DEFAULT_CATEGORY = {"id": "general", "label": "General"}

SHEET_COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


class _Plain(HTMLParser):
    """Text of an HTML fragment: tags dropped, entities decoded, links collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "img" and found.get("src"):
            self.images.append(found["src"] or "")
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> tuple[str, list[str], list[str]]:
    """An HTML fragment as one line of plain text, with the links and images it had."""
    parser = _Plain()
    parser.feed(fragment)
    parser.close()
    # Matched isolate pairs are how eventline's own TimelineJS export keeps a
    # right-to-left name from reordering its neighbours; the data stores each
    # value bare (every output isolates it again), so they are dropped here.
    text = " ".join(unisolate("".join(parser.parts)).split())
    return text, parser.links, parser.images


def _slug(text: str) -> str:
    from eventline.authoring import slugify

    return slugify(text)


class _Slides:
    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.events: list[dict[str, Any]] = []
        self.categories: dict[str, dict[str, Any]] = {}
        self.ids: set[str] = set()
        self.cells: dict[tuple[str, str, str], str] = {}

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(self.label, message, place))

    def note(self, place: str, message: str) -> None:
        self.notes.append(f"{self.label}: {place}: {message}")

    def number(self, value: Any, place: str, lo: int, hi: int) -> int | None:
        """A date part as a whole number in lo..hi, or None (with a problem) if it is not."""
        if isinstance(value, bool):
            value = None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
            value = int(value)
        if not isinstance(value, int) or not lo <= value <= hi:
            self.problem(place, f"{show_value(value)}: must be a whole number from {lo} to {hi}")
            return None
        return value

    def point(self, parts: dict[str, Any], where: dict[str, str]) -> str | None:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from the parts present."""
        year = self.number(parts["year"], where["year"], 1, 9999)
        text = None if year is None else f"{year:04d}"
        month = parts.get("month")
        if month is not None and text is not None:
            m = self.number(month, where["month"], 1, 12)
            text = None if m is None else f"{text}-{m:02d}"
            day = parts.get("day")
            if day is not None and text is not None:
                d = self.number(day, where["day"], 1, 31)
                text = None if d is None else f"{text}-{d:02d}"
        elif parts.get("day") is not None:
            self.problem(where["day"], "a day without a month; give the month too")
            return None
        return text

    def slide(
        self,
        place: str,
        start: dict[str, Any] | None,
        end: dict[str, Any] | None,
        where: dict[str, str],
        headline: str,
        text: str,
        group: str,
        unique_id: str,
        left: list[tuple[str, Any]],
    ) -> None:
        from eventline.dates import DateError, EventDate

        title, links, images = plain_text(headline)
        if not title:
            self.problem(where["headline"], "is empty; every event needs a headline")
        if start is None or start.get("year") in (None, ""):
            self.problem(where["year"], "is empty; every event needs a start year")
            return
        first = self.point(start, where)
        last = None
        end_where = {k: where["end " + k] for k in ("year", "month", "day")}
        if end is not None and end.get("year") not in (None, ""):
            last = self.point(end, end_where)
        if first is None or (end is not None and end.get("year") not in (None, "") and not last):
            return
        # Each side on its own first, so that a day that does not exist is
        # reported in its Day cell, not the Year's.
        for point, places in ((first, where), (last, end_where)):
            if point is None:
                continue
            try:
                EventDate.parse(point)
            except DateError as error:
                part = ("year", "month", "day")[point.count("-")]
                self.problem(places[part], f"{show_value(point)}: {error}")
                return
        date_text = first if last is None else f"{first}/{last}"
        try:
            date = EventDate.parse(date_text)
        except DateError as error:
            self.problem(end_where["year"], f"{show_value(date_text)}: {error}")
            return
        if not title:
            return
        rid = unique_id if _ID_RE.fullmatch(unique_id) else _slug(title)
        if unique_id and rid != unique_id:
            self.note(place, f"unique_id {show_value(unique_id)} is not a slug; the id is {rid}")
        base, n = rid, 2
        while rid in self.ids:
            rid, n = f"{base}-{n}", n + 1
        if rid != base and unique_id == base:
            self.problem(where["unique_id"], f"{show_value(unique_id)}: this id is already used")
            return
        self.ids.add(rid)
        event: dict[str, Any] = {"id": rid, "title": title, "date": str(date)}
        group_text = plain_text(group)[0]
        category = _slug(group_text) if group_text else DEFAULT_CATEGORY["id"]
        if category not in self.categories:
            self.categories[category] = (
                {"id": category, "label": group_text} if group_text else dict(DEFAULT_CATEGORY)
            )
        event["category"] = category
        summary, more_links, more_images = plain_text(text)
        if summary:
            event["summary"] = summary
        event["citations"] = [{"source": PLACEHOLDER_SOURCE["id"]}]
        self.events.append(event)
        self.cells["events", rid, ""] = place
        for field, key in (("title", "headline"), ("date", "year"), ("summary", "text")):
            self.cells["events", rid, field] = where[key]
        if group_text:
            self.cells["categories", category, "label"] = where["group"]
        for url in [*links, *more_links]:
            self.note(place, f"link {show_value(url)} in the text was not carried over")
        for url in [*images, *more_images]:
            self.note(place, f"image {show_value(url)} in the text was not carried over")
        for what, value in left:
            self.note(place, f"{what} {show_value(value)} was not carried over")

    def result(self, title: str | None, description: str | None) -> Any:
        from eventline.importer import Imported

        doc: dict[str, Any] = {"title": title or "Imported from TimelineJS"}
        if description:
            doc["description"] = description
        if self.categories:
            doc["categories"] = list(self.categories.values())
        doc["sources"] = [dict(PLACEHOLDER_SOURCE)]
        doc["events"] = self.events
        if self.events:
            count = len(self.events)
            self.notes.append(
                f"{self.label}: {count} {'event cites' if count == 1 else 'events cite'} "
                "the placeholder source "
                f'"{PLACEHOLDER_SOURCE["id"]}"; declare the real sources and cite them '
                '("eventline validate" lists each citation to replace)'
            )
        return Imported(
            None if self.problems else doc,
            tuple(self.problems),
            tuple(self.notes),
            cells=dict(self.cells),
            # A group is a label, a title slide a suggestion: neither replaces
            # a category or title the target has already (its colour, say).
            add_only=frozenset({"categories", "sources", "title", "description"}),
        )


def read(path: Path, label: str) -> Any:
    """Read TimelineJS JSON (``.json``) or the Google Sheets template as CSV (any other name).

    Returns:
        An :class:`eventline.importer.Imported` whose notes list what was not carried over.
    """
    from eventline.importer import Imported
    from eventline.importer.sheet import decode_text

    text = decode_text(path.read_bytes(), label)
    if isinstance(text, Problem):
        return Imported(None, (text,))
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_json(text, label)
    return _read_sheet(text, label)


def _read_json(text: str, label: str) -> Any:
    from eventline.importer import Imported

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        at = f"line {error.lineno}, column {error.colno}"
        return Imported(None, (Problem(label, f"invalid JSON: {error.msg}", at),))
    slides = _Slides(label)
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        return Imported(
            None,
            (Problem(label, 'is not TimelineJS JSON: it needs an "events" array of slides'),),
        )
    title = description = None
    if isinstance(doc.get("title"), dict):
        slide = doc["title"]
        body: dict[str, Any] = slide["text"] if isinstance(slide.get("text"), dict) else {}
        title = plain_text(str(body.get("headline") or ""))[0] or None
        description = plain_text(str(body.get("text") or ""))[0] or None
        for key in sorted(set(slide) - {"text"}):
            slides.note("title", f"{key} {show_value(slide[key])} was not carried over")
    for key in sorted(set(doc) - {"title", "events"}):
        value = doc[key]
        if key == "eras" and isinstance(value, list):
            for i, era in enumerate(value):
                slides.note(f"eras[{i}]", f"era {show_value(era)} was not carried over")
        else:
            slides.note(key, f"{show_value(value)} was not carried over")
    for i, slide in enumerate(doc["events"]):
        place = f"events[{i}]"
        if not isinstance(slide, dict):
            slides.problem(place, "must be an object (a slide)")
            continue
        body = slide["text"] if isinstance(slide.get("text"), dict) else {}
        where = {
            "headline": f"{place}.text.headline",
            "unique_id": f"{place}.unique_id",
            "text": f"{place}.text.text",
            "group": f"{place}.group",
            **{k: f"{place}.start_date.{k}" for k in ("year", "month", "day")},
            **{f"end {k}": f"{place}.end_date.{k}" for k in ("year", "month", "day")},
        }
        left: list[tuple[str, Any]] = []
        for side in ("start_date", "end_date"):
            parts = slide.get(side)
            if isinstance(parts, dict):
                for key in sorted(set(parts) - {"year", "month", "day"}):
                    left.append((f"{side}.{key}", parts[key]))
        for key in sorted(set(slide) - {"start_date", "end_date", "text", "group", "unique_id"}):
            left.append((key, slide[key]))
        start = slide.get("start_date") if isinstance(slide.get("start_date"), dict) else None
        end = slide.get("end_date") if isinstance(slide.get("end_date"), dict) else None
        slides.slide(
            place,
            start,
            end,
            where,
            str(body.get("headline") or ""),
            str(body.get("text") or ""),
            str(slide.get("group") or ""),
            str(slide.get("unique_id") or ""),
            left,
        )
    return slides.result(title, description)


def _read_sheet(text: str, label: str) -> Any:
    from eventline.importer import Imported
    from eventline.importer.sheet import delimiter

    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text)))
    if not rows:
        return Imported(None, (Problem(label, "is empty; row 1 names the template's columns"),))
    header = [c.strip() for c in rows[0]]
    index = {name.lower(): i for i, name in enumerate(header) if name}
    missing = [c for c in ("Year", "Headline") if c.lower() not in index]
    unknown = [c for c in header if c and c.lower() not in {s.lower() for s in SHEET_COLUMNS}]
    if missing or unknown:
        problems = [
            Problem(
                label,
                f"no column {show_value(c)}; the template's columns are: "
                + ", ".join(SHEET_COLUMNS),
                "row 1",
            )
            for c in missing
        ] + [
            Problem(
                label,
                f"unknown column {show_value(c)}; the template's columns are: "
                + ", ".join(SHEET_COLUMNS),
                "row 1",
            )
            for c in unknown
        ]
        return Imported(None, tuple(problems))
    slides = _Slides(label)
    title = description = None
    carried = {
        "year",
        "month",
        "day",
        "end year",
        "end month",
        "end day",
        "headline",
        "text",
        "group",
        "type",
    }

    def cell(row: list[str], name: str) -> str:
        i = index.get(name.lower())
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        place = f"row {number}"
        where = {
            name.lower(): f'row {number}, column "{name}"' for name in (*SHEET_COLUMNS, "unique_id")
        }
        kind = cell(row, "Type").lower()
        if kind == "title":
            title = plain_text(cell(row, "Headline"))[0] or None
            description = plain_text(cell(row, "Text"))[0] or None
            for name in SHEET_COLUMNS:
                if name.lower() not in {"headline", "text", "type"} and cell(row, name):
                    slides.note(
                        place,
                        f"title slide: {name} {show_value(cell(row, name))} was not carried over",
                    )
            continue
        if kind == "era":
            slides.note(place, f"era {show_value(cell(row, 'Headline'))} was not carried over")
            continue
        left = [
            (name, cell(row, name))
            for name in SHEET_COLUMNS
            if name.lower() not in carried and cell(row, name)
        ]
        if kind:
            left.append(("Type", cell(row, "Type")))
        start = {k: cell(row, k) or None for k in ("Year", "Month", "Day")}
        end = {k: cell(row, f"End {k}") or None for k in ("Year", "Month", "Day")}
        slides.slide(
            place,
            {k.lower(): v for k, v in start.items()},
            {k.lower(): v for k, v in end.items()},
            where,
            cell(row, "Headline"),
            cell(row, "Text"),
            cell(row, "Group"),
            "",
            left,
        )
    return slides.result(title, description)
