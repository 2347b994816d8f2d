"""iCalendar (RFC 5545): one all-day VEVENT per event.

Each data value in a SUMMARY, DESCRIPTION or LOCATION (title, name, place,
source title, quote) is isolated (:mod:`eventline.bidi`), so a right-to-left
value cannot change how the text around it reads in a calendar app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version
from typing import TYPE_CHECKING

from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date

if TYPE_CHECKING:
    from eventline.i18n import Language
    from eventline.model import Event, Timeline

__all__ = ["to_ics", "uid"]

_DAY = dt.timedelta(days=1)


def _text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _day(value: dt.date) -> str:
    return (
        value.strftime("%Y%m%d")
        if value.year >= 1000
        else f"{value.year:04d}{value.month:02d}{value.day:02d}"
    )


def _summary(event: Event, lang: Language) -> str:
    _ = lang.gettext
    date = event.date
    title = isolate(event.title)
    if date.end_kind in ("open", "unknown"):
        start = display_date(EventDate(date.start), lang)
        if date.end_kind == "open":
            return _("%(title)s (ongoing since %(date)s)") % {"title": title, "date": start}
        return _("%(title)s (%(date)s, end not known)") % {"title": title, "date": start}
    if date.precision != "day":
        text = display_date(date, lang)
        return _("%(title)s (%(date)s, day not known)") % {"title": title, "date": text}
    if date.qualifier is not None:
        text = display_date(date, lang)
        return _("%(title)s (%(date)s)") % {"title": title, "date": text}
    return title


def _end(event: Event) -> str:
    """The entry's end: the exclusive DTEND, an open or unknown end one day on the start.

    An entry that takes in 9999-12-31 has no day after it to end on; it
    gets its length as a DURATION in days instead (RFC 5545, 3.8.2.5).
    """
    date = event.date
    last = date.upper if date.upper is not None else date.lower
    try:
        return f"DTEND;VALUE=DATE:{_day(last + _DAY)}"
    except OverflowError:
        return f"DURATION:P{(last - date.lower).days + 1}D"


def _stamp(timeline: Timeline) -> str:
    """DTSTAMP from the data, not the clock: the latest date the data holds."""
    days = [e.date.lower for e in timeline]
    days += [s.published.lower for s in timeline.sources.values() if s.published is not None]
    latest = max(days, default=dt.date(2000, 1, 1))
    return f"{_day(latest)}T000000Z"


def _description(timeline: Timeline, event: Event, lang: Language) -> str:
    _ = lang.gettext
    parts = []
    if event.summary:
        parts.append(isolate(event.summary))
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        parts.append(_("Actors: %(names)s") % {"names": isolate_join(names)})
    sources = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        line = isolate(source.title if source else citation.source)
        if source and source.url:
            line += f" <{source.url}>"
        if citation.quote:
            line += f": “{isolate(citation.quote)}”"
        sources.append(line)
    parts.append(_("Sources:") + "\n" + "\n".join(f"- {s}" for s in sources))
    return "\n\n".join(parts)


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
    stamp = _stamp(timeline)
    suffix = _uid_suffix(timeline.title if identity is None else identity)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//eventline//eventline {version('eventline')}//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(isolate(timeline.title))}",
    ]
    for event in timeline:
        category = timeline.categories.get(event.category)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}{suffix}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(event.date.lower)}",
            _end(event),
            f"SUMMARY:{_text(_summary(event, lang))}",
            f"DESCRIPTION:{_text(_description(timeline, event, lang))}",
        ]
        if event.places:
            lines.append(f"LOCATION:{_text(isolate_join(event.places))}")
        label = category.label if category else event.category
        # CATEGORIES is a list of TEXT values: the category, then the tags.
        lines.append("CATEGORIES:" + ",".join(_text(v) for v in (isolate(label), *event.tags)))
        url = next(
            (
                timeline.sources[c.source].url
                for c in event.citations
                if c.source in timeline.sources and timeline.sources[c.source].url
            ),
            None,
        )
        if url:
            lines.append(f"URL:{url}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
