"""Free-text dates ("Feb 2022", "March 18th, 2014", "Feb 14-16, 2025") into the grammar.

python-dateutil reads the text; because it fills missing fields from a
default, each text is parsed against two different defaults and only the
fields that agree are kept: "February 2022" stays a month, never a made-up
1 February. Whatever comes out is checked by :meth:`EventDate.parse`.
"""

from __future__ import annotations

import datetime as dt
import re

from eventline.dates import DateError, EventDate

__all__ = ["MONTH_NAMES", "MONTH_RE", "from_text", "month_number"]

MONTH_NAMES = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DASH = r"\s*(?:-|–|—|to|through|until)\s*"
_DAY_MONTH_RANGE = re.compile(
    rf"(?P<d1>\d{{1,2}}){_ORD}{_DASH}(?P<d2>\d{{1,2}}){_ORD}\s+(?P<m>{MONTH_RE})\s+(?P<y>\d{{4}})",
    re.I,
)
_MONTH_DAY_RANGE = re.compile(
    rf"(?P<m>{MONTH_RE})\s+(?P<d1>\d{{1,2}}){_ORD}{_DASH}(?P<d2>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})",
    re.I,
)
_RANGE_SPLIT = re.compile(r"\s+(?:to|through|until)\s+|\s*[–—]\s*|\s+-\s+", re.I)
_APPROX = re.compile(r"(?:circa|c\.|ca\.|about|around|approximately|approx\.)\s*(?P<rest>.+)", re.I)
_SINCE = re.compile(r"since\s+(?P<rest>.+)", re.I)
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
_WEEKDAY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I
)
_DEFAULTS = (dt.datetime(2000, 1, 1, 1, 1), dt.datetime(2004, 2, 2, 2, 2))
_EXAMPLE = "write e.g. 2025-02-12, 12 February 2025, February 2022 or 2014"


def month_number(name: str) -> int:
    """1 to 12 for an English month name or abbreviation ("Sept.", "February")."""
    return MONTH_NAMES[name.rstrip(".").lower()]


def _canonical(year: int, month: int | None = None, day: int | None = None) -> str:
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _fields(text: str, dayfirst: bool | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) that ``text`` really gives; None for each it leaves out."""
    from dateutil import parser

    results = []
    for default in _DEFAULTS:
        try:
            results.append(parser.parse(text, default=default, dayfirst=bool(dayfirst)))
        except (ValueError, OverflowError) as error:
            message = str(error).split(":", 1)[0]
            if "out of range" in message or "must be in" in message:
                raise DateError(f"{text!r} does not exist: {message}") from None
            raise DateError(f"no date found in {text!r}; {_EXAMPLE}") from None
    first, second = results
    if (first.hour, first.minute) == (second.hour, second.minute):
        raise DateError("times are not stored; give the day only, e.g. 12 February 2025")
    year = first.year if first.year == second.year else None
    month = first.month if first.month == second.month else None
    day = first.day if first.day == second.day else None
    return year, month, day


def _single(text: str, dayfirst: bool | None) -> tuple[int, int | None, int | None]:
    try:
        date = EventDate.parse(text)
    except DateError:
        pass
    else:
        if not date.is_interval and date.qualifier is None:
            return date.start.year, date.start.month, date.start.day
    numeric = _NUMERIC.fullmatch(text)
    if numeric and dayfirst is None:
        a, b = int(numeric.group(1)), int(numeric.group(2))
        if a <= 12 and b <= 12 and a != b:
            year = numeric.group(3)
            readings = [f"{year}-{b:02d}-{a:02d}", f"{year}-{a:02d}-{b:02d}"]
            if len(year) == 4:
                both = " or ".join(readings)
                hint = f"write {both}, or say which with --dayfirst or --monthfirst"
            else:
                hint = "write it as YYYY-MM-DD"
            raise DateError(f"{text!r} is ambiguous (day first or month first?); {hint}")
    year, month, day = _fields(text, dayfirst)
    if year is None and month is None and day is None and _WEEKDAY.search(text):
        raise DateError(
            f"{text!r} names a weekday, not a date; give the date, e.g. 12 February 2025"
        )
    if year is None:
        raise DateError(f"{text!r} has no year; {_EXAMPLE}")
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        raise DateError(f"{text!r}: write the year with four digits")
    if day is not None and month is None:
        raise DateError(f"{text!r} has a day but no month; {_EXAMPLE}")
    return year, month, day


def _range(text: str, dayfirst: bool | None) -> str | None:
    for pattern in (_MONTH_DAY_RANGE, _DAY_MONTH_RANGE):
        match = pattern.fullmatch(text)
        if match:
            year, month = int(match["y"]), month_number(match["m"])
            return (
                f"{_canonical(year, month, int(match['d1']))}/"
                f"{_canonical(year, month, int(match['d2']))}"
            )
    parts = _RANGE_SPLIT.split(text)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return None
    head, tail = (p.strip(" ,") for p in parts)
    end = _single(tail, dayfirst)
    try:
        start = _single(head, dayfirst)
    except DateError:
        # "February 14 – March 2, 2025": the start takes the end's year.
        start = _single(f"{head} {end[0]}", dayfirst)
    return f"{_canonical(*start)}/{_canonical(*end)}"


def from_text(text: str, dayfirst: bool | None = None) -> EventDate:
    """A date of the grammar from the grammar itself or from free text, keeping its precision.

    ``February 2022`` → ``2022-02``; ``24 February 2022`` → ``2022-02-24``;
    ``Feb 14-16, 2025`` → ``2025-02-14/2025-02-16``; ``circa 2014`` →
    ``2014~``; ``since February 24, 2022`` → ``2022-02-24/..``.

    Args:
        text: what the user typed.
        dayfirst: for all-numeric dates such as ``02/03/2025``: True reads the
            day first, False the month first; None refuses an ambiguous one.

    Raises:
        DateError: no date, a date that does not exist, an ambiguous numeric
            date, a weekday alone, a missing year, or a time; the message
            says what to type instead.
    """
    text = " ".join(text.split())
    if not text:
        raise DateError(f"is empty; {_EXAMPLE}")
    try:
        return EventDate.parse(text)
    except DateError as error:
        grammar_error = error
    if (since := _SINCE.fullmatch(text)) is not None:
        start = from_text(since["rest"], dayfirst)
        if start.is_interval or start.qualifier:
            raise DateError(f"{text!r}: give one date after 'since'")
        return EventDate.parse(f"{start}/..")
    if (approx := _APPROX.fullmatch(text)) is not None:
        inner = from_text(approx["rest"], dayfirst)
        if inner.is_interval or inner.qualifier:
            raise DateError(f"{text!r}: give one date after {text.split()[0]!r}")
        return EventDate.parse(f"{inner}~")
    if text.endswith("?"):
        inner = from_text(text[:-1], dayfirst)
        if inner.is_interval or inner.qualifier:
            raise DateError(f"{text!r}: a '?' follows a single date")
        return EventDate.parse(f"{inner}?")
    if re.fullmatch(r"[0-9?~%/.\-]+", text) and not _NUMERIC.fullmatch(text):
        # It looks like the grammar; its own message is the most precise.
        raise grammar_error
    ranged = _range(text, dayfirst)
    if ranged is not None:
        return EventDate.parse(ranged)
    return EventDate.parse(_canonical(*_single(text, dayfirst)))
