"""iCalendar (RFC 5545): one all-day VEVENT per event.

Each data value in a SUMMARY, DESCRIPTION or LOCATION (title, name, place,
source title, quote) is isolated (:mod:`eventline.bidi`), so a right-to-left
value cannot change how the text around it reads in a calendar app.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import struct
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, TypeVar

from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date
from eventline.io import event_documents

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["CALENDAR_TAIL", "calendar_head", "stamp", "to_ics", "uid", "vevents"]

_DAY = dt.timedelta(days=1)
_K = TypeVar("_K")
_V = TypeVar("_V")


class _Derived(dict[_K, _V]):
    """A dict that works out a missing key's value on first use, with ``derive``."""

    def __init__(self, derive: Callable[[_K], _V]) -> None:
        super().__init__()
        self.derive = derive

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self.derive(key)
        return value


def _text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and
    each line break (CRLF, LF or CR) as ``\\n``."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if ";" in value:
        value = value.replace(";", "\\;")
    if "," in value:
        value = value.replace(",", "\\,")
    if "\r" in value:
        value = value.replace("\r\n", "\\n").replace("\r", "\\n")
    return value.replace("\n", "\\n")


def _octets(text: str) -> str:
    """``text`` in UTF-8 as a string of one character per octet (Latin-1):
    lines built of such strings are measured, and cut, in octets."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def _fold_octets(line: str) -> str:
    """Fold a content line of octets (:func:`_octets`) at 75 octets, without
    splitting a UTF-8 character (RFC 5545, 3.1): the first piece of at most 75
    octets, the others of at most 74 (each after a CRLF and a space), each as
    long as can be without its successor starting on a continuation byte."""
    size = len(line)
    if size <= 75:
        return line
    cuts = line[75::74]  # the first octet of each piece after the first
    if cuts.isascii() or _CONTINUATION.search(cuts) is None:  # no cut inside a character
        if size <= 149:
            return f"{line[:75]}\r\n {line[75:]}"
        if size <= _CUT_MAX:  # every piece cut in one call, not a slice per piece
            fields = _CUTTERS[size].unpack(line.encode("latin-1"))
            return b"\r\n ".join(fields).decode("latin-1")
        return "\r\n ".join([line[:75], *[line[i : i + 74] for i in range(75, size, 74)]])
    pieces = []
    start, end = 0, 75
    while end < size:
        while "\x80" <= line[end] <= "\xbf":  # a continuation byte: cut before its character
            end -= 1
        pieces.append(line[start:end])
        start, end = end, end + 74
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


_CONTINUATION = re.compile("[\x80-\xbf]")


def _cutter(size: int) -> struct.Struct:
    """What cuts ``size`` octets into a line's pieces in one call: 75 octets,
    74 octets as often as they fill, then the rest (1 to 74)."""
    full = (size - 76) // 74
    return struct.Struct(f"75s{full * '74s'}{size - 75 - 74 * full}s")


# Lines of up to _CUT_MAX octets (most that are folded: a DESCRIPTION is
# some hundreds) are cut by a struct.Struct for their length, kept here.
_CUT_MAX = 4096
_CUTTERS = _Derived(_cutter)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1)."""
    if line.isascii():
        return _fold_octets(line)
    return _fold_octets(_octets(line)).encode("latin-1").decode("utf-8")


def _day(value: dt.date) -> str:
    # isoformat pads the year to four digits (strftime's %Y may not), and is
    # ten times faster.
    return value.isoformat().replace("-", "")


def _summary_words(date: EventDate, lang: Language) -> str:
    """What the summary says after the title about a date the entry cannot show."""
    _ = lang.gettext
    if date.end_kind in ("open", "unknown"):
        start = display_date(EventDate(date.start), lang)
        if date.end_kind == "open":
            return " " + _("(ongoing since %(date)s)") % {"date": start}
        return " " + _("(%(date)s, end not known)") % {"date": start}
    if date.precision != "day":
        return " " + _("(%(date)s, day not known)") % {"date": display_date(date, lang)}
    if date.qualifier is not None:
        return f" ({display_date(date, lang)})"
    return ""


