"""iCalendar (RFC 5545): one all-day VEVENT per event."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version
from typing import TYPE_CHECKING

from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date

if TYPE_CHECKING:
    from eventline.i18n import Language
    from eventline.model import Event, Timeline

__all__ = ["to_ics"]

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
    if date.end_kind in ("open", "unknown"):
        start = display_date(EventDate(date.start), lang)
        if date.end_kind == "open":
            return _("%(title)s (ongoing since %(date)s)") % {"title": event.title, "date": start}
        return _("%(title)s (%(date)s, end not known)") % {"title": event.title, "date": start}
    if date.precision != "day":
        text = display_date(date, lang)
        return _("%(title)s (%(date)s, day not known)") % {"title": event.title, "date": text}
    if date.qualifier is not None:
        text = display_date(date, lang)
        return _("%(title)s (%(date)s)") % {"title": event.title, "date": text}
    return event.title


def _span(event: Event) -> tuple[dt.date, dt.date]:
    """DTSTART and the exclusive DTEND; an open or unknown end is one day on the start."""
    date = event.date
    last = date.upper if date.upper is not None else date.lower
    try:
        return date.lower, last + _DAY
    except OverflowError:  # 9999-12-31: no day after it to end on
        return date.lower, last


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
        parts.append(event.summary)
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        parts.append(_("Actors: %(names)s") % {"names": ", ".join(names)})
    sources = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        line = source.title if source else citation.source
        if source and source.url:
            line += f" <{source.url}>"
        if citation.quote:
            line += f": “{citation.quote}”"
        sources.append(line)
    parts.append(_("Sources:") + "\n" + "\n".join(f"- {s}" for s in sources))
    return "\n\n".join(parts)


def to_ics(timeline: Timeline, lang: Language = ENGLISH) -> str:
    """The events as an iCalendar file: all-day entries, CRLF line ends, folded lines.

    A month or a year is an entry spanning it, with the precision said in the
    summary; an open or unknown end is a one-day entry on its start. Summary
    dates and description labels are in ``lang``.
    """
    stamp = _stamp(timeline)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//eventline//eventline {version('eventline')}//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(timeline.title)}",
    ]
    for event in timeline:
        start, end = _span(event)
        category = timeline.categories.get(event.category)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.id}@eventline",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(start)}",
            f"DTEND;VALUE=DATE:{_day(end)}",
            f"SUMMARY:{_text(_summary(event, lang))}",
            f"DESCRIPTION:{_text(_description(timeline, event, lang))}",
        ]
        if event.places:
            lines.append(f"LOCATION:{_text(', '.join(event.places))}")
        lines.append(f"CATEGORIES:{_text(category.label if category else event.category)}")
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
