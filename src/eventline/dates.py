"""Event dates: a profile of EDTF (ISO 8601-2).

The profile is Level 0 dates and intervals without times (``2025``,
``2025-02``, ``2025-02-12``, ``2025-02-14/2025-02-16``), plus the Level 1
qualifiers ``?`` (uncertain), ``~`` (approximate) and ``%`` (both), and
Level 1 open (``/..``) and unknown (``/``) interval ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

import attrs

__all__ = ["AmbiguousDateError", "DateError", "DatePoint", "EventDate", "Precision", "Qualifier"]

Precision = Literal["year", "month", "day"]
Qualifier = Literal["?", "~", "%"]
EndKind = Literal["none", "closed", "open", "unknown"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# One side of a date. Only ASCII digits: \d would accept Arabic-Indic and other digits.
_POINT = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?"
_POINT_RE = re.compile(_POINT)
_DATE_RE = re.compile(rf"{_POINT}(?:/(?:{_POINT}|(\.\.)|()))?")

# Values that are never dates, matched only to explain what is wrong.
_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]")
_UNSPECIFIED_RE = re.compile(r"[0-9]*[Xu]")


class DateError(ValueError):
    """A string is not a date of the grammar; ``str(error)`` says why."""


class AmbiguousDateError(DateError):
    """An all-numeric free-text date (``02/03/2025``) that reads both day first and
    month first; pass ``dayfirst=True`` or ``False`` to settle it."""


@attrs.frozen(order=False)
class DatePoint:
    """One side of an event date: a year, a month or a day, maybe qualified.

    Attributes:
        year: 1 to 9999.
        month: 1 to 12, or None for a year.
        day: the day of the month, or None for a year or a month.
        qualifier: ``"?"``, ``"~"``, ``"%"`` or None.
    """

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: Qualifier | None = None

    @property
    def precision(self) -> Precision:
        """``"day"``, ``"month"`` or ``"year"``: how much of the date is known."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def lower(self) -> dt.date:
        """The earliest day this point can be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def upper(self) -> dt.date:
        """The latest day this point can be."""
        if self.day is not None:
            return dt.date(self.year, self.month or 1, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def display_without_year(self) -> str:
        """``24 February`` for a day, ``February`` for a month, ``""`` for a year."""
        if self.month is None:
            return ""
        if self.day is None:
            return _MONTHS[self.month - 1]
        return f"{self.day} {_MONTHS[self.month - 1]}"

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text + (self.qualifier or "")

    def display(self, *, with_qualifier: bool = True) -> str:
        """The point as people read it: ``24 February 2022``, ``February 2022``, ``2014``.

        Years below 100 carry the era, ``24 August AD 79``: a bare ``79`` would
        read as a two-digit year, which free text refuses to guess.
        """
        head = self.display_without_year()
        year = f"AD {self.year}" if self.year < 100 else str(self.year)
        text = f"{head} {year}" if head else year
        return _qualify(text, self.qualifier) if with_qualifier else text


def _qualify(text: str, qualifier: str | None) -> str:
    if qualifier == "~":
        return f"about {text}"
    if qualifier == "?":
        return f"{text} (uncertain)"
    if qualifier == "%":
        return f"about {text} (uncertain)"
    return text


@attrs.frozen(order=False)
class EventDate:
    """When an event happened, as precisely as it is known.

    Build one with :meth:`parse`; ``str(date)`` gives back the canonical
    string, and ``EventDate.parse(str(date)) == date``.

    Attributes:
        start: the date, or the start of an interval.
        end: the end of a closed interval; None otherwise.
        end_kind: ``"none"`` for a single date, ``"closed"`` for an interval
            with a known end, ``"open"`` for ``/..`` (still ongoing) and
            ``"unknown"`` for ``/`` (the end is not known).
    """

    start: DatePoint
    end: DatePoint | None = None
    end_kind: EndKind = "none"

    @classmethod
    def parse(cls, text: str) -> EventDate:
        """Parse a date of the grammar.

        Raises:
            DateError: the text is not a date of the grammar, names a day
                that does not exist, or is an interval that ends before it
                starts. The message says which.
        """
        if not isinstance(text, str):
            raise DateError(f"must be a string, not {type(text).__name__}")
        cached = _PARSED.get(text)
        if cached is not None:
            return cached
        date = cls._parse(text)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = date
        return date

    @classmethod
    def _parse(cls, text: str) -> EventDate:
        match = _DATE_RE.fullmatch(text)
        if match is None:
            raise DateError(_explain(text))
        start = _point(*match.group(1, 2, 3, 4))
        if match.group(9) is not None:
            date = cls(start, None, "open")
        elif match.group(10) is not None:
            date = cls(start, None, "unknown")
        elif match.group(5) is not None:
            end = _point(*match.group(5, 6, 7, 8))
            if start.lower > end.upper:
                raise DateError(f"the interval ends before it starts ({end} is before {start})")
            date = cls(start, end, "closed")
        else:
            date = cls(start)
        return date

    @classmethod
    def from_text(
        cls, text: str, dayfirst: bool | None = None, notices: list[str] | None = None
    ) -> EventDate:
        """A date from the grammar or from free text, keeping the precision the text gave.

        ``February 2022`` → ``2022-02``, ``Feb 14-16, 2025`` →
        ``2025-02-14/2025-02-16``, ``25 Dec - 2 Jan 2016`` →
        ``2015-12-25/2016-01-02``, ``circa 2014`` → ``2014~``, ``since
        February 24, 2022`` → ``2022-02-24/..``. See :func:`eventline.freetext.read`.

        Args:
            text: the grammar or free text.
            dayfirst: how to read an all-numeric date (``02/03/2025``); None
                refuses an ambiguous one.
            notices: a list to which what was read but not stored (a time
                of day) is appended; without it, a time of day is refused.

        Raises:
            DateError: the text has no date, names one that does not exist, is
                ambiguous, vaguer than the grammar (a decade, a season), has a
                weekday its date contradicts, or lacks a year; the message says
                what to type instead.
        """
        from eventline.freetext import from_text

        return from_text(text, dayfirst, notices)

    @property
    def is_interval(self) -> bool:
        """True for ``A/B``, ``A/..`` and ``A/``."""
        return self.end_kind != "none"

    @property
    def lower(self) -> dt.date:
        """The earliest day the event can have started."""
        return self.start.lower

    @property
    def upper(self) -> dt.date | None:
        """The latest day the event can have ended; None for an open or unknown end."""
        if self.end_kind == "none":
            return self.start.upper
        if self.end is not None:
            return self.end.upper
        return None

    @property
    def precision(self) -> Precision:
        """The coarsest precision of the known sides (``"year"`` < ``"month"`` < ``"day"``)."""
        points = [self.start] if self.end is None else [self.start, self.end]
        return min((p.precision for p in points), key=_PRECISION_RANK.__getitem__)

    @property
    def qualifier(self) -> Qualifier | None:
        """The qualifier of the date, or of either side of an interval combined.

        ``?`` and ``~`` on different sides combine to ``%``.
        """
        marks = {q for p in (self.start, self.end) if p is not None for q in (p.qualifier,) if q}
        if not marks:
            return None
        if len(marks) == 1:
            return marks.pop()
        return "%"

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        """(earliest day, latest day), an open or unknown end sorting as latest."""
        return (self.lower, self.upper or dt.date.max)

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """True when the span the event could fall in meets the window ``start..end``."""
        if end is not None and self.lower > end:
            return False
        upper = self.upper
        return start is None or upper is None or upper >= start

    def __str__(self) -> str:
        if self.end_kind == "open":
            return f"{self.start}/.."
        if self.end_kind == "unknown":
            return f"{self.start}/"
        if self.end is not None:
            return f"{self.start}/{self.end}"
        return str(self.start)

    def display(self) -> str:
        """The date as people read it.

        ``February 2022``, ``14–16 February 2025``, ``30 January – 2 February 2025``,
        ``24 February 2022 – ongoing``, ``about 2014``, ``March 2014 (uncertain)``.
        """
        start = self.start
        if self.end_kind == "open":
            return f"{start.display()} – ongoing"
        if self.end_kind == "unknown":
            return f"{start.display()} – end unknown"
        end = self.end
        if end is None:
            return start.display()
        same_qualifier = start.qualifier == end.qualifier
        if same_qualifier and start.precision == end.precision and start.year == end.year:
            if start == end:
                return start.display()
            if start.precision == "day" and start.month == end.month:
                text = f"{start.day}–{end.display(with_qualifier=False)}"
                return _qualify(text, start.qualifier)
            if start.precision in ("day", "month"):
                text = f"{start.display_without_year()} – {end.display(with_qualifier=False)}"
                return _qualify(text, start.qualifier)
        return f"{start.display()} – {end.display()}"


_PRECISION_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}

# Large files repeat the same dates; parsed values are immutable, so share them.
_PARSED: dict[str, EventDate] = {}
_PARSED_MAX = 200_000


def _point(year: str, month: str | None, day: str | None, qualifier: str | None) -> DatePoint:
    y = int(year)
    if y == 0:
        raise DateError("year 0000 does not exist; years run from 0001 to 9999")
    m = None if month is None else int(month)
    if m is not None and not 1 <= m <= 12:
        raise DateError(f"month {month} does not exist; months run from 01 to 12")
    d = None if day is None else int(day)
    if m is not None and d is not None:
        days = calendar.monthrange(y, m)[1]
        if not 1 <= d <= days:
            raise DateError(f"day is out of range for month ({_MONTHS[m - 1]} {y} has {days} days)")
    return DatePoint(y, m, d, qualifier)  # type: ignore[arg-type]


def _explain(text: str) -> str:
    """Why ``text`` is not a date of the grammar, with what to write instead."""
    if text == "":
        return "is empty; write a date such as 2025-02-12, 2022-02 or 2014"
    if text != text.strip():
        return "has spaces or line breaks around it; remove them"
    odd = next((c for c in text if not c.isascii()), None)
    if odd is not None:
        return (
            f"contains the non-ASCII character U+{ord(odd):04X}; use ASCII digits, '-' and '/' only"
        )
    if _TIME_RE.match(text):
        return "times are not stored; give the day only, e.g. " + text[:10]
    if text.startswith(("../", "/")):
        return "an open or unknown start is not supported; give the earliest date it can be"
    if text.startswith("-"):
        return "negative years are not supported; years run from 0001 to 9999"
    if _UNSPECIFIED_RE.match(text):
        return (
            "unspecified digits (X) are not supported; use a coarser date such as 2014 or 2014-03"
        )
    if re.match(r"[0-9]{5}", text):
        return "years have four digits (0001 to 9999)"
    if re.search(r"[?~%]{2}", text):
        return "one qualifier per date; use % for uncertain and approximate"
    if re.search(r"\.\.[?~%]|/[?~%]", text):
        return "a qualifier cannot stand on an open or unknown end"
    if text.count("/") > 1:
        return "an interval has exactly one '/'"
    if "/" in text:
        head, tail = text.split("/", 1)
        bad = head if not _POINT_RE.fullmatch(head) else tail
        return (
            f"interval side {bad!r} is not a date; "
            "each side is YYYY, YYYY-MM or YYYY-MM-DD, and the end may be '..' or empty"
        )
    return "is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-02-12)"
