"""Free-text dates ("Feb 2022", "the 1st of March, 2025", "25 Dec - 2 Jan 2016") into the grammar.

A small tokenizer and a hand-written grammar read the forms people write, in
any letter case, and keep exactly the fields the text gave: nothing is ever
filled in from today, from a default day or month, or from a two-digit-year
pivot. A year is kept as written (``0079`` is the year 79). What cannot be
stored is refused with the reason and what to write instead (decades,
centuries, seasons, quarters, holidays, "early/mid/late", relative days,
two-digit years, ambiguous numeric dates, several dates joined by and/or, a
weekday that contradicts its date: before 15 October 1582 a weekday that
fits the Julian calendar gets the Gregorian date to write). Any decimal
digits are read ("١٢" is 12), and one pair of quotes or brackets around the
whole text is not part of it.

A time of day ("15:00", "3 p.m.", "10.30", "1500 GMT", "evening of") is not
stored: :func:`read` keeps the day and returns a notice saying the time was
dropped (the CLI prints it on stderr); :func:`from_text` refuses the time
unless the caller collects notices. A clock time no day has ("25:00") is
refused.

:meth:`EventDate.display` writes years below 100 with one or two digits
("24 August 79"); free text refuses those as two-digit years rather than
guess a century, so such a display does not read back: write ``0079`` or
``AD 79``. Every other display text reads back as the same date.

The same grammar, in its strict form (four-digit years, capitalised names),
finds the dates inside prose for :mod:`eventline.extract`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

import attrs

from eventline.dates import AmbiguousDateError, DateError, EventDate

__all__ = [
    "MONTHS",
    "MONTH_NAMES",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "Reading",
    "Token",
    "ascii_digits",
    "from_text",
    "month_number",
    "read",
    "tokenize",
]

# English names, fixed: calendar.month_name follows the process locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MONTH_NAMES: dict[str, int] = {"sept": 9}
for _number, _name in enumerate(MONTHS, start=1):
    MONTH_NAMES[_name.lower()] = MONTH_NAMES[_name[:3].lower()] = _number

WEEKDAY_NAMES: dict[str, int] = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
for _number, _name in enumerate(WEEKDAYS):
    WEEKDAY_NAMES[_name.lower()] = WEEKDAY_NAMES[_name[:3].lower()] = _number

_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip
_ORDINAL_WORDS = {w: n for n, w in enumerate(_ORDINALS, start=1)}
_ORDINAL_WORDS["thirtieth"] = 30
_TENS = {"twenty": 20, "thirty": 30}
_ERA = {"ad", "a.d", "ce", "c.e"}
_APPROX = {"about", "around", "circa", "c", "ca", "approximately", "approx", "roughly"}
_RANGE_WORDS = {"to", "through", "thru", "until", "till"}
_OPEN_END = {"ongoing", "present", "now", "today"}
_ONWARDS = {"onwards", "onward"}
_EXAMPLE = "write e.g. 2025-02-12, 12 February 2025, February 2022 or 2014"

_TOKEN_RE = re.compile(
    r"""
    (?P<iso>(?<![0-9])[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?(?![0-9]))
    |(?P<numdate>(?<![0-9])[0-9]{1,4}(?P<sep>[/.])[0-9]{1,2}(?P=sep)[0-9]{1,4}(?![0-9]))
    |(?P<hyphdate>(?<![0-9])[0-9]{1,2}-[0-9]{1,2}-[0-9]{2,4}(?![0-9]))
    |(?P<monthyear>(?<![0-9])[0-9]{1,2}[/.][0-9]{4}(?![0-9]))
    |(?P<time>(?:(?<=[0-9])T)?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?
        (?:\s*[ap]\.?m\.?(?![a-z]))?(?:\s*(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}|[CEW]ES?T|[ECMP][SD]T|BST|IST|MSK|JST|KST)
        (?![a-z]))?
      |(?<![0-9])[0-9]{1,2}(?:\.[0-9]{2})?\s*[ap]\.?m\.?(?![a-z])
      |(?:(?<=\bat\s)|(?<=[0-9]{4}\s)|(?<=[0-9]{4},\s))[0-9]{1,2}\.[0-9]{2}(?![0-9.])
      |(?<![0-9])[0-9]{4}\s*(?:GMT|UTC|Z|hours|hrs|h)(?![a-z])
      |\b(?:noon|midnight|midday)\b
      |\b(?:in\s+the\s+|on\s+the\s+|the\s+)?(?:early\s+|late\s+)?
        (?:morning|afternoon|evening|night|overnight)(?:\s+of)?\b)
      (?:\s+local\s+time\b)?
    |(?P<num>(?<![0-9])[0-9]+)(?P<suffix>(?:st|nd|rd|th)(?![a-z])|'?s(?![a-z]))?
    |(?P<apos>['’][0-9]{2}s?(?![0-9a-z]))
    |(?P<word>(?:[a-z]\.){2,}|[^\W\d_]+\.?)
    |(?P<dash>--|[-‐‑‒–—―])
    |(?P<comma>,)
    |(?P<other>\S)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@attrs.frozen
class Token:
    """One token of a text.

    Attributes:
        kind: ``iso``, ``numdate``, ``hyphdate``, ``monthyear``, ``time``,
            ``num``, ``apos``, ``word``, ``dash``, ``comma`` or ``other``.
        text: the characters as written (for ``num``, the digits only).
        start: offset of its first character.
        end: offset just past its last character (for ``num``, past any suffix).
        suffix: for ``num``: ``st``/``nd``/``rd``/``th``/``s``/``'s`` (lower case) or "".
    """

    kind: str
    text: str
    start: int
    end: int
    suffix: str = ""

    @property
    def low(self) -> str:
        """A word in lower case without its full stop ("Sept." → "sept")."""
        return self.text.lower().rstrip(".") if self.kind == "word" else ""


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` with their offsets."""
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "suffix":
            kind = "num"
        if kind == "sep":
            kind = "numdate"
        if kind == "num":
            tokens.append(Token("num", m["num"], m.start(), m.end(), (m["suffix"] or "").lower()))
        else:
            tokens.append(Token(kind, m.group(0), m.start(), m.end()))
    return tokens


def month_number(name: str) -> int:
    """1 to 12 for an English month name or abbreviation ("Sept.", "february")."""
    return MONTH_NAMES[name.rstrip(".").lower()]


@attrs.frozen
class Reading:
    """What :func:`read` made of a text.

    Attributes:
        date: the date in the grammar.
        notices: what was read but not stored (a time of day), one sentence each.
    """

    date: EventDate
    notices: tuple[str, ...] = ()


@attrs.define
class _Part:
    """One side of a date as the text gave it; None for each field it left out."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    pre: str | None = None  # "~" from "about"
    post: str | None = None  # "?" from "?" or "(uncertain)"
    bare: bool = False  # a number alone: a year only in a year context
    begin: int = 0  # token index where the side's date starts

    def copy(self) -> _Part:
        return attrs.evolve(self)


@attrs.define
class _Expr:
    kind: str  # "single", "range", "open", "unknown"
    start: _Part
    end: _Part | None = None


@attrs.frozen
class _Ctx:
    text: str
    strict: bool = False  # prose: four-digit years, capitalised names, no qualifiers
    dayfirst: bool | None = None


def _word(t: Sequence[Token], i: int) -> str:
    return t[i].low if i < len(t) and t[i].kind == "word" else ""


def _kind(t: Sequence[Token], i: int) -> str:
    return t[i].kind if i < len(t) else ""


def _adjacent(t: Sequence[Token], i: int) -> bool:
    """True when token i touches token i + 1 ("24-Feb-2025")."""
    return i + 1 < len(t) and t[i].end == t[i + 1].start


def _named(t: Sequence[Token], i: int, names: dict[str, int], ctx: _Ctx) -> int | None:
    if _kind(t, i) != "word":
        return None
    tok = t[i]
    number = names.get(tok.low)
    if number is None or (ctx.strict and not tok.text[0].isupper()):
        return None
    return number


def _month_at(t: Sequence[Token], i: int, ctx: _Ctx) -> int | None:
    return _named(t, i, MONTH_NAMES, ctx)


def _weekday_at(t: Sequence[Token], i: int, ctx: _Ctx) -> int | None:
    return _named(t, i, WEEKDAY_NAMES, ctx)


def _ordinal_suffix(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _day_at(t: Sequence[Token], i: int, highest: int = 31) -> tuple[int, int] | None:
    """(day, next index) for "3", "3rd", "third", "twenty-first".

    Beside a month name any two-digit number is taken as the day, so that
    "32 March 2025" is refused as a day that does not exist.
    """
    kind = _kind(t, i)
    if kind == "num":
        tok = t[i]
        if len(tok.text) > 2 or tok.suffix in ("s", "'s"):
            return None
        value = int(tok.text)
        if value > highest:
            return None
        if tok.suffix and tok.suffix != _ordinal_suffix(value):
            return None
        return value, i + 1
    word = _word(t, i)
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word], i + 1
    if word in _TENS:
        k = i + 1
        if _kind(t, k) == "dash":
            k += 1
        unit = _ORDINAL_WORDS.get(_word(t, k), 0)
        if 1 <= unit <= 9 and _TENS[word] + unit <= 31:
            return _TENS[word] + unit, k + 1
    return None


def _year_at(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[int, int] | None:
    """(year, next index) for "2025", "0079", "AD 79", "79 AD"; "800" outside prose."""
    if (
        _word(t, i) in _ERA
        and _kind(t, i + 1) == "num"
        and not t[i + 1].suffix
        and len(t[i + 1].text) <= 4
    ):
        return int(t[i + 1].text), i + 2
    if _kind(t, i) != "num" or t[i].suffix:
        return None
    digits = t[i].text
    if len(digits) <= 4 and _word(t, i + 1) in _ERA:
        return int(digits), i + 2
    if len(digits) == 4 or (len(digits) == 3 and not ctx.strict):
        return int(digits), i + 1
    return None


def _year_after(t: Sequence[Token], i: int, ctx: _Ctx, part: _Part) -> int:
    """Take an optional year after a day and month (", 2025", " 2025", "-2025")."""
    k = i
    if _kind(t, k) == "comma" or (_kind(t, k) == "dash" and _adjacent(t, k - 1)):
        k += 1
    year = _year_at(t, k, ctx)
    if year is None:
        return i
    part.year = year[0]
    return year[1]


def _dmy(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    day = _day_at(t, i, 99)
    if day is None:
        return None
    k = day[1]
    if _word(t, k) == "of":
        k += 1
    elif _kind(t, k) == "dash" and _adjacent(t, k - 1) and _adjacent(t, k):
        k += 1  # 24-Feb-2025
    month = _month_at(t, k, ctx)
    if month is None:
        return None
    part = _Part(month=month, day=day[0])
    return part, _year_after(t, k + 1, ctx, part)


def _mdy(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    month = _month_at(t, i, ctx)
    if month is None:
        return None
    k = i + 1
    if _word(t, k) == "the":
        k += 1
    day = _day_at(t, k, 99)
    if day is None:
        return None
    part = _Part(month=month, day=day[0])
    return part, _year_after(t, day[1], ctx, part)


def _my(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    month = _month_at(t, i, ctx)
    if month is None:
        return None
    k = i + 1
    if _kind(t, k) == "comma" or _word(t, k) == "of":
        k += 1
    elif _kind(t, k) == "dash" and _adjacent(t, i) and _adjacent(t, k):
        k += 1  # Feb-2025
    year = _year_at(t, k, ctx)
    if year is None:
        return _Part(month=month), i + 1
    return _Part(year=year[0], month=month), year[1]


def _year_only(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    year = _year_at(t, i, ctx)
    if year is None:
        return None
    return _Part(year=year[0], bare=year[1] == i + 1), year[1]


def _day_only(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    """A day alone: the start of "14–16 February", or "16, 2025" ending "Feb 14-16, 2025"."""
    day = _day_at(t, i)
    if day is None or day[0] == 0:
        return None
    part = _Part(day=day[0])
    k = day[1]
    year = _year_at(t, k + 1 if _kind(t, k) == "comma" else k, ctx)
    if year is not None:
        part.year = year[0]
        return part, year[1]
    return part, k


def _ambiguous(text: str, a: int, b: int, year: str) -> DateError:
    both = f"{year}-{b:02d}-{a:02d} or {year}-{a:02d}-{b:02d}"
    return AmbiguousDateError(f"{text!r} is ambiguous (day first or month first?); write {both}")


def _numeric(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    """2025-02-12, 2014-03, 13/02/2025, 24.02.2022, 2025/02/12, 12-02-2025, 02/2025."""
    kind = _kind(t, i)
    if kind not in ("iso", "numdate", "hyphdate", "monthyear"):
        return None
    fields = re.split(r"[-/.]", t[i].text)
    if kind == "monthyear":
        return _Part(year=int(fields[1]), month=int(fields[0])), i + 1
    if kind == "iso" or len(fields[0]) == 4:
        if len(fields[2 if len(fields) > 2 else 1]) > 2:
            return None
        part = _Part(year=int(fields[0]), month=int(fields[1]))
        if len(fields) > 2:
            part.day = int(fields[2])
        return part, i + 1
    a, b, year = int(fields[0]), int(fields[1]), fields[2]
    if len(year) != 4:
        if ctx.strict:
            return None
        raise DateError(
            f"{ctx.text!r}: write the year with four digits; two-digit years are not guessed"
        )
    if ctx.dayfirst is None and a <= 12 and b <= 12 and a != b:
        if ctx.strict:
            return None
        raise _ambiguous(ctx.text, a, b, year)
    dayfirst = ctx.dayfirst if ctx.dayfirst is not None else a > 12 or a == b
    day, month = (a, b) if dayfirst else (b, a)
    return _Part(year=int(year), month=month, day=day), i + 1


def _ymd(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    """Year first with a month name: "2025 February 12", "2025, Feb 12", "2025 Feb"."""
    if ctx.strict:
        return None
    year = _year_at(t, i, ctx)
    if year is None or len(t[i].text) != 4:
        return None
    k = year[1] + (1 if _kind(t, year[1]) == "comma" else 0)
    month = _month_at(t, k, ctx)
    if month is None:
        return None
    part = _Part(year=year[0], month=month)
    day = _day_at(t, k + 1, 99)
    if day is None:
        return part, k + 1
    part.day = day[0]
    return part, day[1]


_ALTERNATIVES = (_numeric, _dmy, _mdy, _my, _ymd, _year_only, _day_only)


def _point(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    """The longest date starting at token i: [weekday [,]] [the] date."""
    starts: list[tuple[int, int | None]] = [(i, None)]
    weekday = _weekday_at(t, i, ctx)
    if weekday is not None:
        k = i + 1
        if _kind(t, k) == "comma":
            k += 1
        starts = [(k, weekday)]
    best: tuple[_Part, int] | None = None
    for k, wd in starts:
        for begin in (k, k + 1) if _word(t, k) == "the" else (k,):
            for alternative in _ALTERNATIVES:
                found = alternative(t, begin, ctx)
                if found is not None and ctx.strict and begin > k and found[0].day is None:
                    continue  # in prose "the" belongs to a day ("the 3rd of"), not "the Jan. 2025"
                if found is not None and (best is None or found[1] > best[1]):
                    found[0].weekday = wd
                    found[0].begin = i
                    best = found
    if best is not None and best[0].weekday is not None and best[0].day is None:
        return None if ctx.strict else best
    return best


def _side(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Part, int] | None:
    """[about] date [? | (uncertain)]."""
    k = i
    pre = None
    if not ctx.strict and _word(t, k) in _APPROX:
        pre, k = "~", k + 1
    found = _point(t, k, ctx)
    if found is None:
        return None
    part, k = found
    part.pre = pre
    if (
        part.weekday is None
        and k + 2 < len(t)
        and t[k].text == "("
        and _weekday_at(t, k + 1, ctx) is not None
        and t[k + 2].text == ")"
    ):
        part.weekday, k = _weekday_at(t, k + 1, ctx), k + 3  # "24 February 2022 (Thursday)"
    if not ctx.strict:
        if (
            k + 2 < len(t)
            and t[k].text == "("
            and _word(t, k + 1) == "uncertain"
            and t[k + 2].text == ")"
        ):
            part.post, k = "?", k + 3
        elif (
            part.pre is None
            and k + 2 < len(t)
            and t[k].text == "("
            and _word(t, k + 1) in ("approximate", "approx", "circa", "approximately")
            and t[k + 2].text == ")"
        ):
            part.pre, k = "~", k + 3  # "2014 (approximate)"
        elif k < len(t) and t[k].text == "?":
            part.post, k = "?", k + 1
    part.begin = i
    return part, k


def _expr(t: Sequence[Token], i: int, ctx: _Ctx) -> tuple[_Expr, int] | None:
    """A single date, a range ("A – B", "from A to B", "between A and B") or an open range."""
    lead = _word(t, i)
    k = i
    if lead == "since" and not ctx.strict:
        side = _side(t, i + 1, ctx)
        return None if side is None else (_Expr("open", side[0]), side[1])
    if lead in ("from", "between"):
        k += 1
    first = _side(t, k, ctx)
    if first is None:
        return None
    start, k = first
    separator = _kind(t, k) == "dash" or (
        _word(t, k) == "and" if lead == "between" else _word(t, k) in _RANGE_WORDS
    )
    if separator:
        after = k + 1
        if not ctx.strict and _word(t, after) in _OPEN_END:
            return _Expr("open", start), after + 1
        if not ctx.strict and _word(t, after) == "end" and _word(t, after + 1) == "unknown":
            return _Expr("unknown", start), after + 2
        if not ctx.strict and after == len(t) - 1 and t[after].text == "?":
            return _Expr("unknown", start), after + 1  # "24 Feb 2022 – ?"
        second = _side(t, after, ctx)
        if second is not None:
            return _Expr("range", start, second[0]), second[1]
    if not ctx.strict and lead == "from" and _word(t, k) in _ONWARDS:
        return _Expr("open", start), k + 1  # "from February 24, 2022 onward"
    if lead in ("from", "between"):
        return None
    if not ctx.strict and _word(t, k) in _ONWARDS:
        return _Expr("open", start), k + 1
    return _Expr("single", start), k


# Resolution: the parts the text gave become a date of the grammar.


def _canonical(part: _Part) -> str:
    assert part.year is not None
    text = f"{part.year:04d}"
    if part.month is not None:
        text += f"-{part.month:02d}"
        if part.day is not None:
            text += f"-{part.day:02d}"
    marks = {part.pre, part.post} - {None}
    return text + ("%" if len(marks) == 2 else "".join(m for m in marks if m))


def _check(part: _Part, ctx: _Ctx) -> None:
    """Refuse a side that does not exist or whose weekday contradicts it."""
    assert part.year is not None
    if part.year == 0:
        raise DateError(f"{ctx.text!r}: year 0 does not exist; years run from 1 to 9999")
    if part.month is not None and not 1 <= part.month <= 12:
        raise DateError(f"{ctx.text!r} does not exist: months run from 1 to 12")
    if part.day is not None and part.month is not None:
        days = calendar.monthrange(part.year, part.month)[1]
        if not 1 <= part.day <= days:
            name = MONTHS[part.month - 1]
            raise DateError(f"{ctx.text!r} does not exist: {name} {part.year} has {days} days")
    if part.weekday is not None:
        if part.day is None or part.month is None:
            raise DateError(f"{ctx.text!r}: a weekday goes with a day; give the full date")
        real = dt.date(part.year, part.month, part.day).weekday()
        if real != part.weekday:
            day = f"{part.day} {MONTHS[part.month - 1]} {part.year}"
            julian = _from_julian(part.year, part.month, part.day)
            if julian is not None and julian.weekday() == part.weekday:
                # "Saturday 14 October 1066": right in the Julian calendar of the source.
                raise DateError(
                    f"{ctx.text!r}: {day} is a {WEEKDAYS[real]} in the Gregorian calendar "
                    f"that dates are stored in; it is a {WEEKDAYS[part.weekday]} in the "
                    f"Julian calendar, whose {day} is "
                    f"{julian.day} {MONTHS[julian.month - 1]} {julian.year} Gregorian: "
                    f"write {julian.isoformat()}, or leave out the weekday"
                )
            raise DateError(
                f"{ctx.text!r}: {day} is a {WEEKDAYS[real]}, not a {WEEKDAYS[part.weekday]}"
            )


def _from_julian(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian day of a Julian-calendar date before the reform of 15 October 1582.

    None from the reform on, or when the day falls outside Python's dates.
    Source: the Julian Day Number formula of the Explanatory Supplement to
    the Astronomical Almanac (1992), section 12.92.
    """
    if (year, month, day) >= (1582, 10, 15):
        return None
    a = (14 - month) // 12
    y, m = year + 4800 - a, month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    ordinal = jdn - 1721425  # JDN of 0001-01-01 (proleptic Gregorian) is 1721426
    return dt.date.fromordinal(ordinal) if 1 <= ordinal <= dt.date.max.toordinal() else None


def _nearest(part: _Part, published: dt.date) -> None:
    """Give a year-less month and day the year that puts it nearest ``published``."""
    assert part.month is not None
    best: tuple[int, int] | None = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            day = dt.date(year, part.month, part.day or 1)
        except ValueError:
            continue
        key = abs((day - published).days)
        if best is None or key < best[0]:
            best = (key, year)
    if best is None:
        raise DateError("no such day")
    part.year = best[1]


def _resolve(expr: _Expr, ctx: _Ctx, published: dt.date | None = None) -> EventDate:
    start = expr.start.copy()
    if expr.kind != "range":
        if start.day is not None and start.month is None:
            raise DateError(f"{ctx.text!r} has a day but no month; {_EXAMPLE}")
        if start.year is None:
            if published is None or start.day is None:
                raise DateError(f"{ctx.text!r} has no year; {_EXAMPLE}")
            _nearest(start, published)
        _check(start, ctx)
        text = _canonical(start)
        if expr.kind == "open":
            text += "/.."
        elif expr.kind == "unknown":
            text += "/"
        return _grammar(text, ctx)
    assert expr.end is not None
    end = expr.end.copy()
    if end.day is not None and end.month is None:
        # "Feb 14-16, 2025": the end takes the start's month (and year, if only it has one).
        if start.month is None and start.day is None and end.year is None:
            if start.year is not None and start.year >= 1000 and end.day is not None:
                later = int(f"{start.year:04d}"[:2] + f"{end.day:02d}")
                example = f"{start.year:04d}/{later:04d}" if later > start.year else "START/END"
                raise DateError(
                    f"{ctx.text!r}: write the end year with four digits too, e.g. {example}; "
                    "two-digit years are not guessed"
                )
            raise DateError(
                f"{ctx.text!r}: write the year with four digits (e.g. 2022, or 0022 for the "
                "year 22); two-digit years are not guessed"
            )
        if start.month is None or start.day is None:
            raise DateError(f"{ctx.text!r}: the end has a day but no month; {_EXAMPLE}")
        end.month = start.month
        if end.year is None:
            end.year = start.year
    if end.year is None and start.month is not None and start.year is not None and end.month:
        end.year = start.year  # "14 February 2025 – 16 February"
    if end.year is None:
        if start.year is not None:
            raise DateError(f"{ctx.text!r}: the end has no year; {_EXAMPLE}")
        if published is None or end.day is None:
            raise DateError(f"{ctx.text!r} has no year; {_EXAMPLE}")
        _nearest(end, published)
    assert end.year is not None
    if start.year is None:
        if end.month is None:
            raise DateError(f"{ctx.text!r}: the start has no year; {_EXAMPLE}")
        own_month = start.month is not None
        if not own_month:
            if start.day is None or end.day is None:
                raise DateError(f"{ctx.text!r}: the start has a day but no month; {_EXAMPLE}")
            start.month = end.month
        start.year = end.year
        if start.pre and not end.pre:
            end.pre = start.pre  # "about 14-16 February 2025": both sides
        if end.post and not start.post:
            start.post = end.post
        _check(attrs.evolve(start, weekday=None), ctx)
        _check(attrs.evolve(end, weekday=None), ctx)
        if start.month is not None and start.month > (end.month or 12):
            # "25 Dec - 2 Jan 2016": the range crosses New Year, so only the previous
            # year runs forward. "16 Feb - 14 Feb 2025" stays reversed (and is refused)
            # rather than turned into a year-long range.
            start.year = end.year - 1
    _check(start, ctx)
    _check(end, ctx)
    return _grammar(f"{_canonical(start)}/{_canonical(end)}", ctx)


def _bounds(part: _Part) -> tuple[dt.date, dt.date]:
    bare = attrs.evolve(part, pre=None, post=None, weekday=None)
    date = EventDate.parse(_canonical(bare))
    assert date.upper is not None
    return date.lower, date.upper


def _grammar(text: str, ctx: _Ctx) -> EventDate:
    try:
        return EventDate.parse(text)
    except DateError as error:
        raise DateError(f"{ctx.text!r}: {error}") from None


# Refusals: forms that are no date of the grammar, each with what to write instead.

_DECADE_WORDS = {
    w: n
    for n, w in enumerate(
        ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties"),
        start=2,
    )
} | {"nineties": 9}
_CENTURY_RE = re.compile(
    r"\b(?:(?P<n>[0-9]{1,2})(?:st|nd|rd|th)|(?P<w>[a-z]+(?:[- ][a-z]+)?))[- ]centur(?:y|ies)\b",
    re.I,
)
_DECADE_RE = re.compile(r"(?<![0-9])(?P<y>[0-9]{3}0)'?s\b", re.I)
_SHORT_DECADE_RE = re.compile(
    r"(?:['’]|\b)(?P<d>[0-9])0'?s\b|\b(?P<w>(?:twen|thir|for|fif|six|seven|eigh|nine)ties)\b", re.I
)
_SEASON_RE = re.compile(r"\b(?P<s>spring|summer|autumn|fall|winter)\b", re.I)
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
_QUARTER_RE = re.compile(r"\b(?:Q(?P<q>[1-4])|(?P<w>first|second|third|fourth) quarter)\b", re.I)
_VAGUE_RE = re.compile(
    r"^(?:the\s+)?(?:(?P<w>early|mid|late)(?:[- ]|\s+in\s+)"
    r"|(?P<m>middle|end|start|beginning)\s+of\s+)(?:the\s+)?",
    re.I,
)
_VAGUE_ANYWHERE = re.compile(r"\b(?P<w>early|mid|late)\b", re.I)
_BC_RE = re.compile(r"\b(?:BCE?|B\.C\.(?:E\.)?)(?![a-z])", re.I)
_RELATIVE_RE = re.compile(
    r"\b(?:today|yesterday|tomorrow|tonight|now|ago|recently|"
    r"(?:this|last|next|coming)\s+(?:week|month|year|weekend|[a-z]+day))\b",
    re.I,
)
_OPEN_START_RE = re.compile(r"^(?P<w>before|by|until|till|prior to|after)\s+(?P<rest>.+)$", re.I)
_BAD_ORDINAL_RE = re.compile(r"(?<![0-9])(?P<n>[0-9]{1,2})(?P<s>st|nd|rd|th)\b", re.I)
_YEAR_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_ORDINAL_CENTURY = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21,
}  # fmt: skip


_HOLIDAY_RE = re.compile(
    r"\b(?P<h>christmas(?:\s+(?:day|eve))?|new\s+year['’]?s?(?:\s+(?:day|eve))?|boxing\s+day"
    r"|hallowe['’]?en|valentine['’]?s(?:\s+day)?|easter(?:\s+(?:sunday|monday))?|good\s+friday"
    r"|thanksgiving|ramadan|eid(?:\s+al-\w+)?|passover|hanukkah|diwali|independence\s+day"
    r"|victory\s+day|labou?r\s+day|may\s+day|bastille\s+day)\b",
    re.I,
)
_FIXED_HOLIDAYS = {
    "christmas": "12-25", "christmas day": "12-25", "christmas eve": "12-24",
    "new year's day": "01-01", "new years day": "01-01", "new year's eve": "12-31",
    "new years eve": "12-31", "boxing day": "12-26", "halloween": "10-31",
    "hallowe'en": "10-31", "valentine's day": "02-14", "valentines day": "02-14",
    "bastille day": "07-14", "may day": "05-01",
}  # fmt: skip


def _reading(text: str, dayfirst: bool | None) -> str | None:
    """The grammar's text for ``text`` when it reads as a date, else None."""
    try:
        return str(from_text(text, dayfirst))
    except DateError:
        return None


def _refusal(text: str, dayfirst: bool | None) -> DateError | None:
    """The precise reason ``text`` is refused, for the forms people write that are no date."""
    if m := _HOLIDAY_RE.search(text):
        name = " ".join(m["h"].lower().replace("’", "'").split())
        years = _YEAR_IN_TEXT.findall(text)
        fixed = _FIXED_HOLIDAYS.get(name)
        if fixed:
            year = years[-1] if years else "YYYY"
            return DateError(f"{text!r} names a holiday; write its date, e.g. {year}-{fixed}")
        return DateError(
            f"{text!r} names a holiday, whose date depends on the year, the calendar or "
            "the country; write the date itself, e.g. 2025-02-12"
        )
    if _BC_RE.search(text):
        return DateError(f"{text!r}: years before AD 1 are not supported; years run from 1 to 9999")
    if m := _CENTURY_RE.search(text):
        n = int(m["n"]) if m["n"] else _ORDINAL_CENTURY.get(m["w"].lower().split()[-1], 0)
        if m["w"] and m["w"].lower() in _ORDINAL_CENTURY:
            n = _ORDINAL_CENTURY[m["w"].lower()]
        if 1 <= n <= 100:
            first, last = (n - 1) * 100 + 1, n * 100
            return DateError(
                f"{text!r} names a century, not a date; write its years, "
                f"e.g. {first:04d}/{last:04d} (or {first - 1:04d}/{last - 1:04d} counting from 00)"
                if n > 1
                else f"{text!r} names a century, not a date; write its years, e.g. 0001/0100"
            )
    if m := _DECADE_RE.search(text):
        year = int(m["y"])
        if year % 100 == 0:
            return DateError(
                f"{text!r} may mean a decade or a century; write the years, "
                f"{year:04d}/{year + 9:04d} or {year:04d}/{year + 99:04d}"
            )
        return DateError(
            f"{text!r} names a decade, not a date; write its years, {year:04d}/{year + 9:04d}"
        )
    if m := _SHORT_DECADE_RE.search(text):
        digit = int(m["d"]) if m["d"] else _DECADE_WORDS.get(m["w"].lower(), 0)
        if digit:
            return DateError(
                f"{text!r} names a decade without its century; write its years, "
                f"e.g. 19{digit}0/19{digit}9"
            )
    years = [int(y) for y in _YEAR_IN_TEXT.findall(text)]
    example = years[-1] if years else 2025
    if m := _SEASON_RE.search(text):
        season = m["s"].lower()
        if season == "winter":
            months = f"{example:04d}-12/{example + 1:04d}-02"
        else:
            first, last = _SEASON_MONTHS[season]
            months = f"{example:04d}-{first:02d}/{example:04d}-{last:02d}"
        return DateError(
            f"{text!r} names a season, which is no date of the grammar (and differs by "
            f"hemisphere); write the months, e.g. {months}"
        )
    if m := _QUARTER_RE.search(text):
        q = (
            int(m["q"])
            if m["q"]
            else ("first", "second", "third", "fourth").index(m["w"].lower()) + 1
        )
        return DateError(
            f"{text!r} names a quarter; write its months, e.g. "
            f"{example:04d}-{3 * q - 2:02d}/{example:04d}-{3 * q:02d} for a calendar quarter"
        )
    if m := _VAGUE_RE.match(text):
        word = (m["w"] or m["m"]).lower()
        rest = text[m.end() :]
        whole = _reading(rest, dayfirst)
        if whole is not None:
            return DateError(
                f"{text!r}: {word!r} is vaguer than a date; write the span you mean as an "
                f"interval (e.g. {_vague_example(whole, word)}), or all of {whole}"
            )
    if m := _OPEN_START_RE.match(text):
        word, rest = m["w"].lower(), m["rest"]
        whole = _reading(rest, dayfirst)
        if whole is not None:
            if word == "after":
                return DateError(
                    f"{text!r}: an interval needs its start; write {whole}/.. if it is still "
                    f"going on, or the span it falls in (START/END)"
                )
            return DateError(
                f"{text!r}: an open start is not stored; write the span the date falls in "
                f"as an interval ending there, START/{whole}"
            )
    if m := re.match(r"(?i)from\s+(?P<rest>.+)$", text):
        whole = _reading(m["rest"], dayfirst)
        if whole is not None and "/" not in whole:
            return DateError(
                f"{text!r} has no end; write the interval ({whole}/END), {whole}/.. if it "
                f"is still going on, or {whole}/ if its end is not known"
            )
    if m := re.match(r"(?i)(?P<rest>.+?)\s*(?:[-–—]|\bto|\buntil|\bthrough)$", text):
        whole = _reading(m["rest"], dayfirst)
        if whole is not None:
            return DateError(
                f"{text!r} has no end; write {whole}/.. if it is still going on, "
                f"or {whole}/ if its end is not known"
            )
    if m := _VAGUE_ANYWHERE.search(text):
        return DateError(
            f"{text!r}: {m['w'].lower()!r} is vaguer than a date; write the span you mean "
            "as an interval (START/END, e.g. 2024-09/2025-04)"
        )
    if _RELATIVE_RE.search(text):
        return DateError(
            f"{text!r} is relative to the day it was written; write the date itself, "
            "e.g. 2025-02-12"
        )
    for m in _BAD_ORDINAL_RE.finditer(text):
        n = int(m["n"])
        if m["s"].lower() != _ordinal_suffix(n):
            return DateError(
                f"{text!r}: {m.group(0)!r} is no ordinal; write {n}{_ordinal_suffix(n)}"
            )
    return None


def _vague_example(whole: str, word: str) -> str:
    word = {"start": "early", "beginning": "early", "middle": "mid", "end": "late"}.get(word, word)
    date = EventDate.parse(whole)
    lower, upper = date.lower, date.upper or date.lower
    if date.precision == "year":
        spans = {"early": ("01", "04"), "mid": ("05", "08"), "late": ("09", "12")}
        first, last = spans.get(word, ("01", "04"))
        return f"{lower.year:04d}-{first}/{lower.year:04d}-{last}"
    if date.precision == "month":
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, upper.day)}.get(word, (1, 10))
        head = f"{lower.year:04d}-{lower.month:02d}"
        return f"{head}-{days[0]:02d}/{head}-{days[1]:02d}"
    return whole


_SHORT_END_RE = re.compile(
    r"(?i)(?:from\s+|between\s+)?(?P<a>[0-9]{4})\s*(?:[-–—/]|to|till|until|through|and)\s*"
    r"(?P<b>[0-9]{2})"
)
_SEVERAL_RE = re.compile(r"(?i)\s(?:and|or|&)\s")


def _why_not(text: str, tokens: list[Token], reached: int, dayfirst: bool | None) -> DateError:
    refusal = _refusal(text, dayfirst)
    if refusal is not None:
        return refusal
    ctx = _Ctx(text)
    words = [tok for tok in tokens if tok.kind not in ("comma", "other")]
    if words and all(_weekday_at(tokens, tokens.index(w), ctx) is not None for w in words):
        return DateError(
            f"{text!r} names a weekday, not a date; give the date, e.g. 12 February 2025"
        )
    if m := _SHORT_END_RE.fullmatch(text):
        end = int(m["a"][:2] + m["b"])
        example = f"{m['a']}/{end:04d}" if end > int(m["a"]) else "START/END"
        return DateError(
            f"{text!r}: write the end year with four digits too, e.g. {example}; "
            "two-digit years are not guessed"
        )
    joined = _SEVERAL_RE.search(text)
    if joined and not re.match(r"(?i)between\b", text):
        try:
            span = f"START/{from_text(text[joined.end() :], dayfirst)}"
        except DateError:
            span = "START/END"
        return DateError(
            f"{text!r} names more than one date; add an event for each, or write the span "
            f"they fall in as an interval, {span}"
        )
    # A two-digit number where the year goes: at the end, after a month or a day.
    last = tokens[-1] if tokens else None
    short = last is not None and (
        last.kind == "apos" or (last.kind == "num" and not last.suffix and len(last.text) <= 2)
    )
    has_month = any(_month_at(tokens, k, ctx) is not None for k in range(len(tokens)))
    if short and (has_month or len(tokens) == 1):
        return DateError(
            f"{text!r}: write the year with four digits (e.g. 2022, or 0022 for the "
            "year 22); two-digit years are not guessed"
        )
    datelike = any(
        tok.kind in ("iso", "numdate", "hyphdate", "monthyear", "num")
        or _month_at(tokens, k, ctx) is not None
        for k, tok in enumerate(tokens)
    )
    if not datelike:
        return DateError(f"{text!r}: no date found; {_EXAMPLE}")
    if reached == 0:
        return DateError(f"{text!r} could not be read as a date; {_EXAMPLE}")
    bad = text[tokens[reached].start :] if reached < len(tokens) else text
    return DateError(f"{text!r}: could not read {bad!r} as part of a date; {_EXAMPLE}")


_DIGITS = {
    ord(c): str(unicodedata.digit(c))
    for c in map(chr, range(0x80, 0x110000))
    if unicodedata.category(c) == "Nd"
}
_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "(": ")", "[": "]"}


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit ("٢٠٢٥", "２０２５", "२०२५") as 0-9, one for one."""
    return text.translate(_DIGITS) if not text.isascii() else text


def _unwrap(text: str) -> str:
    """The text inside one pair of quotes or brackets around all of it."""
    while len(text) > 2 and _PAIRS.get(text[0]) == text[-1]:
        inner = text[1:-1].strip()
        if any(c in inner for c in (text[0], text[-1])):
            break
        text = inner
    return text


_CLOCK_RE = re.compile(
    r"(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?"
    r"(?:.*?(?P<ampm>[ap])\.?m)?",
    re.I,
)


def _is_time_of_day(said: str) -> bool:
    """False for a clock time that no day has ("25:00", "3:75", "13 p.m.")."""
    if (m := re.match(r"([0-9]{2})([0-9]{2})\s*[a-z]", said, re.I)) is not None:
        return int(m[1]) <= 23 and int(m[2]) <= 59  # "1500 GMT", "0930 hours"
    m = _CLOCK_RE.match(said)
    if m is None:
        return True  # noon, midnight, morning ...
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    if minute > 59 or second > 59:
        return False
    if m["ampm"]:
        return 1 <= hour <= 12
    return hour <= 23 or (hour == 24 and minute == second == 0)


_GRAMMAR_LIKE = re.compile(r"[0-9?~%/.\-]+")
_FREE_NUMERIC = re.compile(
    r"[0-9]{4}-[0-9]{4}|[0-9]{1,4}([/.])[0-9]{1,2}\1[0-9]{1,4}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{2,4}"
    r"|[0-9]{1,2}[/.][0-9]{4}|[0-9]{1,4}[?]?|[0-9]{4}-"
)


def read(text: str, dayfirst: bool | None = None) -> Reading:
    """A date of the grammar from the grammar itself or from free text, with notices.

    ``the 1st of March, 2025`` → ``2025-03-01``; ``Feb 2022`` → ``2022-02``;
    ``25 Dec - 2 Jan 2016`` → ``2015-12-25/2016-01-02``; ``2014-2022`` →
    ``2014/2022``; ``circa 2014`` → ``2014~``; ``since 24 Feb 2022`` →
    ``2022-02-24/..``; ``12 Feb 2025 10:00`` → ``2025-02-12`` with the notice
    that the time was dropped.

    Args:
        text: what the user typed; runs of white space count as one space.
        dayfirst: for all-numeric dates such as ``02/03/2025``: True reads the
            day first, False the month first; None refuses an ambiguous one.

    Raises:
        DateError: the message says why and what to write instead.
    """
    text = _unwrap(" ".join(ascii_digits(text).split()))
    if not text:
        raise DateError(f"is empty; {_EXAMPLE}")
    try:
        return Reading(EventDate.parse(text))
    except DateError as error:
        grammar_error = error
    if _GRAMMAR_LIKE.fullmatch(text) and not _FREE_NUMERIC.fullmatch(text):
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
        if m and int(m[2]) > 12:
            end = int(m[1][:2] + m[2])
            hint = f"; for two years write {m[1]}/{end:04d}" if end > int(m[1]) else ""
            raise DateError(f"{text!r}: month {m[2]} does not exist{hint}") from None
        m = re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", text)
        if m:
            raise DateError(
                f"{text!r}: write the date with hyphens, {m[1]}-{m[2]}-{m[3]} (year, month, day)"
            ) from None
        raise grammar_error from None  # the grammar's own message is the most precise
    tokens = tokenize(text)
    times = [tok.text.lstrip("T") for tok in tokens if tok.kind == "time"]
    for said in times:
        if not _is_time_of_day(said):
            raise DateError(
                f"{text!r}: {said!r} is no time of day; write the day alone (times are not "
                "stored), e.g. 2025-02-12"
            )
    kept: list[Token] = []
    for tok in tokens:
        if tok.kind == "time":
            while kept and (kept[-1].kind == "comma" or kept[-1].low in ("at", "on")):
                kept.pop()
            continue
        if kept and kept[-1].kind == "time":
            continue
        kept.append(tok)
    while kept and (kept[0].kind == "comma" or kept[0].low in ("on", "in", "at")):
        kept.pop(0)
    lead = 2 if [tok.low for tok in kept[:2]] == ["the", "year"] else int(_word(kept, 0) == "year")
    if lead and _kind(kept, lead) == "num" and not kept[lead].suffix:
        # "the year 2024"; "the year 79" names the year 79 outright, as "AD 79" does.
        era = Token("word", "AD", kept[lead].start, kept[lead].start)
        kept[:lead] = [era] if len(kept[lead].text) < 4 else []
    while kept and (kept[-1].kind == "comma" or kept[-1].text == "."):
        kept.pop()
    ctx = _Ctx(text, strict=False, dayfirst=dayfirst)
    if times and not kept:
        raise DateError(
            f"{text!r} is a time of day with no date; times are not stored, write the day, "
            "e.g. 2025-02-12"
        )
    found = _expr(kept, 0, ctx) if kept else None
    if found is None or found[1] != len(kept):
        raise _why_not(text, kept, found[1] if found else 0, dayfirst)
    date = _resolve(found[0], ctx)
    notices: tuple[str, ...] = ()
    if times:
        said = ", ".join(re.sub(r"^(?:(?:in|on)\s+)?(?:the\s+)?|\s+of$", "", t) for t in times)
        notices = (f"{text!r}: the time of day ({said}) was dropped; dates are stored as days",)
    return Reading(date, notices)


def from_text(
    text: str, dayfirst: bool | None = None, notices: list[str] | None = None
) -> EventDate:
    """A date of the grammar from the grammar itself or from free text, keeping its precision.

    See :func:`read` for what is accepted. A time of day is dropped and the
    notice appended to ``notices``; without a ``notices`` list it is refused
    instead, so that it is never lost without a word.

    Raises:
        DateError: the text is no date of the grammar; the message says why
            and what to write instead.
    """
    reading = read(text, dayfirst)
    if reading.notices:
        if notices is None:
            raise DateError(
                f"{' '.join(text.split())!r} has a time of day, and times are not stored; "
                f"give the day only, e.g. {reading.date}"
            )
        notices.extend(reading.notices)
    return reading.date
