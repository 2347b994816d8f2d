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
    from collections.abc import Iterable

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


# The pieces of a content line of more than 75 octets (RFC 5545, 3.1): the
# first of at most 75 octets, the others of at most 74 (each then follows a
# CRLF and a space), none ending inside a UTF-8 character (each as long as
# can be, so that the next does not start with a continuation byte).
_PIECES = re.compile(rb"\A.{1,75}(?![\x80-\xbf])|.{1,74}(?![\x80-\xbf])", re.DOTALL)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1)."""
    if line.isascii():  # one octet a character: cut by characters
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    return b"\r\n ".join(_PIECES.findall(data)).decode("utf-8")


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


@functools.lru_cache(maxsize=1 << 16)
def _when(text: str, lang: Language) -> tuple[str, str]:
    """The DTSTART and DTEND lines of the date ``text``, and what the summary says of it."""
    # Large files repeat dates, batch after batch: each is worked out once.
    date = EventDate.parse(text)
    return (
        f"DTSTART;VALUE=DATE:{_day(date.lower)}\r\n{_end(date)}\r\n",
        _text(_summary_words(date, lang)),
    )


def _source_parts(timeline: Timeline, source_id: str) -> tuple[str, str]:
    """A cited source's line in DESCRIPTION (escaped), and its URL line, if it has a url."""
    source = timeline.sources.get(source_id)
    line = isolate(source.title if source else source_id)
    if source and source.url:
        line += f" <{source.url}>"
        return "- " + _text(line), _fold(f"URL:{source.url}") + "\r\n"
    return "- " + _text(line), ""


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
    _ = lang.gettext
    suffix = _uid_suffix(timeline.title if identity is None else identity)
    # The same lines begin each VEVENT (the UID's value runs on from them)
    # and end it.
    begin = "BEGIN:VEVENT\r\nUID:"
    after_uid = f"\r\nDTSTAMP:{stamp}\r\n"
    end = "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
    sources_label = _text(_("Sources:"))
    # Large timelines repeat dates, actor groups, sources and categories:
    # each derived piece is worked out (and escaped, or folded) once.
    whens: dict[str, tuple[str, str]] = {}
    actor_parts: dict[tuple[str, ...], str] = {}
    source_parts: dict[str, tuple[str, str]] = {}
    categories: dict[tuple[str, tuple[str, ...]], str] = {}
    out: list[str] = []
    for event in event_documents(timeline) if events is None else events:
        when = whens.get(event["date"])
        if when is None:
            when = whens[event["date"]] = _when(event["date"], lang)
        # DESCRIPTION: the summary, actors and sources, a blank line between
        # them, each escaped on its own (TEXT, with \\n for a line break).
        parts = []
        if event.get("summary"):
            parts.append(_text(isolate(event["summary"])))
        if "actors" in event:
            ids = tuple(event["actors"])
            actors = actor_parts.get(ids)
            if actors is None:
                names = (timeline.actors[a].name if a in timeline.actors else a for a in ids)
                actors = actor_parts[ids] = _text(
                    _("Actors: %(names)s") % {"names": isolate_join(names)}
                )
            parts.append(actors)
        sources = [sources_label]
        url = ""  # the URL line of the first cited source that has a url
        for citation in event["citations"]:
            cited = source_parts.get(citation["source"])
            if cited is None:
                cited = source_parts[citation["source"]] = _source_parts(
                    timeline, citation["source"]
                )
            if citation.get("quote"):
                sources.append(f"{cited[0]}: “{_text(isolate(citation['quote']))}”")
            else:
                sources.append(cited[0])
            url = url or cited[1]
        parts.append("\\n".join(sources))
        uid = event["id"] + suffix
        out += [
            begin + uid
            if len(uid) <= 71 and uid.isascii()
            else "BEGIN:VEVENT\r\n" + _fold("UID:" + uid),
            after_uid,
            when[0],
            _fold(f"SUMMARY:{_text(isolate(event['title']))}{when[1]}"),
            "\r\n",
            _fold("DESCRIPTION:" + "\\n\\n".join(parts)),
            "\r\n",
        ]
        if "places" in event:
            out += [_fold(f"LOCATION:{_text(isolate_join(event['places']))}"), "\r\n"]
        key = (event["category"], tuple(event["tags"]) if "tags" in event else ())
        category = categories.get(key)
        if category is None:
            known = timeline.categories.get(key[0])
            label = isolate(known.label if known else key[0])
            # CATEGORIES is a list of TEXT values: the category, then the tags.
            category = categories[key] = (
                _fold("CATEGORIES:" + ",".join(_text(v) for v in (label, *key[1]))) + "\r\n"
            )
        out += [category, url, end]
    return "".join(out)