def _end(date: EventDate) -> str:
    """The entry's end: the exclusive DTEND, an open or unknown end one day on the start.

    An entry that takes in 9999-12-31 has no day after it to end on; it
    gets its length as a DURATION in days instead (RFC 5545, 3.8.2.5).
    """
    last = date.upper if date.upper is not None else date.lower
    try:
        return f"DTEND;VALUE=DATE:{_day(last + _DAY)}"
    except OverflowError:
        return f"DURATION:P{(last - date.lower).days + 1}D"


# A day, or an interval from one day to another: no qualifier, no open or
# unknown end. Only ASCII digits (as the date grammar; \d takes others).
_PLAIN_DAYS = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:/([0-9]{4}-[0-9]{2}-[0-9]{2}))?")


def _when(text: str, lang: Language) -> tuple[str, str]:
    """The DTSTART and DTEND lines of the date ``text``, and what the summary
    says of it (escaped, in octets: :func:`_octets`).

    Raises:
        DateError: ``text`` is not a date of the grammar.
    """
    plain = _PLAIN_DAYS.fullmatch(text)
    if plain:  # most dates: known days, closed, the summary says nothing
        first, last = plain.groups()
        try:
            start = dt.date.fromisoformat(first)
            end = start if last is None else dt.date.fromisoformat(last)
            if start <= end:
                return (
                    f"DTSTART;VALUE=DATE:{_day(start)}\r\nDTEND;VALUE=DATE:{_day(end + _DAY)}\r\n",
                    "",
                )
        except (ValueError, OverflowError):  # year 0, no such day, or ends on 9999-12-31
            pass
    return _when_parsed(text, lang)


def _when_parsed(text: str, lang: Language) -> tuple[str, str]:
    """:func:`_when` of any date of the grammar, from its :class:`EventDate`."""
    date = EventDate.parse(text)
    return (
        f"DTSTART;VALUE=DATE:{_day(date.lower)}\r\n{_end(date)}\r\n",
        _octets(_text(_summary_words(date, lang))),
    )


# The _when of each date seen, by language: large files repeat dates, batch
# after batch. A language's dates are forgotten past _WHENS_MAX.
_WHENS: dict[Language, _Derived[str, tuple[str, str]]] = {}
_WHENS_MAX = 1 << 16


def _whens(lang: Language) -> _Derived[str, tuple[str, str]]:
    """The dates' :func:`_when` in ``lang``, each worked out on first use."""
    whens = _WHENS.get(lang)
    if whens is None or len(whens) > _WHENS_MAX:
        whens = _WHENS[lang] = _Derived(functools.partial(_when, lang=lang))
    return whens


def _source_parts(timeline: Timeline, source_id: str) -> tuple[str, str, str]:
    """A cited source's line in DESCRIPTION (escaped, after its \\n) when
    the citation has no quote, and when it has (up to the quote's opening
    mark), and its URL line, if it has a url, folded: all in octets
    (:func:`_octets`)."""
    source = timeline.sources.get(source_id)
    line = isolate(source.title if source else source_id)
    url = ""
    if source and source.url:
        line += f" <{source.url}>"
        url = _fold_octets(_octets(f"URL:{source.url}")) + "\r\n"
    line = "\\n- " + _octets(_text(line))
    return line, f"{line}: {_octets('“')}", url


def uid(identity: str, event_id: str) -> str:
    """The RFC 5545 (3.8.4.7) UID of an event: ``<event id>-<dataset key>@eventline``.

    The dataset key is the first 16 hex digits of the SHA-256 of ``identity``
    (UTF-8), by default the dataset's title: the same data gives the same
    UIDs run after run (so a re-imported calendar updates its entries), and
    two datasets with different titles that share an event id do not collide.
    """
    return event_id + _uid_suffix(identity)


def _uid_suffix(identity: str) -> str:
    return f"-{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:16]}@eventline"


