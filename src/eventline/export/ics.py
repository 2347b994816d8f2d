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
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date
from eventline.io import event_documents

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["CALENDAR_TAIL", "calendar_head", "stamp", "to_ics", "uid", "vevents"]

_DAY = dt.timedelta(days=1)


def _text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and
    each line break (CRLF, LF or CR) as ``\\n``."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    value = value.replace(";", "\\;").replace(",", "\\,")
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
    if line[75::74].isascii():  # no cut falls inside a character
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


_PLAIN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.lru_cache(maxsize=1 << 16)
def _when(text: str, lang: Language) -> tuple[str, str]:
    """The DTSTART and DTEND lines of the date ``text``, and what the summary says of it."""
    # Large files repeat dates, batch after batch: each is worked out once.
    if _PLAIN_DAY.fullmatch(text):  # most dates: one known day, closed, the summary says nothing
        try:
            day = dt.date.fromisoformat(text)
            return f"DTSTART;VALUE=DATE:{_day(day)}\r\nDTEND;VALUE=DATE:{_day(day + _DAY)}\r\n", ""
        except (ValueError, OverflowError):  # year 0, 9999-12-31 or no such day: parsed below
            pass
    date = EventDate.parse(text)
    return (
        f"DTSTART;VALUE=DATE:{_day(date.lower)}\r\n{_end(date)}\r\n",
        _text(_summary_words(date, lang)),
    )


def _source_parts(timeline: Timeline, source_id: str) -> tuple[str, str]:
    """A cited source's line in DESCRIPTION (escaped), and its URL line, if it
    has a url, folded: both in octets (:func:`_octets`)."""
    source = timeline.sources.get(source_id)
    line = isolate(source.title if source else source_id)
    if source and source.url:
        line += f" <{source.url}>"
        url = _fold_octets(_octets(f"URL:{source.url}")) + "\r\n"
        return "- " + _octets(_text(line)), url
    return "- " + _octets(_text(line)), ""


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
    of octets (:func:`_octets`), so it is folded by slicing."""
    _ = lang.gettext
    suffix = _uid_suffix(timeline.title if identity is None else identity)
    docs = list(event_documents(timeline) if events is None else events)
    # Each title, summary and quote, and each event's places, isolated and
    # escaped (TEXT, RFC 5545 3.3.11) in one pass for all the events, then
    # taken in the same order below.
    texts: list[str] = []
    places: list[str] = []
    for event in docs:
        texts.append(event["title"])
        if event.get("summary"):
            texts.append(event["summary"])
        texts += [c["quote"] for c in event["citations"] if c.get("quote")]
        if "places" in event:
            places.append(isolate_join(event["places"]))
    escaped = _escaped(texts)
    locations = _escaped(places, isolated=True)
    # The same lines follow each UID, and end each VEVENT.
    after_uid = f"\r\nDTSTAMP:{stamp}\r\n"
    end = "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
    sources_label = _octets(_text(_("Sources:")))
    opening, closing = _octets("“"), _octets("”")
    # Large timelines repeat dates, actors, sources, categories and tags:
    # each derived piece is worked out (escaped, turned into octets) once.
    whens: dict[str, tuple[str, str]] = {}
    actor_names: dict[str, str] = {}
    actor_parts: dict[tuple[str, ...], str] = {}
    source_parts: dict[str, tuple[str, str]] = {}
    labels: dict[str, str] = {}
    tags: dict[str, str] = {}
    out: list[str] = []
    for event in docs:
        when = whens.get(event["date"])
        if when is None:
            when = _when(event["date"], lang)
            when = whens[event["date"]] = (when[0], _octets(when[1]))
        summary = _fold_octets(f"SUMMARY:{next(escaped)}{when[1]}")
        # DESCRIPTION: the summary, actors and sources, a blank line between
        # them, each escaped on its own (TEXT, with \\n for a line break).
        if event.get("summary"):
            description = f"DESCRIPTION:{next(escaped)}\\n\\n"
        else:
            description = "DESCRIPTION:"
        if "actors" in event:
            ids = tuple(event["actors"])
            actors = actor_parts.get(ids)
            if actors is None:
                actors = actor_parts[ids] = _actors(timeline, ids, actor_names, lang)
            description += actors
        description += sources_label
        url = ""  # the URL line of the first cited source that has a url
        for citation in event["citations"]:
            cited = source_parts.get(citation["source"])
            if cited is None:
                cited = source_parts[citation["source"]] = _source_parts(
                    timeline, citation["source"]
                )
            if citation.get("quote"):
                description += f"\\n{cited[0]}: {opening}{next(escaped)}{closing}"
            else:
                description += f"\\n{cited[0]}"
            url = url or cited[1]
        uid = _octets(f"UID:{event['id']}{suffix}")
        out += [
            "BEGIN:VEVENT\r\n",
            uid if len(uid) <= 75 else _fold_octets(uid),
            after_uid,
            when[0],
            summary,
            "\r\n",
            _fold_octets(description),
            "\r\n",
        ]
        if "places" in event:
            out += [_fold_octets(f"LOCATION:{next(locations)}"), "\r\n"]
        # CATEGORIES is a list of TEXT values: the category, then the tags.
        category = labels.get(event["category"])
        if category is None:
            known = timeline.categories.get(event["category"])
            category = labels[event["category"]] = "CATEGORIES:" + _octets(
                _text(isolate(known.label if known else event["category"]))
            )
        if "tags" in event:
            for tag in event["tags"]:
                text = tags.get(tag)
                if text is None:
                    text = tags[tag] = "," + _octets(_text(tag))
                category += text
        out += [_fold_octets(category), "\r\n", url, end]
    return "".join(out).encode("latin-1")


def _actors(timeline: Timeline, ids: tuple[str, ...], names: dict[str, str], lang: Language) -> str:
    """The actors part of a DESCRIPTION and the blank line after it, in
    octets: each name isolated and escaped on its own (``names`` keeps them)."""
    for actor_id in ids:
        if actor_id not in names:
            actor = timeline.actors.get(actor_id)
            names[actor_id] = _octets(_text(isolate(actor.name if actor else actor_id)))
    template = _text(lang.gettext("Actors: %(names)s") % {"names": _APART})
    return _octets(template).replace(_APART, "\\, ".join([names[a] for a in ids])) + "\\n\\n"


# Joins the values of a batch for one escaping pass; when a value holds it
# (none in a valid file can), the values are escaped one by one.
_APART = "\x00"


def _escaped(values: list[str], *, isolated: bool = False) -> Iterator[str]:
    """Each of ``values`` isolated (unless ``isolated`` says they are) and
    escaped as TEXT, in octets (:func:`_octets`), in order: one pass over all."""
    joined = _APART.join(values)
    if not isolated and not joined.isascii():
        values = [isolate(v) for v in values]
        joined = _APART.join(values)
    if joined.count(_APART) != len(values) - 1:
        return iter([_octets(_text(v)) for v in values])
    return iter(_octets(_text(joined)).split(_APART))
