"""The records of a timeline: frozen attrs classes, built by :mod:`eventline.io`."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

import attrs

from eventline.dates import EventDate

if TYPE_CHECKING:
    import pandas

__all__ = ["Actor", "ActorKind", "Category", "Citation", "Event", "Source", "Timeline"]

ActorKind = Literal["person", "state", "organization"]


@attrs.frozen
class Category:
    """A lane of the timeline.

    Attributes:
        id: slug, unique among categories.
        label: the name readers see.
        color: ``#rrggbb``, or None to let the renderer choose.
    """

    id: str
    label: str
    color: str | None = None


@attrs.frozen
class Actor:
    """A person, state or organization that takes part in events.

    Attributes:
        id: slug, unique among actors.
        name: the name readers see.
        kind: ``"person"``, ``"state"`` or ``"organization"``.
        role: what the actor was at the time of the story, if it helps.
        wikidata: a Wikidata item id such as ``Q7747``, when known for sure.
    """

    id: str
    name: str
    kind: ActorKind
    role: str | None = None
    wikidata: str | None = None


@attrs.frozen
class Source:
    """A published work that events cite.

    Attributes:
        id: slug, unique among sources.
        title: the work's title.
        publisher: who published it.
        published: when it was published.
        url: where to read it (http or https).
    """

    id: str
    title: str
    publisher: str | None = None
    published: EventDate | None = None
    url: str | None = None


@attrs.frozen
class Citation:
    """An event's reference to a source.

    Attributes:
        source: the id of a declared source.
        quote: a short verbatim excerpt of the source (at most 300 characters).
    """

    source: str
    quote: str | None = None


@attrs.frozen
class Event:
    """One thing that happened.

    Attributes:
        id: slug, unique among events.
        title: a one-line headline.
        date: when it happened, as precisely as known.
        category: the id of a declared category.
        summary: one to three sentences, or None.
        actors: ids of declared actors, in the order the curator gave.
        places: place names.
        tags: slugs for grouping.
        citations: at least one reference to a declared source.
    """

    id: str
    title: str
    date: EventDate
    category: str
    summary: str | None = None
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()

    @property
    def sort_key(self) -> tuple[dt.date, dt.date, str]:
        """The canonical order: earliest day, latest day (open ends last), id."""
        lower, upper = self.date.sort_key
        return (lower, upper, self.id)


DateLike = str | dt.date | EventDate


_DATE = operator.attrgetter("date")
_ID = operator.attrgetter("id")


class InOrder(tuple):  # type: ignore[type-arg]
    """Events already known to be in :attr:`Event.sort_key` order, such as
    those of a file proved canonical: a :class:`Timeline` does not sort them
    again. Only for :mod:`eventline`'s own loaders."""

    __slots__ = ()


def _sorted_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """The events in :attr:`Event.sort_key` order (a stable sort).

    Large timelines share date objects (:meth:`EventDate.parse` caches them),
    so each distinct date's key is computed once; events already in order,
    as a canonical file holds them, are kept as they are.
    """
    if type(events) is InOrder:
        return tuple(events)
    events = tuple(events)
    dates = list(map(_DATE, events))
    distinct = dict(zip(map(id, dates), dates, strict=True))
    keys = {key: date.sort_key for key, date in distinct.items()}
    # (date key, id) pairs order as Event.sort_key does.
    order = list(zip(map(keys.__getitem__, map(id, dates)), map(_ID, events), strict=True))
    if all(map(operator.le, order, itertools.islice(order, 1, None))):
        return events
    return tuple(map(events.__getitem__, sorted(range(len(order)), key=order.__getitem__)))


def _index(timeline: Timeline) -> dict[str, Event]:
    return dict(zip(map(_ID, timeline.events), timeline.events, strict=True))


