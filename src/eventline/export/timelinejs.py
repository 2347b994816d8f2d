"""TimelineJS3 JSON, as Knight Lab's TimelineJS loads it.

TimelineJS treats its fields differently, so each is escaped for the path
it takes (checked in the real library, 3.9, by tests/test_exports.py):

- ``text.headline`` and ``text.text`` go through DOMPurify and then
  ``innerHTML``: escaped once, they show as typed; our own ``<p>`` and
  ``<a href>`` survive.
- ``group`` and every ``display_date`` go through ``stripMarkup`` (parsed as
  HTML, entities decoded, tags dropped) and then ``innerHTML``: text escaped
  once would be decoded back into live markup, so it is escaped twice.

Each data value (title, summary, name, place, source title, category label)
is isolated (:mod:`eventline.bidi`), so a right-to-left value cannot change
how the text around it reads.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from eventline.bidi import isolate, isolate_join
from eventline.i18n import ENGLISH, display_date

if TYPE_CHECKING:
    from eventline.dates import DatePoint, EventDate
    from eventline.i18n import Language
    from eventline.model import Event, Timeline

__all__ = ["to_timelinejs"]


def _once(text: str) -> str:
    return html.escape(text, quote=True)


def _twice(text: str) -> str:
    return _once(_once(text))


def _date(point: DatePoint) -> dict[str, int]:
    parts = {"year": point.year}
    if point.month is not None:
        parts["month"] = point.month
        if point.day is not None:
            parts["day"] = point.day
    return parts


def _link(url: str, text: str) -> str:
    return f'<a href="{_once(url)}" target="_blank" rel="noopener noreferrer">{_once(text)}</a>'


def _text(timeline: Timeline, event: Event, lang: Language) -> str:
    _ = lang.gettext
    paragraphs = []
    if event.summary:
        paragraphs.append(_once(isolate(event.summary)))
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        paragraphs.append(_("Actors: %(names)s") % {"names": _once(isolate_join(names))})
    if event.places:
        paragraphs.append(_("Places: %(names)s") % {"names": _once(isolate_join(event.places))})
    sources = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is None:
            sources.append(_once(isolate(citation.source)))
        elif source.url and source.url.startswith(("https://", "http://")):
            sources.append(_link(source.url, isolate(source.title)))
        else:
            sources.append(_once(isolate(source.title)))
    paragraphs.append(_("Sources:") + " " + "; ".join(dict.fromkeys(sources)))
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _needs_words(date: EventDate, start: dict[str, int], end: dict[str, int] | None) -> bool:
    """True when TimelineJS would not show ``date`` from its parts alone.

    TimelineJS has no words for qualifiers or open and unknown ends, and
    (TimelineConfig._processDates, 3.9) drops an end date as redundant when
    it equals the start on every part the *start* has: ``2014/2014-03-18``
    would show as "2014".
    """
    if date.qualifier is not None or date.end_kind in ("open", "unknown"):
        return True
    return end is not None and end != start and all(end.get(k) == v for k, v in start.items())


def _slide(timeline: Timeline, event: Event, lang: Language) -> dict[str, Any]:
    date = event.date
    category = timeline.categories.get(event.category)
    start = _date(date.start)
    end = None if date.end is None else _date(date.end)
    slide: dict[str, Any] = {"unique_id": event.id, "start_date": start}
    if end is not None:
        slide["end_date"] = end
    # TimelineJS writes dates itself in its own language's words; in any other
    # language than English every slide says its date as CLDR writes it.
    if not lang.is_default or _needs_words(date, start, end):
        slide["display_date"] = _twice(display_date(date, lang))
    slide["text"] = {
        "headline": _once(isolate(event.title)),
        "text": _text(timeline, event, lang),
    }
    slide["group"] = _twice(isolate(category.label if category else event.category))
    return slide


def to_timelinejs(timeline: Timeline, lang: Language = ENGLISH) -> dict[str, Any]:
    """The timeline as a TimelineJS3 JSON object (a title slide and one slide per event).

    Only the date parts the precision has are given: a month has no ``day``.
    Where those parts cannot say the date as ``eventline list`` shows it (a
    qualifier, an open or unknown end, an end TimelineJS would drop), the
    slide carries it in words as ``display_date``. Links are http(s) only.
    In a language other than English (``lang``) every slide has a
    ``display_date`` in that language; TimelineJS's own interface text
    follows the ``language`` option of the page that embeds it (``new
    TL.Timeline(el, data, {language: "de"})``), which is not part of the data.
    """
    title: dict[str, Any] = {"text": {"headline": _once(isolate(timeline.title))}}
    if timeline.description:
        title["text"]["text"] = f"<p>{_once(isolate(timeline.description))}</p>"
    return {"title": title, "events": [_slide(timeline, e, lang) for e in timeline]}
