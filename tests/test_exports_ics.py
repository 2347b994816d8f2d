"""The iCalendar writer's own rules, checked against their definitions:
folding by octets (RFC 5545, 3.1) and TEXT escaping (3.3.11)."""

from __future__ import annotations

import attrs
import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eventline
from eventline.dates import DateError
from eventline.export import ics
from eventline.i18n import language

# Characters of one to four octets in UTF-8, the TEXT specials, and each kind
# of line break.
_CHARS = st.sampled_from([*'ab ,;\\\r\n:"', "é", "ж", "\u2068", "“", "”", "日", "😀"])
_LINES = st.text(_CHARS, max_size=400) | st.text(max_size=400)


def _folded_by_definition(line: str) -> str:
    """RFC 5545, 3.1: lines of at most 75 octets, each continuation after CRLF
    and a space (counted in the 75), each piece as long as can be without
    cutting a UTF-8 character."""
    pieces, piece, size, room = [], "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > room:
            pieces.append(piece)
            piece, size, room = "", 0, 74
        piece += char
        size += width
    return "\r\n ".join([*pieces, piece])


@given(_LINES)
def test_a_line_folds_at_75_octets_on_character_boundaries(line):
    assert ics._fold(line) == _folded_by_definition(line)


def test_ascii_lines_of_every_length_fold_at_75_then_every_74():
    """Up to 400 octets, and around the longest line cut in one call."""
    for size in [*range(400), *range(ics._CUT_MAX - 2, ics._CUT_MAX + 3)]:
        line = "".join(chr(33 + i % 90) for i in range(size))
        assert ics._fold(line) == _folded_by_definition(line)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(_CHARS, min_size=1, max_size=60), min_size=1, max_size=4))
def test_each_value_reads_back_as_written(values):
    """Titles and summaries with TEXT specials, line breaks and wide characters
    come back from icalendar as written; a value holding the character that
    joins a batch for its one escaping pass is escaped on its own."""
    tl = eventline.load()  # the shipped dataset
    events = [
        attrs.evolve(e, title=f"{v}\x00" if i == 0 else v, summary=v[::-1])
        for i, (e, v) in enumerate(zip(tl.events, values * len(tl.events), strict=False))
    ]
    calendar = icalendar.Calendar.from_ical(attrs.evolve(tl, events=tuple(events)).to_ics())
    read = [(str(v["SUMMARY"]), str(v["DESCRIPTION"])) for v in calendar.walk("VEVENT")]
    for event, (summary, description) in zip(events, read, strict=True):
        assert summary.startswith(_read_back(event.title))
        assert description.startswith(_read_back(event.summary))


def _read_back(value: str) -> str:
    # A calendar reads every line break as LF; FSI ... PDI isolate a value
    # that holds right-to-left or isolate characters.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return ics.isolate(value)


def _day_text(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


# Days of the grammar's shape, some that do not exist (year 0, 31 April,
# 29 February of a common year), and the last day there is.
_DAYS = st.builds(
    _day_text, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)
) | st.sampled_from(["9999-12-31", "9999-12-30", "2024-02-29", "2025-02-29", "0001-01-01"])
_DATES = (
    _DAYS
    | st.builds("{}/{}".format, _DAYS, _DAYS)
    | st.builds("{}{}".format, _DAYS, st.sampled_from(["?", "~", "%", "/..", "/"]))
    | st.sampled_from(["2025", "2025-02", "2025-02-14/2025-03", "٢٠٢٥-٠٢-١٤", "2025-2-14"])
)


def _when_or_error(when, text, lang):
    try:
        return when(text, lang)
    except DateError as error:
        return str(error)


@settings(max_examples=300)
@given(_DATES, st.sampled_from(["en", "de"]))
def test_plain_days_and_intervals_of_them_take_a_path_with_the_general_lines(text, tag):
    """A day or a day-to-day interval gives the DTSTART, DTEND and summary
    words (or the error) that parsing the date into an EventDate gives."""
    lang = language(tag)
    assert _when_or_error(ics._when, text, lang) == _when_or_error(ics._when_parsed, text, lang)


def test_events_written_a_few_at_a_time_give_the_same_calendar(monkeypatch):
    """The writer takes a batch in chunks: the seams between them change nothing."""
    tl = eventline.load()  # the shipped dataset: quotes, places, tags, some missing
    whole = tl.to_ics()
    monkeypatch.setattr(ics, "_CHUNK", 2)
    assert tl.to_ics() == whole
