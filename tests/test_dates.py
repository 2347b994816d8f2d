"""The date grammar: a profile of EDTF."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventline import DateError, EventDate
from eventline.dates import DatePoint

from .conftest import REPO

D = dt.date


class TestParse:
    @pytest.mark.parametrize(
        ("text", "lower", "upper", "precision", "qualifier"),
        [
            ("2025-01-20", D(2025, 1, 20), D(2025, 1, 20), "day", None),
            ("2022-02", D(2022, 2, 1), D(2022, 2, 28), "month", None),
            ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", None),
            ("2014", D(2014, 1, 1), D(2014, 12, 31), "year", None),
            ("2014-03?", D(2014, 3, 1), D(2014, 3, 31), "month", "?"),
            ("2025-02-12~", D(2025, 2, 12), D(2025, 2, 12), "day", "~"),
            ("2014%", D(2014, 1, 1), D(2014, 12, 31), "year", "%"),
            ("2025-02-14/2025-02-16", D(2025, 2, 14), D(2025, 2, 16), "day", None),
            ("2014/2014-03", D(2014, 1, 1), D(2014, 3, 31), "year", None),
            ("2025-02-14/2025-02-14", D(2025, 2, 14), D(2025, 2, 14), "day", None),
            ("2022-02-24/..", D(2022, 2, 24), None, "day", None),
            ("2022-02-24/", D(2022, 2, 24), None, "day", None),
            ("2019-02?/2019-03~", D(2019, 2, 1), D(2019, 3, 31), "month", "%"),
            ("0001-01-01", D(1, 1, 1), D(1, 1, 1), "day", None),
            ("9999-12", D(9999, 12, 1), D(9999, 12, 31), "month", None),
        ],
    )
    def test_bounds_precision_and_qualifier(self, text, lower, upper, precision, qualifier):
        """Each form of the grammar has the bounds, precision and qualifier DESIGN gives it."""
        date = EventDate.parse(text)
        assert (date.lower, date.upper, date.precision, date.qualifier) == (
            lower,
            upper,
            precision,
            qualifier,
        )
        assert str(date) == text

    def test_open_and_unknown_ends_are_told_apart(self):
        """`/..` is still ongoing and `/` is not known; both keep their spelling."""
        assert EventDate.parse("2022-02-24/..").end_kind == "open"
        assert EventDate.parse("2022-02-24/").end_kind == "unknown"

    def test_qualifiers_never_widen_bounds(self):
        """`2014-03?` spans exactly March 2014, like `2014-03`."""
        assert EventDate.parse("2014-03?").sort_key == EventDate.parse("2014-03").sort_key

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2025-02-30", "day is out of range for month (February 2025 has 28 days)"),
            ("2023-02-29", "day is out of range for month (February 2023 has 28 days)"),
            ("2025-2-3", "is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-02-12)"),
            (
                "201X",
                "unspecified digits (X) are not supported; use a coarser date such as 2014 or 2014-03",
            ),
            ("-0001", "negative years are not supported; years run from 0001 to 9999"),
            (
                "2025-02-16/2025-02-14",
                "the interval ends before it starts (2025-02-14 is before 2025-02-16)",
            ),
            (
                "2014-03/2014-02-28",
                "the interval ends before it starts (2014-02-28 is before 2014-03)",
            ),
            (" 2025", "has spaces or line breaks around it; remove them"),
            ("2025-02-12\n", "has spaces or line breaks around it; remove them"),
            ("2025-02-12T10:00", "times are not stored; give the day only, e.g. 2025-02-12"),
            (
                "../2025",
                "an open or unknown start is not supported; give the earliest date it can be",
            ),
            (
                "/2025",
                "an open or unknown start is not supported; give the earliest date it can be",
            ),
            ("2022-02-24/..~", "a qualifier cannot stand on an open or unknown end"),
            ("2014?%", "one qualifier per date; use % for uncertain and approximate"),
            (
                "２０２５",
                "contains the non-ASCII character U+FF12; use ASCII digits, '-' and '/' only",
            ),
            (
                "2025\u201102",
                "contains the non-ASCII character U+2011; use ASCII digits, '-' and '/' only",
            ),
            (
                "2025\u221502",
                "contains the non-ASCII character U+2215; use ASCII digits, '-' and '/' only",
            ),
            ("12025", "years have four digits (0001 to 9999)"),
            ("2014-21", "month 21 does not exist; months run from 01 to 12"),
            ("", "is empty; write a date such as 2025-02-12, 2022-02 or 2014"),
        ],
    )
    def test_values_outside_the_grammar_are_refused_with_a_reason(self, text, message):
        """Every rejection says what is wrong and, where it can, what to write."""
        with pytest.raises(DateError) as error:
            EventDate.parse(text)
        assert str(error.value) == message

    def test_a_non_string_is_refused(self):
        """A number from JSON is not silently turned into a year."""
        with pytest.raises(DateError, match="must be a string, not int"):
            EventDate.parse(2025)  # type: ignore[arg-type]


class TestDisplay:
    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("2025-01-20", "20 January 2025"),
            ("2022-02", "February 2022"),
            ("2014", "2014"),
            ("2025-02-14/2025-02-16", "14–16 February 2025"),
            ("2025-01-30/2025-02-02", "30 January – 2 February 2025"),
            ("2022-02/2022-05", "February – May 2022"),
            ("2024-12-30/2025-01-02", "30 December 2024 – 2 January 2025"),
            ("2014/2016", "2014 – 2016"),
            ("2022-02-24/..", "24 February 2022 – ongoing"),
            ("2022-02-24/", "24 February 2022 – end unknown"),
            ("2014~", "about 2014"),
            ("2014-03?", "March 2014 (uncertain)"),
            ("2014-03-18%", "about 18 March 2014 (uncertain)"),
            ("2025-02-14~/2025-02-16~", "about 14–16 February 2025"),
            ("2025-02-14/2025-02-14", "14 February 2025"),
        ],
    )
    def test_dates_read_as_people_write_them(self, text, shown):
        """display() writes the date the way a reader expects, keeping its precision."""
        assert EventDate.parse(text).display() == shown


# --- properties --------------------------------------------------------------

qualifiers = st.sampled_from([None, "?", "~", "%"])


@st.composite
def points(draw: st.DrawFn) -> DatePoint:
    day = draw(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return DatePoint(
        day.year,
        None if precision == "year" else day.month,
        day.day if precision == "day" else None,
        draw(qualifiers),
    )


@st.composite
def event_dates(draw: st.DrawFn) -> EventDate:
    start = draw(points())
    kind = draw(st.sampled_from(["none", "closed", "open", "unknown"]))
    if kind != "closed":
        return EventDate(start, None, kind)
    end = draw(points().filter(lambda p: p.upper >= start.lower))
    return EventDate(start, end, "closed")


@given(event_dates())
def test_format_then_parse_gives_back_the_value(date):
    """str() writes the canonical string and parse() reads back the same value."""
    assert EventDate.parse(str(date)) == date


@given(event_dates(), event_dates())
def test_order_agrees_with_bounds(a, b):
    """Sorting by sort_key puts the earlier possible start first, open ends last."""
    first, second = sorted([a, b], key=lambda d: d.sort_key)
    assert first.lower <= second.lower
    if first.lower == second.lower:
        assert (first.upper or D.max) <= (second.upper or D.max)


@given(event_dates())
def test_bounds_are_ordered(date):
    """The earliest day never comes after the latest."""
    assert date.upper is None or date.lower <= date.upper


_SCHEMA = json.loads((REPO / "src/eventline/schema.json").read_text(encoding="utf-8"))
_DATE_PATTERN = re.compile(_SCHEMA["$defs"]["date"]["pattern"])


@given(st.text(alphabet="0123456789-/.?~%X T", max_size=24))
def test_schema_date_pattern_agrees_with_the_parser(text):
    """Whatever the parser accepts, the schema's pattern accepts; what the pattern
    refuses, the parser refuses. (Only the calendar and interval order are beyond a pattern.)"""
    matched = _DATE_PATTERN.search(text) is not None
    try:
        EventDate.parse(text)
    except DateError as error:
        if matched:
            # a property over arbitrary text: pytest.raises cannot express "may raise".
            assert str(error).startswith(("day is out of range", "the interval ends before")), text  # noqa: PT017
        return
    assert matched, text


@given(event_dates())
def test_schema_date_pattern_accepts_every_date(date):
    """Every date of the grammar matches the schema's pattern."""
    assert _DATE_PATTERN.search(str(date))
