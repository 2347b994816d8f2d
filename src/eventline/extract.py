"""Find the date mentions in an article and resolve them against its publication date.

For a curator who turns an article into events: every mention comes back
with the phrase as written, its character offsets, its sentence, the date
in the grammar, and the rule that resolved it. Durations and ages
("a three-year-long war", "for 20 years") are not dates and are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import attrs

from eventline.dates import DateError, EventDate
from eventline.freetext import MONTH_RE, month_number

__all__ = ["Mention", "extract"]

_DAY = dt.timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORD = r"(?:st|nd|rd|th)?"
_DASH = r"\s*(?:-|–|—|to|through|until)\s*"
_YEAR = r"(?P<y>1\d{3}|20\d{2}|2100)"


@attrs.frozen
class Mention:
    """A date mention in a text.

    Attributes:
        text: the phrase as written.
        date: the date it resolves to, in the grammar.
        start: offset of its first character.
        end: offset just past its last character.
        sentence: the sentence it stands in.
        rule: which rule resolved it (``absolute-date``, ``weekday``, ...).
    """

    text: str
    date: EventDate
    start: int
    end: int
    sentence: str
    rule: str

    def to_json(self) -> dict[str, object]:
        """The mention as a JSON object."""
        return {
            "text": self.text,
            "date": str(self.date),
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
            "sentence": self.sentence,
        }


def _day(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _days(first: dt.date, last: dt.date) -> str:
    return _day(first) if first == last else f"{_day(first)}/{_day(last)}"


def _month(value: dt.date, shift: int) -> str:
    index = value.year * 12 + value.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


Resolver = Callable[[re.Match[str], dt.date], str | None]


def _absolute_range(m: re.Match[str], _: dt.date) -> str:
    year, month = int(m["y"]), month_number(m["m"])
    return f"{year:04d}-{month:02d}-{int(m['d1']):02d}/{year:04d}-{month:02d}-{int(m['d2']):02d}"


def _absolute(m: re.Match[str], _: dt.date) -> str:
    return f"{int(m['y']):04d}-{month_number(m['m']):02d}-{int(m['d']):02d}"


def _iso(m: re.Match[str], _: dt.date) -> str:
    return m.group(0)


def _month_year(m: re.Match[str], _: dt.date) -> str:
    return f"{int(m['y']):04d}-{month_number(m['m']):02d}"


def _month_day(m: re.Match[str], published: dt.date) -> str | None:
    """The occurrence of that month and day nearest the publication date."""
    month, day = month_number(m["m"]), int(m["d"])
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return _day(min(candidates, key=lambda d: (abs((d - published).days), d)))


def _weekday(m: re.Match[str], published: dt.date) -> str:
    target = _WEEKDAYS.index(m["w"].capitalize())
    which = (m["which"] or "").lower()
    if which == "next":
        ahead = (target - published.weekday()) % 7 or 7
        return _day(published + ahead * _DAY)
    back = (published.weekday() - target) % 7
    if which == "last" and back == 0:
        back = 7
    return _day(published - back * _DAY)


def _relative(m: re.Match[str], published: dt.date) -> str | None:
    phrase = " ".join(m.group(0).lower().split())
    monday = published - published.weekday() * _DAY
    sunday = monday + 6 * _DAY
    if phrase == "yesterday":
        return _day(published - _DAY)
    if phrase == "today":
        return _day(published)
    if phrase == "tomorrow":
        return _day(published + _DAY)
    if phrase == "later this week":
        return None if published == sunday else _days(published + _DAY, sunday)
    if phrase == "this week":
        return _days(monday, sunday)
    if phrase == "last week":
        return _days(monday - 7 * _DAY, sunday - 7 * _DAY)
    if phrase == "next week":
        return _days(monday + 7 * _DAY, sunday + 7 * _DAY)
    if phrase == "last month":
        return _month(published, -1)
    if phrase == "this month":
        return _month(published, 0)
    if phrase == "next month":
        return _month(published, 1)
    if phrase == "last year":
        return f"{published.year - 1:04d}"
    if phrase == "this year":
        return f"{published.year:04d}"
    if phrase == "next year":
        return f"{published.year + 1:04d}"
    return None


def _year(m: re.Match[str], _: dt.date) -> str:
    return m["y"]


# Earlier rules win where two would match the same words.
_RULES: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    (
        "absolute-range",
        re.compile(
            rf"\b(?P<m>{MONTH_RE})\s+(?P<d1>\d{{1,2}}){_ORD}{_DASH}(?P<d2>\d{{1,2}}){_ORD},?\s+{_YEAR}\b"
        ),
        _absolute_range,
    ),
    (
        "absolute-range",
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){_ORD}{_DASH}(?P<d2>\d{{1,2}}){_ORD}\s+(?P<m>{MONTH_RE})\s+{_YEAR}\b"
        ),
        _absolute_range,
    ),
    ("absolute-date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), _iso),
    (
        "absolute-date",
        re.compile(rf"\b(?P<m>{MONTH_RE})\s+(?P<d>\d{{1,2}}){_ORD},?\s+{_YEAR}\b"),
        _absolute,
    ),
    (
        "absolute-date",
        re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{MONTH_RE})\s+{_YEAR}\b"),
        _absolute,
    ),
    ("month-year", re.compile(rf"\b(?P<m>{MONTH_RE})\s+(?:of\s+)?{_YEAR}\b"), _month_year),
    (
        "month-day",
        re.compile(rf"\b(?P<m>{MONTH_RE})\s+(?P<d>\d{{1,2}}){_ORD}\b(?![,\s]*\d)"),
        _month_day,
    ),
    (
        "month-day",
        re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{MONTH_RE})\b(?!\s*\d)"),
        _month_day,
    ),
    (
        "relative",
        re.compile(
            r"\b(?:later\s+this\s+week|(?:this|last|next)\s+(?:week|month|year)"
            r"|yesterday|today|tomorrow)\b",
            re.I,
        ),
        _relative,
    ),
    (
        "next-weekday",
        re.compile(rf"\b(?P<which>[Nn]ext)\s+(?P<w>{'|'.join(_WEEKDAYS)})\b"),
        _weekday,
    ),
    (
        "last-weekday",
        re.compile(rf"\b(?P<which>[Ll]ast)\s+(?P<w>{'|'.join(_WEEKDAYS)})\b"),
        _weekday,
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<which>[Tt]his|[Oo]n)\s+)?(?P<w>{'|'.join(_WEEKDAYS)})\b"),
        _weekday,
    ),
    # A bare year; not an amount ($2014, 1,2014, 20%) nor a "1500-page" compound.
    ("year", re.compile(rf"(?<![\w.,%$£€-]){_YEAR}(?![\w%]|-[A-Za-z])"), _year),
    # "pre-2014", "post-2022", "mid-2014": the year is the date mentioned.
    ("year", re.compile(rf"\b(?:pre|post|mid|early|late)-{_YEAR}(?![\w%])", re.I), _year),
)

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])|\n\s*\n|\n")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def extract(text: str, published: EventDate | dt.date | str) -> list[Mention]:
    """Every date mention in ``text``, resolved against the publication date, in text order.

    Rules: absolute dates and ranges; a month with a year; a month and day
    without a year (the occurrence nearest publication); a weekday (the most
    recent on or before publication; "next"/"last" as said); yesterday, today,
    tomorrow, this/last/next week, month or year, "later this week" (the days
    after publication up to Sunday); a bare year 1000-2100, also in "pre-2014".

    Raises:
        DateError: ``published`` is not a single day.
    """
    day = _publication_day(published)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, str]] = []
    for rule, pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            resolved = resolve(match, day)
            if resolved is None:
                continue
            taken.append((start, end))
            try:
                EventDate.parse(resolved)
            except DateError:
                continue  # "February 30, 2025" is no date; nor is its "2025" alone
            found.append((start, end, rule, resolved))
    sentences = _sentences(text)
    mentions = []
    for start, end, rule, resolved in sorted(found):
        s_start, s_end = next(((a, b) for a, b in sentences if a <= start < b), (0, len(text)))
        mentions.append(
            Mention(
                text=text[start:end],
                date=EventDate.parse(resolved),
                start=start,
                end=end,
                sentence=" ".join(text[s_start:s_end].split()),
                rule=rule,
            )
        )
    return mentions


def _publication_day(published: EventDate | dt.date | str) -> dt.date:
    if isinstance(published, dt.date):
        return published
    date = published if isinstance(published, EventDate) else EventDate.from_text(published)
    if date.is_interval or date.precision != "day":
        raise DateError(f"the publication date must be a single day, not {date}")
    return date.lower
