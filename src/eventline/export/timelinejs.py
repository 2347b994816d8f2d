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

import functools
import html
import operator
from typing import TYPE_CHECKING, Any

from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import ENGLISH, display_date
from eventline.io import event_documents

if TYPE_CHECKING:
    from collections.abc import Iterable

    from eventline.dates import DatePoint
    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["slides", "to_timelinejs"]


def _once(text: str) -> str:
    # Most text has none of the five characters: five substring tests are
    # cheaper than html.escape's five replacements.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text, quote=True)
    return text


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


def _actors(timeline: Timeline, ids: tuple[str, ...], lang: Language) -> str:
    """The "Actors:" paragraph of a slide with actors ``ids``; empty for none."""
    if not ids:
        return ""
    names = [timeline.actors[a].name if a in timeline.actors else a for a in ids]
    return (
        "<p>" + lang.gettext("Actors: %(names)s") % {"names": _once(isolate_join(names))} + "</p>"
    )


def _sources(timeline: Timeline, cited: tuple[str, ...], lang: Language) -> str:
    """The "Sources:" paragraph of a slide citing the sources ``cited``."""
    sources = []
    for source_id in cited:
        source = timeline.sources.get(source_id)
        if source is None:
            sources.append(_once(isolate(source_id)))
        elif source.url and source.url.startswith(("https://", "http://")):
            sources.append(_link(source.url, isolate(source.title)))
        else:
            sources.append(_once(isolate(source.title)))
    return "<p>" + lang.gettext("Sources:") + " " + "; ".join(dict.fromkeys(sources)) + "</p>"


def _needs_words(date: EventDate, start: dict[str, int], end: dict[str, int] | None) -> bool:
    """True when TimelineJS would not show ``date`` from its parts alone.

    TimelineJS has no words for qualifiers or open and unknown ends, and
    (TimelineConfig._processDates, 3.9) drops an end date as redundant when
    it equals the start on every part the *start* has: ``2014/2014-03-18``
    would show as "2014". A year below 100 shows bare ("79"), which reads as
    1979; ``eventline list`` says "AD 79".
    """
    if date.qualifier is not None or date.end_kind in ("open", "unknown"):
        return True
    if start["year"] < 100 or (end is not None and end["year"] < 100):
        return True
    return end is not None and end != start and all(end.get(k) == v for k, v in start.items())


@functools.lru_cache(maxsize=1 << 16)
def _when(text: str, lang: Language) -> tuple[dict[str, int], dict[str, int] | None, str | None]:
    """The start and end date parts of the date ``text`` (shared: copied into
    each slide) and, where TimelineJS needs them, its words in ``lang``.

    TimelineJS writes dates itself in its own language's words; in any other
    language than English every slide says its date as CLDR writes it.
    """
    date = EventDate.parse(text)
    start = _date(date.start)
    end = None if date.end is None else _date(date.end)
    if lang.is_default and not _needs_words(date, start, end):
        return start, end, None
    return start, end, _twice(display_date(date, lang))


def slides(
    timeline: Timeline, events: Iterable[dict[str, Any]], lang: Language = ENGLISH
) -> list[dict[str, Any]]:
    """The slide of each of ``events``, canonical event documents (as in the data
    file), names and labels looked up in ``timeline`` (whose own events are not
    used), dates and labels in ``lang``."""
    # Large timelines repeat dates, categories, actor groups and source
    # lists: each is worked out once.
    dates: dict[str, tuple[dict[str, int], dict[str, int] | None, str | None]] = {}
    groups: dict[str, str] = {}
    actor_paragraphs: dict[tuple[str, ...], str] = {}
    source_paragraphs: dict[tuple[str, ...], str] = {}
    places_words = lang.gettext("Places: %(names)s")
    out = []
    for event in events:
        group = groups.get(event["category"])
        if group is None:
            category = timeline.categories.get(event["category"])
            label = category.label if category else event["category"]
            group = groups[event["category"]] = _twice(isolate(label))
        ids = tuple(event["actors"]) if "actors" in event else ()
        actors = actor_paragraphs.get(ids)
        if actors is None:
            actors = actor_paragraphs[ids] = _actors(timeline, ids, lang)
        cited = tuple(map(_source_of, event["citations"]))
        sources = source_paragraphs.get(cited)
        if sources is None:
            sources = source_paragraphs[cited] = _sources(timeline, cited, lang)
        summary = event.get("summary")
        places = event.get("places")
        text = "".join(
            (
                f"<p>{_once(isolate(summary))}</p>" if summary else "",
                actors,
                "<p>" + places_words % {"names": _once(isolate_join(places))} + "</p>"
                if places
                else "",
                sources,
            )
        )
        when = dates.get(event["date"])
        if when is None:
            when = dates[event["date"]] = _when(event["date"], lang)
        start, end, words = when
        slide: dict[str, Any] = {"unique_id": event["id"], "start_date": dict(start)}
        if end is not None:
            slide["end_date"] = dict(end)
        if words is not None:
            slide["display_date"] = words
        slide["text"] = {"headline": _once(isolate(event["title"])), "text": text}
        slide["group"] = group
        out.append(slide)
    return out


_source_of = operator.itemgetter("source")


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
    return {"title": title, "events": slides(timeline, event_documents(timeline), lang)}
