"""Find the date mentions in an article and resolve them against its publication date.

For a curator who turns an article into events: every mention comes back
with the phrase as written, its character offsets, its sentence, the date
in the grammar, and the rule that resolved it. Dates are read by the same
grammar as ``eventline add --date`` (:mod:`eventline.freetext`), in its
strict form for prose: four-digit years and capitalised month and weekday
names. Durations and ages ("a three-year-long war", "for 20 years"),
amounts ("2000 troops") and codes ("ATOL 1010") are not dates.

The rules, in the order they claim words (an earlier rule wins):

``absolute-date``
    a day with its year: "March 3, 2025", "the 24th of February, 2022",
    "JAN. 27, 2017", "2024-11-05", "Wednesday, 12 February 2025"; an
    all-numeric date ("13/02/2025") only when it cannot be read two ways.
``weekday-conflict``
    such a date whose weekday contradicts it; the date as written is kept
    and the rule names the conflict so it is not missed.
``absolute-range``
    a range whose end has its year; the start borrows what it lacks from
    the end, a year earlier when only that runs forward: "Feb 14-16, 2025",
    "25 Dec - 2 Jan 2016", "2014–2022", "between 2014 and 2022".
``month-year``
    "February 2022", "Sept. 2019", "2014-03".
``month-day``
    a day and month without a year ("January 20", "the 3rd of March",
    "February 14-16"): the occurrence nearest publication.
``year``
    a bare four-digit year only in a year context: after "in", "since",
    "by", "until", "till", "before", "after", "from", "of", "during",
    "through", "early", "mid", "late", "year" ("the year 2014"), or as
    "pre-2014", "post-2022", "mid-2014", and years listed after a mention
    ("in 2014, 2015 and 2019"). After "of" or "from", a number
    followed by a counted noun is an amount ("a force of 2000 troops", "of
    1500 people"), as is a number joined to a word ("1500-page"); so is a
    range of bare numbers followed by one ("2000-3000 soldiers").
``weekday-of-week``
    "Tuesday next week", "Tuesday of next week", "Friday last week",
    "Monday this week", "next week on Tuesday", "last week, on Friday":
    that day of the week (Monday to Sunday) named.
``relative``
    "yesterday", "today", "tomorrow", "the day before yesterday", "the day
    after tomorrow", "two days ago", "a week ago", "three months ago",
    "two days from now", "in three weeks' time", "this/last weekend"
    (Saturday and Sunday),
    "this/last/next week, month or year", "later this week" (the days
    after publication up to Sunday).
``next-weekday``
    "next Tuesday", "this coming Tuesday": the first Tuesday after publication.
``last-weekday``
    "last Friday": the latest Friday before publication.
``weekday``
    "on Wednesday", "this Wednesday", "Wednesday": by tense. With "will",
    "'ll", "shall", "is/are to", "is/are (not) due/set/expected/scheduled/
    planned" (to, for, in, back ...) or "this coming" earlier in its
    sentence, or later in its clause ("Talks on Monday will focus on trade";
    a clause ends at a comma, semicolon, colon, bracket, "that", "and",
    "but", "which", "who", "because", "after", "before", "while", "when" or
    "as"), or anywhere in the sentence when the weekday opens it: the first
    such day after publication; otherwise (past tense, no marker) the latest
    on or before publication. A past-tense verb ("said", "was", "met" ...,
    not after "be"/"been") in the weekday's own clause after any future
    marker there makes it past: "X will meet Y on Wednesday, the Kremlin
    said on Tuesday"; so does one later in its clause with no marker
    ("..., the report published on Monday said"). "this Friday" with no
    marker is the Friday of publication's week (Monday to Sunday). "a
    Saturday", "every Friday" are kinds of day, not dates.

Sentences end at ".", "!" or "?" (with any closing quote or bracket)
followed by a capital, a digit or a quote, and at line breaks, but not after
an abbreviation ("Jan.", "Sept.", "Mr.", "Dr.", "U.S.", "e.g.", an initial).
In prose "the" belongs to a mention only before a day ("the 3rd of March"),
not before a month or year ("the Jan. 2025 talks" gives "Jan. 2025").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import attrs
from dateutil.relativedelta import relativedelta, weekday

from eventline.dates import DateError, EventDate
from eventline.freetext import (
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Token,
    _Ctx,
    _Expr,
    _expr,
    _resolve,
    ascii_digits,
    tokenize,
)

__all__ = ["Mention", "extract"]

_DAY = dt.timedelta(days=1)
_WEEKDAYS = WEEKDAYS
_WEEKDAY_RE = "|".join(_WEEKDAYS)


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
    moved = value + relativedelta(months=shift)
    return f"{moved.year:04d}-{moved.month:02d}"


def _monday(value: dt.date) -> dt.date:
    return value - value.weekday() * _DAY


Resolver = Callable[[re.Match[str], dt.date, str], str | None]

_FUTURE = re.compile(
    r"\b(?:will|shall|won['’]t"
    r"|(?:is|are)\s+(?:not\s+)?(?:due|set|expected|scheduled|planned|slated|poised|to(?=\s+[a-z]))"
    r"|(?:is|are)\s+(?:set|scheduled|planned|slated)\s+for|this\s+coming)\b|['’]ll\b",
    re.I,
)
# Past tense in the weekday's own clause, after any future marker there, wins:
# "Trump said Putin will meet him on Wednesday, the Kremlin said on Tuesday."
_PAST = re.compile(
    r"(?<!\bbe\s)(?<!\bbeen\s)(?<!\bbeing\s)(?<!\bget\s)"
    r"\b(?:said|told|was|were|had|did|announced|added|reported|confirmed|denied|met|spoke"
    r"|held|began|ended|agreed|signed|arrived|left|visited|travell?ed|returned|called"
    r"|claimed|warned|wrote|posted|tweeted|launched|struck|killed|died|took|came|went"
    r"|published|issued|released)\b",
    re.I,
)
# "a Saturday", "every Friday": a kind of day, not a date.
_NOT_A_DAY = re.compile(r"\b(?:a|an|every|each|any|one|another|some|most|other)\s+$", re.I)
_CLAUSE_END = re.compile(
    r"[,;:()]|\b(?:that|and|but|which|who|because|after|before|while|when|as)\b", re.I
)
_OPENING = re.compile(r"[\s\"“‘'(]*(?:on\s+|this\s+)?$", re.I)


def _weekday(m: re.Match[str], published: dt.date, context: str) -> str:
    """By tense: the first such day after publication, or the latest on or before it."""
    target = _WEEKDAYS.index(m["w"].capitalize())
    which = " ".join((m["which"] or "").lower().split())

    # dateutil's relative weekdays: the first one after publication, the latest
    # on or before it, and the latest strictly before it.
    def after_day() -> str:
        return _day(published + relativedelta(days=1, weekday=weekday(target)(+1)))

    def on_or_before() -> str:
        return _day(published + relativedelta(weekday=weekday(target)(-1)))

    if which in ("next", "this coming"):
        return after_day()
    if which == "last":
        return _day(published + relativedelta(days=-1, weekday=weekday(target)(-1)))
    before, after = context.split("\0", 1)
    own_after = _CLAUSE_END.split(after, 1)[0]
    if not _OPENING.fullmatch(before):
        after = own_after
    own = _CLAUSE_END.split(before)[-1]
    past = [m.end() for m in _PAST.finditer(own)]
    future_here = [m.end() for m in _FUTURE.finditer(own)]
    if past and (not future_here or past[-1] > future_here[-1]):
        return on_or_before()
    if not future_here and _PAST.search(own_after) and not _FUTURE.search(own_after):
        return on_or_before()  # "..., the report published on Monday said."
    future = _FUTURE.search(before) or _FUTURE.search(after)
    if future:
        return after_day()
    if which == "this":
        # "this Friday" is never a Friday of an earlier week: the one of publication's week.
        return _day(_monday(published) + target * _DAY)
    return on_or_before()


def _plain_weekday(m: re.Match[str], published: dt.date, context: str) -> str | None:
    """A weekday by tense (see :func:`_weekday`); None for "a Saturday", "every Friday"."""
    if not m["which"] and _NOT_A_DAY.search(context.split("\0", 1)[0]):
        return None
    return _weekday(m, published, context)


def _weekday_of_week(m: re.Match[str], published: dt.date, _: str) -> str:
    target = _WEEKDAYS.index(m["w"].capitalize())
    shift = {"last": -7, "this": 0, "next": 7}[m["which"].lower()]
    return _day(_monday(published) + (shift + target) * _DAY)


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def _ago(m: re.Match[str], published: dt.date, _: str) -> str | None:
    count = m["n"].lower()
    n = int(count) if count.isdigit() else _NUMBERS[count]
    if m["ahead"]:
        n = -n  # "two days from now", "in three weeks' time"
    unit = m["unit"].lower().rstrip("s")
    if unit == "day":
        return _day(published - n * _DAY)
    if unit == "week":
        return _day(published - 7 * n * _DAY)
    if unit == "month":
        return _month(published, -n)
    year = published.year - n
    return f"{year:04d}" if year >= 1 else None


def _relative(m: re.Match[str], published: dt.date, _: str) -> str | None:
    phrase = " ".join(m.group(0).lower().split())
    monday = _monday(published)
    days = {
        "the day before yesterday": -2,
        "yesterday": -1,
        "today": 0,
        "tomorrow": 1,
        "the day after tomorrow": 2,
    }
    if phrase in days:
        return _day(published + days[phrase] * _DAY)
    if phrase == "later this week":
        return None if published.weekday() == 6 else _days(published + _DAY, monday + 6 * _DAY)
    weekends = {"last weekend": -7, "this weekend": 0}
    if phrase in weekends:
        saturday = monday + (5 + weekends[phrase]) * _DAY
        return _days(saturday, saturday + _DAY)
    weeks = {"last week": -7, "this week": 0, "next week": 7}
    if phrase in weeks:
        first = monday + weeks[phrase] * _DAY
        return _days(first, first + 6 * _DAY)
    months = {"last month": -1, "this month": 0, "next month": 1}
    if phrase in months:
        return _month(published, months[phrase])
    years = {"last year": -1, "this year": 0, "next year": 1}
    if phrase in years:
        year = published.year + years[phrase]
        return f"{year:04d}" if 1 <= year <= 9999 else None
    return None


def _prefixed_year(m: re.Match[str], _: dt.date, __: str) -> str:
    return m["y"]


# Rules over the raw text, after the dates the grammar reads; earlier ones win.
_RULES: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    (
        "weekday-of-week",
        re.compile(rf"\b(?P<w>{_WEEKDAY_RE})\s+(?:of\s+)?(?P<which>next|last|this)\s+week\b", re.I),
        _weekday_of_week,
    ),
    # "next week on Tuesday", "last week, on Friday": the same, week first.
    (
        "weekday-of-week",
        re.compile(
            rf"\b(?P<which>next|last|this)\s+week,?\s+(?:on\s+)?(?P<w>{_WEEKDAY_RE})\b", re.I
        ),
        _weekday_of_week,
    ),
    (
        "relative",
        re.compile(
            r"\b(?:in\s+(?=[^.]*?['’]\s+time))?"
            r"(?P<n>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
            r"|twelve)\s+(?P<unit>days?|weeks?|months?|years?)"
            r"(?:\s+ago\b|(?P<ahead>\s+from\s+(?:now|today)\b|['’]\s+time\b))",
            re.I,
        ),
        _ago,
    ),
    (
        "relative",
        re.compile(
            r"\b(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|later\s+this\s+week"
            r"|(?:this|last)\s+weekend|(?:this|last|next)\s+(?:week|month|year)"
            r"|yesterday|today|tomorrow)\b",
            re.I,
        ),
        _relative,
    ),
    (
        "next-weekday",
        re.compile(rf"\b(?P<which>next|this\s+coming)\s+(?P<w>{_WEEKDAY_RE})\b", re.I),
        _weekday,
    ),
    ("last-weekday", re.compile(rf"\b(?P<which>last)\s+(?P<w>{_WEEKDAY_RE})\b", re.I), _weekday),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<which>this|on)\s+)?(?P<w>{_WEEKDAY_RE})\b", re.I),
        _plain_weekday,
    ),
    # "pre-2014", "post-2022", "mid-2014": the year is the date mentioned.
    (
        "year",
        re.compile(r"\b(?:pre|post|mid|early|late)-(?P<y>[1-9][0-9]{3})(?![\w%])", re.I),
        _prefixed_year,
    ),
)

_YEAR_CONTEXT = {
    "in", "since", "by", "until", "till", "before", "after", "from", "of", "during",
    "through", "early", "mid", "late", "year",
}  # fmt: skip
_FUNCTION_WORDS = {
    "as", "was", "is", "has", "this", "its", "his", "hers", "thus", "always", "status",
}  # fmt: skip
_COUNTED = {
    "people", "men", "women", "children", "staff", "personnel", "police", "military", "km",
    "kilometres", "kilometers", "miles", "strong", "million", "billion", "thousand",
}  # fmt: skip


def _amount_follows(tokens: list[Token], j: int) -> bool:
    """True when a counted noun follows: "of 2000 troops" is an amount, not a year."""
    if (
        j + 1 < len(tokens)
        and tokens[j].kind == "dash"
        and tokens[j - 1].end == tokens[j].start
        and tokens[j].end == tokens[j + 1].start
        and tokens[j + 1].kind == "word"
    ):
        return True  # "1500-page", "2000-strong": a compound, not a year
    if j >= len(tokens) or tokens[j].kind != "word":
        return False
    word = tokens[j].text
    if not word[0].islower() or word in _FUNCTION_WORDS:
        return False
    # A counted noun: a plural ("troops", "casualties") or a word counted without one.
    return (word.endswith("s") and not word.endswith("ss")) or word in _COUNTED


def _bare_year_is_a_year(tokens: list[Token], i: int, j: int, listed: int = -1) -> bool:
    """A bare four-digit number counts as a year only in a year context.

    ``listed`` is the index just past the previous mention: "in 2014, 2015
    and 2016" lists years after one.
    """
    between = {tok.low or tok.kind for tok in tokens[listed:i]} if listed >= 0 else {"x"}
    if between and between <= {"comma", "and", "or"} and not _amount_follows(tokens, j):
        return True
    previous = tokens[i - 1] if i > 0 else None
    if previous is None or previous.kind != "word":
        return False
    word = previous.low
    if word not in _YEAR_CONTEXT:
        return False
    if word == "year" and not (i > 1 and tokens[i - 2].low == "the"):
        return False
    if j < len(tokens) and tokens[j].kind == "dash" and _amount_follows(tokens, j):
        return False
    return not (word in ("of", "from") and _amount_follows(tokens, j))


def _grammar_mention(
    expr: _Expr,
    tokens: list[Token],
    span: tuple[int, int, int],
    ctx: _Ctx,
    published: dt.date,
) -> tuple[str, str] | None:
    """(rule, date) for a date the grammar read in prose, or None when it is no mention.

    ``span`` is (first token, token just past it, token just past the previous mention).
    """
    i, j, listed = span
    start, end = expr.start, expr.end
    if expr.kind == "single":
        if start.month is None and start.day is not None:
            return None
        if start.year is None and (start.day is None or start.month is None):
            return None  # a month alone ("in May") is no mention
        if start.bare and not _bare_year_is_a_year(tokens, i, j, listed):
            return None
    elif end is not None:
        if start.bare and end.bare:
            led = tokens[i].low in ("from", "between") or _bare_year_is_a_year(tokens, i, j)
            if _amount_follows(tokens, j) and not led:
                return None
        elif start.bare or end.bare:
            return None
    try:
        date = _resolve(expr, ctx, published)
    except DateError:
        if start.weekday is None:
            return None
        try:
            plain = attrs.evolve(expr, start=attrs.evolve(start, weekday=None))
            date = _resolve(plain, ctx, published)
        except DateError:
            return None
        return "weekday-conflict", str(date)
    if expr.kind == "range":
        assert end is not None
        return ("absolute-range" if end.year is not None else "month-day"), str(date)
    if start.year is None:
        return "month-day", str(date)
    if date.precision == "day":
        return "absolute-date", str(date)
    return ("month-year" if date.precision == "month" else "year"), str(date)


def _grammar_mentions(text: str, published: dt.date) -> list[tuple[int, int, str, str]]:
    tokens = tokenize(text)
    ctx = _Ctx(text, strict=True)
    found = []
    i, listed = 0, -1
    while i < len(tokens):
        parsed = _expr(tokens, i, ctx)
        if parsed is not None:
            expr, j = parsed
            mention = _grammar_mention(expr, tokens, (i, j, listed), ctx, published)
            if mention is not None:
                found.append((tokens[i].start, tokens[j - 1].end, *mention))
                i = listed = j
                continue
        i += 1
    return found


_FULL_NAMES = {n.lower() for n in (*MONTHS, *WEEKDAYS)}
_ABBREVIATIONS = {
    *(set(MONTH_NAMES) - _FULL_NAMES),
    *(set(WEEKDAY_NAMES) - _FULL_NAMES),
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "sen",
    "rep", "gov", "pres", "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "etc",
    "approx", "ca", "c", "fig", "vol", "rev", "hon", "adm", "maj", "cmdr", "amb",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])|\n\s*")


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; an abbreviation's full stop ends none."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == ".":
            word = re.search(r"[^\s\"“‘(]*$", text[start : match.start()])
            before = word.group(0) if word else ""
            if before.lower().rstrip(".") in _ABBREVIATIONS or re.fullmatch(
                r"(?:[A-Za-z]\.)*[A-Za-z]", before
            ):
                continue
        # The sentence keeps its closing quote or bracket: 'He said "talks end Friday."'
        closing = re.match(r"[.!?]+[\"”’)]*", text[match.start() : match.end()])
        spans.append((start, match.start() + (closing.end() if closing else 0)))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def extract(text: str, published: EventDate | dt.date | str) -> list[Mention]:
    """Every date mention in ``text``, resolved against the publication date, in text order.

    The rules are listed in this module's docstring and in ``eventline
    extract --help``.

    Raises:
        DateError: ``published`` is not a single day.
    """
    day = _publication_day(published)
    original, text = text, ascii_digits(text)  # "٢٠٢٥" is read as 2025; offsets are unchanged
    sentences = _sentences(text)

    def sentence_of(offset: int) -> tuple[int, int]:
        return next(((a, b) for a, b in sentences if a <= offset < b), (0, len(text)))

    found = _grammar_mentions(text, day)
    taken = [(start, end) for start, end, _, _ in found]
    for rule, pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            s_start, s_end = sentence_of(start)
            context = f"{text[s_start:start]}\0{text[end:s_end]}"
            try:
                resolved = resolve(match, day, context)
            except (OverflowError, ValueError):
                # Relative to a publication day at the calendar's edge (0001-01-01,
                # 9999-12-31): the day meant lies outside years 1-9999, no date.
                resolved = None
            if resolved is None:
                continue
            taken.append((start, end))
            found.append((start, end, rule, resolved))
    mentions = []
    for start, end, rule, resolved in sorted(found):
        s_start, s_end = sentence_of(start)
        mentions.append(
            Mention(
                text=original[start:end],
                date=EventDate.parse(resolved),
                start=start,
                end=end,
                sentence=" ".join(original[s_start:s_end].split()),
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