def to_ics(timeline: Timeline, *, identity: str | None = None, lang: Language = ENGLISH) -> str:
    """The events as an iCalendar file: all-day entries, CRLF line ends, folded lines.

    A month or a year is an entry spanning it, with the precision said in the
    summary; an open or unknown end is a one-day entry on its start. Summary
    dates and description labels are in ``lang``.

    Args:
        timeline: the events.
        identity: what tells this dataset from others in UIDs (see :func:`uid`);
            default the timeline's title.
        lang: the language of dates and labels (:func:`eventline.i18n.language`).
    """
    days = [e.date.lower for e in timeline]
    return (
        calendar_head(timeline)
        + vevents(timeline, stamp(timeline, days), identity=identity, lang=lang)
        + CALENDAR_TAIL
    )


CALENDAR_TAIL = "END:VCALENDAR\r\n"
"""The calendar's last line, after the events."""


def calendar_head(timeline: Timeline) -> str:
    """The calendar's lines before its first event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//eventline//eventline {version('eventline')}//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(isolate(timeline.title))}",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def stamp(timeline: Timeline, days: Iterable[dt.date]) -> str:
    """DTSTAMP from the data, not the clock: the latest of ``days`` (the events'
    earliest days) and the sources' publication days; 2000-01-01 when none."""
    known = list(days)
    known += [s.published.lower for s in timeline.sources.values() if s.published is not None]
    return f"{_day(max(known, default=dt.date(2000, 1, 1)))}T000000Z"


def vevents(
    timeline: Timeline,
    stamp: str,
    *,
    identity: str | None = None,
    events: Iterable[dict[str, Any]] | None = None,
    lang: Language = ENGLISH,
) -> str:
    """The VEVENT of each event, DTSTAMP ``stamp``, as folded CRLF lines, in ``lang``.

    ``events``: canonical event documents (as in the data file) to write
    instead of the timeline's own events, whose names, labels and sources
    are then looked up in ``timeline``.
    """
    return vevents_utf8(timeline, stamp, identity=identity, events=events, lang=lang).decode(
        "utf-8"
    )


def vevents_utf8(
    timeline: Timeline,
    stamp: str,
    *,
    identity: str | None = None,
    events: Iterable[dict[str, Any]] | None = None,
    lang: Language = ENGLISH,
) -> bytes:
    """:func:`vevents` in UTF-8, made without decoding it: each line is built
    of octets (:func:`_octets`), so it is folded by cutting it at fixed places."""
    _ = lang.gettext
    docs = list(event_documents(timeline) if events is None else events)
    suffix = _uid_suffix(timeline.title if identity is None else identity)
    end = "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
    sources_label = _octets(_text(_("Sources:")))
    closing = _octets("”")
    # Around the actors' names (joined by an escaped comma), their label.
    around_names = _octets(_text(_("Actors: %(names)s") % {"names": _APART})).split(_APART)
    around_names[-1] += "\\n\\n"
    # Large timelines repeat dates, actors, sources, categories and tags:
    # each derived piece is worked out (escaped, turned into octets) once.
    whens = _whens(lang)
    names: _Derived[str, str] = _Derived(functools.partial(_actor_name, timeline))
    cited = _Derived(functools.partial(_source_parts, timeline))
    labels = _Derived(functools.partial(_category_head, timeline))
    tags = _Derived(_tag)
    name_of, tag_of = names.__getitem__, tags.__getitem__
    out: list[bytes] = []
    # _CHUNK events at a time: their documents stay in the processor's
    # cache from the passes that gather their values to the one below.
    for first in range(0, len(docs), _CHUNK):
        chunk = docs[first : first + _CHUNK]
        heads, titles, summaries, quotes, locations = _columns(chunk, suffix, stamp)
        lines: list[str] = []
        for event, head, title, summary in zip(chunk, heads, titles, summaries, strict=True):
            when, words = whens[event["date"]]
            line = f"SUMMARY:{title}{words}"
            if len(line) > 75:
                line = _fold_octets(line)
            # DESCRIPTION: the summary, actors and sources, a blank line between
            # them, each escaped on its own (TEXT, with \\n for a line break).
            # (It is made in one piece: a long string grown part by part is
            # copied at each step.)
            gap = "\\n\\n" if summary else ""
            if "actors" in event:
                actors = "\\, ".join(map(name_of, event["actors"])).join(around_names)
            else:
                actors = ""
            sources = ""
            url = ""  # the URL line of the first cited source that has a url
            for citation in event["citations"]:
                source, quoting, link = cited[citation["source"]]
                quote = next(quotes)
                sources += f"{quoting}{quote}{closing}" if quote else source
                url = url or link
            description = _fold_octets(
                f"DESCRIPTION:{summary}{gap}{actors}{sources_label}{sources}"
            )
            if "places" in event:
                location = f"LOCATION:{next(locations)}"
                location = f"{location if len(location) <= 75 else _fold_octets(location)}\r\n"
            else:
                location = ""
            # CATEGORIES is a list of TEXT values: the category, then the tags.
            category = labels[event["category"]]
            if "tags" in event:
                category += "".join(map(tag_of, event["tags"]))
            if len(category) > 75:
                category = _fold_octets(category)
            lines += (
                head,
                when,
                line,
                "\r\n",
                description,
                "\r\n",
                location,
                category,
                "\r\n",
                url,
                end,
            )
        # Encoded a chunk at a time: the whole batch joined into one string
        # would be copied again, as large, to encode it.
        out.append("".join(lines).encode("latin-1"))
    return b"".join(out)


