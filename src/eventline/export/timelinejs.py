"""TimelineJS3 JSON, as Knight Lab's TimelineJS loads it.

TimelineJS treats its fields differently, so each is escaped for the path
it takes (checked in the real library, 3.9, by tests/test_exports.py):

- ``text.headline`` and ``text.text`` go through DOMPurify and then
  ``innerHTML``: escaped once, they show as typed; our own ``<p>`` and
  ``<a href>`` survive.
- ``group`` and every ``display_date`` go through ``stripMarkup`` (parsed as
  HTML, entities decoded, tags dropped) and then ``innerHTML``: text escaped
  once would be decoded back into live markup, so it is escaped twice.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from eventline.i18n import ENGLISH, display_date

if TYPE_CHECKING:
    from eventline.dates import DatePoint
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
        paragraphs.append(_once(event.summary))
    if event.actors:
        names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
        paragraphs.append(_("Actors: %(names)s") % {"names": _once(", ".join(names))})
    sources = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is None:
            sources.append(_once(citation.source))
        elif source.url and source.url.startswith(("https://", "http://")):
            sources.append(_link(source.url, source.title))
        else:
            sources.append(_once(source.title))
    paragraphs.append(_("Sources:") + " " + "; ".join(dict.fromkeys(sources)))
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _slide(timeline: Timeline, event: Event, lang: Language) -> dict[str, Any]:
    date = event.date
    category = timeline.categories.get(event.category)
    slide: dict[str, Any] = {"unique_id": event.id, "start_date": _date(date.start)}
    if date.end is not None:
        slide["end_date"] = _date(date.end)
    # TimelineJS writes dates itself in its own language's words; in any other
    # language than English every slide says its date as CLDR writes it.
    if not lang.is_default or date.qualifier is not None or date.end_kind in ("open", "unknown"):
        slide["display_date"] = _twice(display_date(date, lang))
    slide["text"] = {"headline": _once(event.title), "text": _text(timeline, event, lang)}
    slide["group"] = _twice(category.label if category else event.category)
    return slide


def to_timelinejs(timeline: Timeline, lang: Language = ENGLISH) -> dict[str, Any]:
    """The timeline as a TimelineJS3 JSON object (a title slide and one slide per event).

    Only the date parts the precision has are given: a month has no ``day``.
    Links are http(s) only. In a language other than English (``lang``)
    every slide has a ``display_date`` in that language; TimelineJS's own
    interface text follows the ``language`` option of the page that embeds it
    (``new TL.Timeline(el, data, {language: "de"})``), which is not part of
    the data.
    """
    title: dict[str, Any] = {"text": {"headline": _once(timeline.title)}}
    if timeline.description:
        title["text"]["text"] = f"<p>{_once(timeline.description)}</p>"
    return {"title": title, "events": [_slide(timeline, e, lang) for e in timeline]}
