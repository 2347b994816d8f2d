"""Free-text dates become the grammar, keeping exactly what the text gave, or are refused with why."""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eventline
from eventline import DateError, EventDate
from eventline.freetext import read

CORPUS = Path(__file__).parent / "cases" / "freetext" / "dates.tsv"


def _corpus() -> list[tuple[str, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, stored, message = [*line.split("\t"), ""][:3]
            rows.append((text, stored, message))
    return rows


def test_the_corpus_is_large_and_has_no_repeats():
    """At least 200 inputs, each once, and both kinds of row."""
    rows = _corpus()
    assert len(rows) >= 200
    assert len({text for text, _, _ in rows}) == len(rows)
    assert sum(stored == "!" for _, stored, _ in rows) >= 60


@pytest.mark.parametrize(("text", "stored", "message"), _corpus(), ids=lambda v: v[:40])
def test_corpus(text, stored, message):
    """Each input gives its stored value and notice, or exactly its refusal."""
    if stored == "!":
        with pytest.raises(DateError) as error:
            read(text)
        assert str(error.value) == message
    else:
        reading = read(text)
        assert (str(reading.date), " ".join(reading.notices)) == (stored, message)


def test_dayfirst_and_monthfirst_settle_numeric_dates():
    """--dayfirst / --monthfirst choose the reading of 02/03/2025 and 02-03-2025."""
    assert str(EventDate.from_text("02/03/2025", dayfirst=True)) == "2025-03-02"
    assert str(EventDate.from_text("02/03/2025", dayfirst=False)) == "2025-02-03"
    assert str(EventDate.from_text("02-03-2025", dayfirst=True)) == "2025-03-02"
    assert str(EventDate.from_text("2/3/2025 - 4/3/2025", dayfirst=True)) == (
        "2025-03-02/2025-03-04"
    )


def test_white_space_runs_count_as_one_space():
    """Surrounding and repeated white space is not part of the date."""
    assert str(EventDate.from_text("  February   2022 \n")) == "2022-02"


def test_empty_text_is_refused():
    """An empty --date says so."""
    with pytest.raises(DateError, match=r"^is empty; write e\.g\. 2025-02-12"):
        EventDate.from_text("   ")


def test_a_time_is_refused_unless_notices_are_collected():
    """Without a notices list the time is refused, with it the day is kept and the notice given."""
    with pytest.raises(DateError) as error:
        EventDate.from_text("12 February 2025, 10:00")
    assert str(error.value) == (
        "'12 February 2025, 10:00' has a time of day, and times are not stored; "
        "give the day only, e.g. 2025-02-12"
    )
    notices: list[str] = []
    assert str(EventDate.from_text("12 February 2025, 10:00", notices=notices)) == "2025-02-12"
    assert notices == [
        "'12 February 2025, 10:00': the time of day (10:00) was dropped; dates are stored as days"
    ]


def test_no_field_comes_from_a_default():
    """Year-less, month-less and two-digit-year texts are refused, never completed."""
    for text in ("March 3", "the 3rd", "Feb 24, 22", "24/02/22", "February"):
        with pytest.raises(DateError):
            EventDate.from_text(text)


def test_the_grammar_is_read_as_the_grammar():
    """Every date of the grammar is itself, and its own errors stay precise."""
    for text in ("2025-02-14/2025-02-16", "2022-02-24/..", "2014%", "2025-02-12~/"):
        assert str(EventDate.from_text(text)) == text
    with pytest.raises(
        DateError, match=r"^the interval ends before it starts \(2013 is before 2014\)$"
    ):
        EventDate.from_text("2014/2013")


@st.composite
def _points(draw: st.DrawFn) -> str:
    year = draw(st.integers(1, 9999))
    qualifier = draw(st.sampled_from(["", "?", "~", "%"]))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}{qualifier}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}{qualifier}"
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}{qualifier}"


@st.composite
def _dates(draw: st.DrawFn) -> EventDate:
    start = draw(_points())
    form = draw(st.sampled_from(["single", "open", "unknown", "closed"]))
    if form == "single":
        return EventDate.parse(start)
    if form == "open":
        return EventDate.parse(f"{start}/..")
    if form == "unknown":
        return EventDate.parse(f"{start}/")
    a, b = sorted([EventDate.parse(start), EventDate.parse(draw(_points()))], key=_key)
    return EventDate.parse(f"{a}/{b}")


def _key(date: EventDate) -> tuple[object, ...]:
    return (date.lower, date.upper)


@settings(max_examples=400, deadline=None)
@given(_dates())
def test_display_text_reads_back_as_the_same_date(date):
    """from_text(d.display()) == d for every date of the grammar, years 1 to 9999."""
    got = EventDate.from_text(date.display())
    if date.end is not None and date.start == date.end:
        # "2014/2014" is displayed as "2014": the same days, written once.
        assert (got.lower, got.upper) == (date.lower, date.upper)
    else:
        assert got == date


def test_notice_goes_to_stderr_and_the_day_is_stored(run, small_file):
    """eventline add with a time keeps the day and says on stderr that the time was dropped."""
    result = run(
        "add",
        "--data",
        str(small_file),
        "--title",
        "X",
        "--date",
        "Feb 12, 2025 at 3 p.m.",
        "--category",
        "military",
        "--source",
        "article",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "notice: 'Feb 12, 2025 at 3 p.m.': the time of day (3 p.m.) was dropped; "
        "dates are stored as days\n"
    )
    assert str(eventline.load(small_file).get("x").date) == "2025-02-12"


def test_from_filter_reads_free_text_with_its_year_as_written(run, small_file):
    """--from "January 1, 0050" filters from the year 50, not 2050."""
    result = run("list", "--data", str(small_file), "--from", "January 1, 0050")
    assert result.exit_code == 0
    later = run("list", "--data", str(small_file), "--from", "January 1, 2050")
    assert result.stdout != later.stdout


def test_add_refuses_a_contradicting_weekday(run, small_file):
    """A weekday that is not the date's is refused naming the real one, exit 2."""
    result = run(
        "add",
        "--data",
        str(small_file),
        "--title",
        "X",
        "--date",
        "Thursday, 12 February 2025",
        "--category",
        "military",
        "--source",
        "article",
    )
    assert result.exit_code == 2
    assert "12 February 2025 is a Wednesday, not a Thursday" in result.stderr


_WORDS = st.sampled_from(
    [
        "Feb",
        "february",
        "the",
        "of",
        "1st",
        "24th",
        "2022",
        "0079",
        "-",
        "–",
        "to",
        "between",
        "and",
        ",",
        "(",
        ")",
        "?",
        "about",
        "since",
        "10:00",
        "Wednesday",
        "Thu.",
        "12",
        "31",
        "99",
        "2/3/2025",
        "2025-02-12",
        "from",
        "onwards",
        "end",
        "unknown",
        "AD",
        "BC",
        "1970s",
        "late",
        "spring",
        "Q1",
        ".",
        "twenty",
        "first",
        "uncertain",
        "'22",
        "0",
        "Sept.",
        "U.S.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=8).map(" ".join) | st.text(max_size=20))
def test_any_text_gives_a_date_or_a_date_error(text):
    """No input makes from_text fail otherwise, and what it returns is a date of the grammar."""
    try:
        date = EventDate.from_text(text, notices=[])
    except DateError as error:
        message = str(error)
    else:
        message = ""
        assert EventDate.parse(str(date)) == date
    assert "Traceback" not in message