# How many events vevents_utf8 takes in each pass over their documents:
# few enough for the documents to stay in the processor's cache (from 128
# to 1,000 took about the same time; 10,000 took 10% longer).
_CHUNK = 500


def _columns(
    docs: list[dict[str, Any]], suffix: str, stamp: str
) -> tuple[list[str], list[str], list[str], Iterator[str], Iterator[str]]:
    """Of the event documents ``docs``: the lines of each VEVENT up to its
    DTSTART (the UID, folded when it is long, ends in ``suffix``), and
    columns of values isolated and escaped (TEXT, RFC 5545 3.3.11) in one
    pass each, in octets (:func:`_octets`): each title, each summary ("" when
    there is none), each citation's quote ("" when none), and each LOCATION
    value (of the events that have places), the last two in order."""
    uids = [f"UID:{e['id']}{suffix}" for e in docs]
    if not "".join(uids).isascii():
        uids = [_octets(u) for u in uids]
    heads = [
        f"BEGIN:VEVENT\r\n{u if len(u) <= 75 else _fold_octets(u)}\r\nDTSTAMP:{stamp}\r\n"
        for u in uids
    ]
    titles = _escaped([e["title"] for e in docs])
    summaries = _escaped([e.get("summary") or "" for e in docs])
    quotes = _escaped([c.get("quote") or "" for e in docs for c in e["citations"]])
    places = [e["places"] for e in docs if "places" in e]
    located = [", ".join(p) for p in places]
    if not _APART.join(located).isascii():  # some may need isolating
        located = [isolate_join(p) for p in places]
    return heads, titles, summaries, iter(quotes), iter(_escaped(located, isolated=True))


def _actor_name(timeline: Timeline, actor_id: str) -> str:
    """An actor's name in a DESCRIPTION: isolated, escaped, in octets."""
    actor = timeline.actors.get(actor_id)
    return _octets(_text(isolate(actor.name if actor else actor_id)))


def _category_head(timeline: Timeline, category: str) -> str:
    """The CATEGORIES line up to its tags: the category's label, isolated,
    escaped, in octets."""
    known = timeline.categories.get(category)
    return "CATEGORIES:" + _octets(_text(isolate(known.label if known else category)))


def _tag(tag: str) -> str:
    """A tag's part of a CATEGORIES line: a comma, then the tag escaped, in octets."""
    return "," + _octets(_text(tag))


# Joins the values of a batch for one escaping pass; when a value holds it
# (none in a valid file can), the values are escaped one by one.
_APART = "\x00"


def _escaped(values: list[str], *, isolated: bool = False) -> list[str]:
    """Each of ``values`` isolated (unless ``isolated`` says they are) and
    escaped as TEXT, in octets (:func:`_octets`), in order: one pass over all."""
    joined = _APART.join(values)
    if not isolated and not joined.isascii():
        values = [isolate(v) for v in values]
        joined = _APART.join(values)
    escaped = _octets(_text(joined)).split(_APART)
    if len(escaped) != len(values):  # a value holds _APART
        return [_octets(_text(v)) for v in values]
    return escaped