@attrs.frozen
class Timeline:
    """A sorted, immutable sequence of events with the tables they refer to.

    ``len(tl)``, ``tl[0]``, ``for event in tl`` and ``tl.get(id)`` work as
    for a sequence; :meth:`filter` returns a new timeline.

    Attributes:
        title: the dataset's title.
        events: the events in canonical order.
        description: a paragraph about the dataset, or None.
        categories: declared categories by id, in file order.
        actors: declared actors by id, in file order.
        sources: declared sources by id, in file order.
        schema: the file's ``$schema`` reference, kept so a round trip keeps it.
    """

    title: str
    events: tuple[Event, ...] = attrs.field(default=(), converter=_sorted_events)
    description: str | None = None
    categories: Mapping[str, Category] = attrs.field(factory=dict, hash=False)
    actors: Mapping[str, Actor] = attrs.field(factory=dict, hash=False)
    sources: Mapping[str, Source] = attrs.field(factory=dict, hash=False)
    schema: str | None = None
    # Built on the first get(): loading and filtering large timelines need no index.
    _by_id: dict[str, Event] | None = attrs.field(
        init=False, repr=False, eq=False, hash=False, default=None
    )

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...
    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        return self.events[index]

    def get(self, event_id: str) -> Event | None:
        """The event with this id, or None."""
        index = self._by_id
        if index is None:
            index = _index(self)
            object.__setattr__(self, "_by_id", index)
        return index.get(event_id)

    def filter(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        categories: Iterable[str] | None = None,
        actors: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
    ) -> Timeline:
        """The events that match every given criterion, as a new timeline.

        Args:
            start: keep events whose possible span reaches this day or later
                (an EDTF string or a date; a month or year counts from its first day).
            end: keep events whose possible span begins on or before this day
                (a month or year counts to its last day).
            categories: keep events in any of these categories.
            actors: keep events with any of these actors.
            tags: keep events with any of these tags.

        An empty or None criterion keeps everything. The tables are kept whole.

        Raises:
            eventline.DateError: a date string is not of the grammar.
        """
        lo = _bound(start, upper=False)
        hi = _bound(end, upper=True)
        cats = set(categories or ())
        acts = set(actors or ())
        tagset = set(tags or ())
        if lo is None and hi is None and not (cats or acts or tagset):
            return self
        kept = [
            e
            for e in self.events
            if ((lo is None and hi is None) or e.date.overlaps(lo, hi))
            and (not cats or e.category in cats)
            and (not acts or not acts.isdisjoint(e.actors))
            and (not tagset or not tagset.isdisjoint(e.tags))
        ]
        return attrs.evolve(self, events=tuple(kept))

    def to_json(self) -> str:
        """Canonical JSON of these events with only the tables they use; it validates."""
        from eventline.export import export

        return export(self, "json")

    def to_csv(self) -> str:
        """CSV text (RFC 4180), one row per event; see :mod:`eventline.export.csv`."""
        from eventline.export import export

        return export(self, "csv")

    def to_ics(self) -> str:
        """iCalendar text, one all-day VEVENT per event; see :mod:`eventline.export.ics`."""
        from eventline.export import export

        return export(self, "ics")

    def to_timelinejs(self) -> dict[str, Any]:
        """A TimelineJS3 JSON object (a dict); see :mod:`eventline.export.timelinejs`."""
        from eventline.export.timelinejs import to_timelinejs

        return to_timelinejs(self)

    def to_xlsx(self) -> bytes:
        """The bytes of an Excel workbook, one sheet per table; see :mod:`eventline.export.xlsx`.

        Raises:
            ImportError: openpyxl is not installed (``pip install "eventline[xlsx]"``).
        """
        from eventline.export.xlsx import to_xlsx

        return to_xlsx(self)

    def to_pandas(self) -> pandas.DataFrame:
        """The events as a pandas DataFrame, one row per event in canonical order.

        Columns: ``id``, ``title``, ``date`` (the grammar's text), ``earliest``
        and ``latest`` (``datetime64[s]``, days at midnight; ``NaT`` for an
        open or unknown end), ``precision``, ``qualifier`` (None when there is
        none), ``category`` (id), ``category_label``, ``actors`` (a list of
        ids), ``places``, ``tags``, ``summary`` (None when there is none) and
        ``sources`` (a list of the cited source ids, each once).

        Seconds, not pandas' default nanoseconds, so that every year of the
        grammar (0001 to 9999) fits.

        Raises:
            ImportError: pandas is not installed (``pip install "eventline[pandas]"``).
        """
        try:
            import numpy as np
            import pandas as pd
        except ImportError as error:
            raise ImportError(
                'to_pandas needs pandas: pip install "eventline[pandas]"', name="pandas"
            ) from error

        def days(values: Iterable[dt.date | None]) -> Any:
            stamps = [("NaT" if d is None else d.isoformat()) for d in values]
            return pd.Series(np.array(stamps, dtype="datetime64[s]"), dtype="datetime64[s]")

        events = self.events
        return pd.DataFrame(
            {
                "id": pd.Series([e.id for e in events], dtype=object),
                "title": pd.Series([e.title for e in events], dtype=object),
                "date": pd.Series([str(e.date) for e in events], dtype=object),
                "earliest": days(e.date.lower for e in events),
                "latest": days(e.date.upper for e in events),
                "precision": pd.Series([e.date.precision for e in events], dtype=object),
                "qualifier": pd.Series([e.date.qualifier for e in events], dtype=object),
                "category": pd.Series([e.category for e in events], dtype=object),
                "category_label": pd.Series(
                    [
                        self.categories[e.category].label
                        if e.category in self.categories
                        else e.category
                        for e in events
                    ],
                    dtype=object,
                ),
                "actors": pd.Series([list(e.actors) for e in events], dtype=object),
                "places": pd.Series([list(e.places) for e in events], dtype=object),
                "tags": pd.Series([list(e.tags) for e in events], dtype=object),
                "summary": pd.Series([e.summary for e in events], dtype=object),
                "sources": pd.Series(
                    [list(dict.fromkeys(c.source for c in e.citations)) for e in events],
                    dtype=object,
                ),
            }
        )

    def used(self) -> Timeline:
        """The same events with only the categories, actors and sources they use."""
        cats = {e.category for e in self.events}
        acts = {a for e in self.events for a in e.actors}
        srcs = {c.source for e in self.events for c in e.citations}
        return attrs.evolve(
            self,
            categories={k: v for k, v in self.categories.items() if k in cats},
            actors={k: v for k, v in self.actors.items() if k in acts},
            sources={k: v for k, v in self.sources.items() if k in srcs},
        )


def _bound(value: DateLike | None, *, upper: bool) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    date = value if isinstance(value, EventDate) else EventDate.parse(value)
    return date.upper if upper else date.lower
