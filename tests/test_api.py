"""The Python API: eventline.load(), Timeline, validate(), Problem."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

import eventline
from eventline import EventDate, InvalidDataError, Timeline, io

from .conftest import write_json


def test_load_returns_the_packaged_timeline_sorted():
    """load() with no path gives the shipped dataset in canonical order."""
    tl = eventline.load()
    assert isinstance(tl, Timeline)
    keys = [e.sort_key for e in tl]
    assert keys == sorted(keys)
    assert len(tl) == len(json.loads(io.packaged_data_path().read_text("utf-8"))["events"])


def test_timeline_sorts_events_given_in_any_order():
    """A Timeline built from shuffled events holds them in sort-key order, events
    with the same date (one shared date object or equal ones) ordered by id."""
    events = list(eventline.load())
    shared = EventDate.parse("2025-02-12")
    events += [
        attrs.evolve(events[0], id="zz-same-day", date=shared),
        attrs.evolve(events[0], id="aa-same-day", date=shared),
        attrs.evolve(events[0], id="mm-same-day", date=attrs.evolve(shared)),
        attrs.evolve(events[0], id="ongoing", date=EventDate.parse("2025-02-12/..")),
    ]
    shuffled = events[1::2] + events[::2][::-1]
    timeline = Timeline(title="T", events=shuffled)
    assert [e.id for e in timeline] == [e.id for e in sorted(events, key=lambda e: e.sort_key)]
    assert [e.sort_key for e in timeline] == sorted(e.sort_key for e in events)
    assert timeline.get("mm-same-day") is events[-2]


def test_timeline_behaves_as_a_sequence(small_file):
    """len, indexing, slicing, iteration and lookup by id."""
    tl = eventline.load(small_file)
    assert len(tl) == 5
    assert tl[0].id == "annexation"
    assert tl[-1].id == "conference"
    assert [e.id for e in tl[1:3]] == ["invasion", "war"]
    assert [e.title for e in tl] == ["Annexation", "Invasion", "War", "Call", "Conference"]
    assert tl.get("call") is tl[3]
    assert tl.get("nope") is None


def test_tables_are_looked_up_by_id(small_file):
    """categories, actors and sources are mappings from id to record."""
    tl = eventline.load(small_file)
    assert tl.categories["diplomacy"].color == "#1f77b4"
    assert tl.actors["putin"].name == "Vladimir Putin"
    assert tl.sources["article"].published == EventDate.parse("2025-02-13")
    assert list(tl.categories) == ["diplomacy", "military"]


def test_records_are_frozen(small_file):
    """Records cannot be changed in place; attrs.evolve makes a changed copy."""
    event = eventline.load(small_file)[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.title = "Changed"  # type: ignore[misc]
    assert attrs.evolve(event, title="Changed").title == "Changed"


class TestFilter:
    def test_window_keeps_overlapping_spans(self, small_file):
        """An event is kept when the span it could fall in meets the window."""
        tl = eventline.load(small_file)
        assert [e.id for e in tl.filter(start="2022-02-10", end="2022-02-20")] == ["invasion"]
        assert [e.id for e in tl.filter(start="2024")] == ["war", "call", "conference"]
        assert [e.id for e in tl.filter(end="2014-06")] == ["annexation"]
        assert [e.id for e in tl.filter(start=dt.date(2025, 2, 16))] == ["war", "conference"]

    def test_criteria_combine_with_and_values_with_or(self, small_file):
        """Each criterion narrows; several values of one criterion mean any of them."""
        tl = eventline.load(small_file)
        assert [e.id for e in tl.filter(categories=["military"], actors=["putin"])] == [
            "annexation",
            "invasion",
        ]
        assert [e.id for e in tl.filter(tags=["territory", "phone-call"])] == ["annexation", "call"]
        assert [
            e.id
            for e in tl.filter(
                start="2025-01-01",
                end="2025-02-28",
                categories=["diplomacy"],
                actors=["trump"],
                tags=[],
            )
        ] == ["call"]

    def test_empty_criteria_keep_everything(self, small_file):
        """None or [] for a criterion does not filter."""
        tl = eventline.load(small_file)
        assert tl.filter(categories=[], actors=None, tags=[]) == tl

    def test_a_bad_date_raises_date_error(self, small_file):
        """A filter date outside the grammar raises DateError with the reason."""
        with pytest.raises(eventline.DateError, match="day is out of range"):
            eventline.load(small_file).filter(start="2025-02-30")

    def test_used_keeps_only_referenced_tables(self, small_file):
        """used() drops categories, actors and sources the events do not name."""
        tl = eventline.load(small_file).filter(categories=["military"]).used()
        assert list(tl.categories) == ["military"]
        assert list(tl.actors) == ["putin"]


class TestLoadErrors:
    def test_invalid_file_raises_with_every_problem(self, tmp_path, small_doc):
        """load() raises one InvalidDataError carrying all the problems; nothing half-loaded."""
        small_doc["events"][0]["date"] = "2014-13"
        small_doc["events"][1]["category"] = "nope"
        path = write_json(tmp_path / "bad.json", small_doc)
        with pytest.raises(InvalidDataError) as error:
            eventline.load(path)
        assert [str(p) for p in error.value.problems] == [
            f'{path}: events[0] (id "annexation"): date "2014-13": '
            "month 13 does not exist; months run from 01 to 12",
            f'{path}: events[1] (id "invasion"): category "nope": '
            'no category has this id; declare it in "categories"',
        ]
        assert str(error.value).splitlines() == [str(p) for p in error.value.problems]

    def test_missing_file_raises(self, tmp_path):
        """A missing file is a problem too, not an OSError."""
        with pytest.raises(InvalidDataError, match="no such file"):
            eventline.load(tmp_path / "none.json")

    def test_load_accepts_a_non_canonical_file(self, tmp_path, small_doc):
        """Form is validate's business; load() reads any valid file and sorts it."""
        small_doc["events"].reverse()
        tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
        assert tl[0].id == "annexation"


def test_validate_returns_problem_records(tmp_path, small_doc):
    """validate() returns frozen Problem records with location, id, field and value."""
    small_doc["events"][3]["date"] = "2025-02-30"
    path = write_json(tmp_path / "e.json", small_doc)
    (problem,) = eventline.validate(path, name="e.json")
    assert attrs.asdict(problem) == {
        "file": "e.json",
        "message": "day is out of range for month (February 2025 has 28 days)",
        "location": "events[3]",
        "id": "call",
        "field": "date",
        "value": '"2025-02-30"',
    }


def test_problem_values_show_invisible_characters(tmp_path, small_doc):
    """A right-to-left override in a bad value is escaped so the line reads true."""
    small_doc["events"][0]["title"] = "\u202eevil\n"
    path = write_json(tmp_path / "e.json", small_doc)
    (problem,) = eventline.validate(path, name="e.json")
    assert problem.value == '"\\u202eevil\\n"'


def test_dump_load_round_trip(small_file):
    """Loading and dumping a canonical file gives back its bytes."""
    assert io.dumps(eventline.load(small_file)) == small_file.read_text("utf-8")


def test_version_comes_from_metadata():
    """__version__ is the installed distribution's version."""
    from importlib.metadata import version

    assert eventline.__version__ == version("eventline")


def test_public_api_is_named():
    """__all__ lists what the README promises."""
    for name in (
        "load",
        "validate",
        "EventDate",
        "Timeline",
        "Event",
        "Problem",
        "InvalidDataError",
    ):
        assert name in eventline.__all__
