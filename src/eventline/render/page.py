"""The self-contained HTML page: header, search and filters, the chart, and the
chronology, from a Jinja2 template with autoescaping on.

The template, stylesheet and script are package data (``templates/``,
``assets/``) read through :mod:`importlib.resources` and inlined, so the page
is one file that works offline. Jinja2 is imported only when a page is made:
``import eventline`` stays light.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import mmap
import multiprocessing
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any, Literal

import orjson

from eventline import io
from eventline.bidi import isolate, isolate_join
from eventline.dates import EventDate
from eventline.i18n import display_date, plotly_locale
from eventline.model import Event, Timeline
from eventline.render.chart import facts, facts_line, figure_dict, latest_dates
from eventline.render.text import ENGLISH, Language, colors

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "CHRONOLOGY_LIMIT",
    "DIV_ID",
    "FIGURE_SLOT",
    "PAGE_SIZE",
    "PlotlyJS",
    "page_around_figure",
    "to_html",
    "to_html_with",
]

DIV_ID = "eventline-timeline"
CHRONOLOGY_LIMIT = 1000  # the page's HTML lists at most this many events
PAGE_SIZE = 100  # the events past them are listed this many at a time, by the script
PlotlyJS = Literal["embed", "cdn"]
FIGURE_SLOT = "<eventline-figure-slot>"
"""Where the figure's data goes in the page around it (:func:`page_around_figure`):
no other text of a page holds it (data text reaches the page escaped, and script
blocks hold no ``<``)."""

CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"filename": "timeline", "scale": 2},
}


def _asset(name: str) -> str:
    return resources.files("eventline.render").joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _asset(f"templates/{name}")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _trusted(text: str) -> Any:
    """Mark text as needing no HTML escaping: only the package's own CSS and JavaScript,
    plotly.js, and JSON already escaped for a <script> element by :func:`script_json`."""
    import markupsafe

    return markupsafe.Markup(text)  # noqa: S704 - never data text; see the docstring


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no <, >, & or line separators."""
    text = orjson.dumps(value).decode("utf-8")
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return str(text)


FORK_EVENTS = 20_000  # from this many events, a forked process makes the later events' table
_FORK = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else None
)


def _forked(work: Callable[[], str]) -> Callable[[], str]:
    """Start ``work`` (text out) in a forked child, which shares this process's
    memory as it was; return a function that waits for the text. Should the child fail
    or vanish, that function runs ``work`` here instead, so the result never differs."""
    assert _FORK is not None
    receive, send = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_send, args=(send, work), daemon=True)
    child.start()
    send.close()

    def result() -> str:
        try:
            data: bytes | None = receive.recv_bytes()
        except (EOFError, OSError):
            data = None
        finally:
            receive.close()
        if data is None:
            child.join()
            return work()
        # A whole message arrived (each is sent with its length): the child
        # is left to end by itself, freeing its heap, while this one goes on.
        return data.decode("utf-8")

    return result


def _send(connection: Any, work: Callable[[], str]) -> None:
    from eventline.quick import answered

    connection.send_bytes(work().encode("utf-8"))
    connection.close()
    answered()


def packed(value: Any) -> str:
    """``value`` as JSON, gzip-compressed (RFC 1952, by ISA-L at level 1, mtime 0) and
    base64-encoded: the page's script reads it back with the browser's
    ``DecompressionStream("gzip")``.

    Nothing needs escaping for a <script> element: base64 has no ``<``, ``>`` or ``&``,
    and the script puts the decoded values into the page only as text nodes or through
    Plotly labels already escaped (:func:`eventline.render.text.ptext`). ISA-L's level 1
    because at 200,000 events it compresses the 73 MB table in a third of the time of
    zlib's level 1, and a little smaller (zlib's default level takes five times longer
    again). Same value, same bytes (for one version of ISA-L).
    """
    from isal import igzip  # only large pages need it

    return base64.b64encode(igzip.compress(orjson.dumps(value), compresslevel=1, mtime=0)).decode(
        "ascii"
    )


def _plotly_tag(plotlyjs: PlotlyJS) -> tuple[str, str | None, str | None]:
    """plotly.js inline (code, None, None) or from the CDN ("", url, integrity)."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if plotlyjs == "embed":
        return get_plotlyjs(), None, None
    digest = hashlib.sha384(get_plotlyjs().encode("utf-8")).digest()
    integrity = "sha384-" + base64.b64encode(digest).decode("ascii")
    return "", f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js", integrity


def _config(language: Language) -> dict[str, Any]:
    """plotly.js's config; in a language other than English, with that language's
    month and day names and date orders (from CLDR) for the axes."""
    if language.is_default:
        return CONFIG
    return {**CONFIG, "locale": language.tag, "locales": {language.tag: plotly_locale(language)}}


def _entry(
    timeline: Timeline, event: Event, palette: dict[str, str], language: Language
) -> dict[str, Any]:
    """What the chronology shows of one event, as plain values for the template."""
    category = timeline.categories.get(event.category)
    sources: list[dict[str, Any]] = []
    for citation in event.citations:
        source = timeline.sources.get(citation.source)
        if source is None:
            sources.append({"title": citation.source, "url": None, "details": [], "quote": None})
            continue
        details = [
            d
            for d in (
                source.publisher,
                source.published and display_date(source.published, language),
            )
            if d
        ]
        url = source.url if source.url and source.url.startswith(("https://", "http://")) else None
        sources.append(
            {
                "title": source.title,
                "url": url,
                "details": details,
                "quote": citation.quote,
            }
        )
    names = [timeline.actors[a].name if a in timeline.actors else a for a in event.actors]
    return {
        "id": event.id,
        "title": event.title,
        "date": str(event.date),
        "datetime": html_date(event.date),
        "display": display_date(event.date, language),
        "category": event.category,
        "label": category.label if category else event.category,
        "color": palette.get(event.category, "#444444"),
        "summary": event.summary,
        "actor_ids": " ".join(event.actors),
        "actors": isolate_join(names),
        "places": isolate_join(event.places),
        "tags": isolate_join(event.tags),
        "sources": sources,
    }


def html_date(date: EventDate) -> str:
    """The start of ``date`` for ``<time datetime>``: a valid year, month or date string
    of the HTML Standard (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; "the time element"), at
    the start's precision and without its qualifier, which HTML has no form for (nor
    for an interval). The page keeps the EDTF date itself in ``data-edtf``."""
    start = date.start
    if start.month is None:
        return f"{start.year:04d}"
    if start.day is None:
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}-{start.month:02d}-{start.day:02d}"


def _rest(
    timeline: Timeline,
    events: list[Event],
    categories: list[dict[str, str]],
    language: Language,
) -> dict[str, Any]:
    """The events past the chronology's first ones, for the script to search and list:
    every field the search reads (title, summary, actors, places, tags, dates) and what
    an entry shows, with repeated values (categories, dates, sources) as indices into
    tables::

        {"categories": [{"id", "label", "color"}], "dates": [[EDTF, display]],
         "sources": [[title, url or null, details]], "actors": [[id, name]],
         "events": [[id, title, date, category, [actor], places, tags, summary,
                     [source]]]}

    ``category`` is -1 for an undeclared one; an actor's name is isolated
    (:func:`eventline.bidi.isolate`: the script joins an event's names with ", ", as
    :func:`eventline.bidi.isolate_join` would); places and tags are joined as the
    chronology shows them. Actors are indices: their names would otherwise be a
    fifth of the table's text.
    """
    dates: dict[EventDate, int] = {}
    date_ids: dict[int, int] = {}  # id(date) to its index: cheaper than hashing an EventDate

    def date_index(date: EventDate) -> int:
        index = date_ids.get(id(date))
        if index is None:
            index = date_ids[id(date)] = dates.setdefault(date, len(dates))
        return index

    rows = (
        (
            e.id,
            e.title,
            date_index(e.date),
            e.category,
            e.actors,
            e.places,
            e.tags,
            e.summary,
            [c.source for c in e.citations],
        )
        for e in events
    )
    return _table(timeline, rows, dates, categories, language)


def page_around_figure(
    header: dict[str, Any],
    events: list[dict[str, Any]],
    *,
    title: str | None = None,
    plotlyjs: PlotlyJS = "embed",
    language: Language = ENGLISH,
) -> str | None:
    """The page of a whole data file but its figure, from its decoded JSON (the header
    without events, and every event as the file has it): :func:`to_html`'s text with
    :data:`FIGURE_SLOT` where the figure's data goes; None when the page lists every
    event in its HTML (then the page is made whole where the figure is).

    What ``eventline render`` has the process that proves a large file make, from the
    events it decoded there, while the process that loads the records draws the
    figure: the same text the page makes from the records. The header's facts, the
    later events' table and the template are made there, the figure here, and
    :func:`to_html_with` puts it in its slot.
    """
    if len(events) <= CHRONOLOGY_LIMIT:
        return None
    tables = io.timeline_from_json({**header, "events": []})
    categories = _categories(tables, {e["category"] for e in events})
    dates: dict[EventDate, int] = {}
    texts: dict[str, int] = {}  # each distinct text parsed once
    parsed: dict[str, EventDate] = {}

    def date_index(text: str) -> int:
        index = texts.get(text)
        if index is None:
            date = parsed[text] = EventDate.parse(text)
            index = texts[text] = dates.setdefault(date, len(dates))
        return index

    empty: tuple[str, ...] = ()
    rows = (
        (
            e["id"],
            e["title"],
            date_index(e["date"]),
            e["category"],
            e.get("actors", empty),
            e.get("places", empty),
            e.get("tags", empty),
            e.get("summary"),
            [c["source"] for c in e["citations"]],
        )
        for e in events[CHRONOLOGY_LIMIT:]
    )
    cited: set[str] = set()
    table = _table(tables, rows, dates, categories, language, cited)
    # The header: the table saw every event but the first ones.
    actors = {row[0] for row in table["actors"]}
    for e in events[:CHRONOLOGY_LIMIT]:
        date_index(e["date"])
        cited.update(c["source"] for c in e["citations"])
        actors.update(e.get("actors", empty))
    ties = latest_dates(parsed)
    latest = max((e for e in events if e["date"] in ties), key=lambda e: e["id"])
    facts = facts_line(len(events), len(cited), parsed[latest["date"]], language)
    facts_and_filters = _header_of(tables, facts, dates, actors)
    # The first events' records, for their entries (in the file's order: it was proved).
    first = io.timeline_from_canonical_json({**header, "events": events[:CHRONOLOGY_LIMIT]})
    return _around(
        first,
        list(first),
        len(events),
        facts_and_filters,
        categories,
        packed(table),
        title,
        plotlyjs,
        language,
    )


def _categories(timeline: Timeline, used: set[str]) -> list[dict[str, str]]:
    """The declared categories that ``used`` names, in the data's order, with their
    colours: the page's category filter and the later events' table."""
    palette = colors(timeline)
    return [
        {"id": cid, "label": cat.label, "color": palette[cid]}
        for cid, cat in timeline.categories.items()
        if cid in used
    ]


_Row = tuple[
    str, str, int, str, Sequence[str], Sequence[str], Sequence[str], "str | None", list[str]
]


def _table(
    timeline: Timeline,
    rows: Iterable[_Row],
    dates: dict[EventDate, int],
    categories: list[dict[str, str]],
    language: Language,
    cited_ids: set[str] | None = None,
) -> dict[str, Any]:
    """:func:`_rest`'s table from rows of (id, title, date index, category, actor ids,
    places, tags, summary, cited source ids); ``dates`` (date to index) is complete
    once the rows are consumed. The ids of the sources cited are added to ``cited_ids``."""
    category_index = {c["id"]: i for i, c in enumerate(categories)}
    actor_index: dict[str, int] = {}
    sources: dict[str, int] = {}
    joined: dict[tuple[str, ...], str] = {}  # places and tags repeat: join each list once
    out = []
    for event_id, title, date, category, actors, places, tags, summary, cited in rows:
        places_key, tags_key = tuple(places), tuple(tags)  # (a tuple gives itself back)
        places_text = joined.get(places_key)
        if places_text is None:
            places_text = joined[places_key] = isolate_join(places_key)
        tags_text = joined.get(tags_key)
        if tags_text is None:
            tags_text = joined[tags_key] = isolate_join(tags_key)
        out.append(
            [
                event_id,
                title,
                date,
                category_index.get(category, -1),
                [actor_index.setdefault(actor, len(actor_index)) for actor in actors],
                places_text,
                tags_text,
                summary or "",
                [sources.setdefault(source, len(sources)) for source in cited],
            ]
        )
    if cited_ids is not None:
        cited_ids.update(sources)
    known = timeline.actors
    actor_rows = [[aid, isolate(known[aid].name if aid in known else aid)] for aid in actor_index]
    source_rows = []
    for sid in sources:
        source = timeline.sources.get(sid)
        if source is None:
            source_rows.append([sid, None, ""])
            continue
        url = source.url if source.url and source.url.startswith(("https://", "http://")) else None
        details = [
            d
            for d in (
                source.publisher,
                source.published and display_date(source.published, language),
            )
            if d
        ]
        source_rows.append([source.title, url, ", ".join(details)])
    return {
        "categories": categories,
        "dates": [[str(d), display_date(d, language)] for d in dates],
        "sources": source_rows,
        "actors": actor_rows,
        "events": out,
    }


def _header(timeline: Timeline, events: list[Event], language: Language) -> dict[str, Any]:
    """What the header and the filters show of every event: the facts line, the first
    and last years (None without events), and the actors by name: ``[{"id", "name"}]``."""
    dates = {id(e.date): e.date for e in events}.values()  # each date object once
    return _header_of(
        timeline, facts(timeline, language), dates, {a for e in events for a in e.actors}
    )


def _header_of(
    timeline: Timeline, facts_text: str, dates: Collection[EventDate], actor_ids: Iterable[str]
) -> dict[str, Any]:
    """:func:`_header` from its parts: the facts line, the events' distinct dates (for
    the first and last years), and the actors' ids, named from ``timeline``'s table."""
    first = min((d.lower for d in dates), default=None)
    last = max((d.upper or d.lower for d in dates), default=None)
    actors = sorted(
        (
            {"id": aid, "name": timeline.actors[aid].name if aid in timeline.actors else aid}
            for aid in actor_ids
        ),
        key=lambda a: (a["name"].casefold(), a["id"]),
    )
    return {
        "facts": facts_text,
        "first_year": first.year if first else None,
        "last_year": last.year if last else None,
        "actors": actors,
    }


def to_html(
    timeline: Timeline,
    *,
    title: str | None = None,
    plotlyjs: PlotlyJS = "embed",
    webgl: bool | None = None,
    language: Language = ENGLISH,
) -> str:
    """A self-contained HTML page: search and filters, the interactive chart, and a
    chronology that is the complete accessible view.

    The same timeline always gives the same text (fixed element ids, no
    timestamps), so a diff of the page shows only real changes.

    Args:
        timeline: the events to draw.
        title: the page title; default: the dataset's title.
        plotlyjs: ``"embed"`` inlines plotly.js (about 4.8 MB, works offline);
            ``"cdn"`` loads it from Plotly's CDN (small file, needs a network).
        webgl: see :func:`eventline.render.figure`.
        language: interface language: translations, ``<html lang>`` and ``dir``.
    """
    before, after, figure = _html(timeline, title, plotlyjs, webgl, language, None)
    assert isinstance(before, str)  # made in this process: text
    assert isinstance(after, str)
    return "".join((before, figure, after))


def to_html_with(
    around: Callable[[], bytes | mmap.mmap | None],
    timeline: Timeline,
    *,
    title: str | None = None,
    plotlyjs: PlotlyJS = "embed",
    language: Language = ENGLISH,
) -> bytes:
    """:func:`to_html` as UTF-8 bytes, with the page around the figure made elsewhere:
    ``around()`` gives :func:`page_around_figure` of the very events of ``timeline``
    with these options, UTF-8 encoded (made by the process that proves the data file,
    ``eventline render``), or None, and then it is made here. Bytes, so that the
    page's text is never decoded only to be encoded again: the same bytes as
    :func:`to_html`'s text in UTF-8."""
    before, after, figure = _html(timeline, title, plotlyjs, None, language, around)
    pieces = [before, figure, after]
    return b"".join(p.encode("utf-8") if isinstance(p, str) else p for p in pieces)


def _html(
    timeline: Timeline,
    title: str | None,
    plotlyjs: PlotlyJS,
    webgl: bool | None,
    language: Language,
    around: Callable[[], bytes | mmap.mmap | None] | None,
) -> tuple[str | memoryview, str | memoryview, str]:
    """The page in three pieces: the text before the figure's data and after it
    (bytes, UTF-8, where ``around`` gave them), and the figure's data."""
    from eventline.quick import paused_gc

    # Millions of small acyclic objects: the cyclic garbage collector would otherwise walk
    # the whole timeline again and again (at 200,000 events, half the time of some steps).
    with paused_gc():
        return _page(timeline, title, plotlyjs, webgl, language, around)


def _page(
    timeline: Timeline,
    title: str | None,
    plotlyjs: PlotlyJS,
    webgl: bool | None,
    language: Language,
    around_bytes: Callable[[], bytes | mmap.mmap | None] | None,
) -> tuple[str | memoryview, str | memoryview, str]:
    events = list(timeline)
    shown = events[:CHRONOLOGY_LIMIT]
    large = len(events) > len(shown)

    def here() -> str:
        """The page around the figure, made in this process."""
        categories = _categories(timeline, {e.category for e in events})
        header = _header(timeline, events, language)
        later = _rest(timeline, events[len(shown) :], categories, language) if large else None
        rest_text = packed(later) if later is not None else None
        args = (header, categories, rest_text, title, plotlyjs, language)
        return _around(timeline, shown, len(events), *args)

    with ThreadPoolExecutor(max_workers=1) as pool:
        # Everything but the figure (the header's facts, the later events' table, the
        # template) is made beside the figure: in another process for a large timeline
        # (given, or forked where this one runs alone: forking beside other threads can
        # deadlock), else here, after it. The bytes are the same either way.
        around: Callable[[], str | bytes | mmap.mmap] = here
        if around_bytes is not None:  # made by another process; here if it fails
            made = around_bytes
            around = lambda: made() or here()  # noqa: E731
        elif (
            large
            and len(events) >= FORK_EVENTS
            and _FORK is not None
            and threading.active_count() == 1
        ):
            around = _forked(here)
        fig = figure_dict(timeline, title=title, webgl=webgl, language=language, page=True)
        if large:
            # The figure's JSON, compressed on a thread (ISA-L lets go of the GIL)
            # while the page around it is made.
            figure_text = pool.submit(packed, fig).result
        else:
            figure_text = functools.partial(script_json, fig)
        return (*_cut(around()), figure_text())


def _cut(page: str | bytes | mmap.mmap) -> tuple[str | memoryview, str | memoryview]:
    """The page around the figure, before and after :data:`FIGURE_SLOT`: text, or
    views into bytes (UTF-8) where another process made it."""
    if isinstance(page, str):
        before, slot, after = page.partition(FIGURE_SLOT)
        assert slot, "the page around the figure has its slot"
        return before, after
    view = memoryview(page)
    at = page.find(FIGURE_SLOT.encode("ascii"))
    assert at >= 0, "the page around the figure has its slot"
    return view[:at], view[at + len(FIGURE_SLOT) :]


def _around(
    timeline: Timeline,
    shown: list[Event],
    total: int,
    header: dict[str, Any],
    categories: list[dict[str, str]],
    rest_text: str | None,
    title: str | None,
    plotlyjs: PlotlyJS,
    language: Language,
) -> str:
    """The page from the template, with :data:`FIGURE_SLOT` for the figure's data:
    ``timeline`` gives the data's title, description and tables (its events are not
    read), ``shown`` the events listed in the HTML, ``total`` how many there are,
    ``header`` what :func:`_header` gives, ``categories`` those :func:`_categories`
    gives, and ``rest_text`` the later events' packed table (None if there are none)."""
    palette = colors(timeline)
    entries = [_entry(timeline, e, palette, language) for e in shown]
    code, url, integrity = _plotly_tag(plotlyjs)
    cdn = "https://cdn.plot.ly " if plotlyjs == "cdn" else ""
    # 'unsafe-eval': plotly's WebGL traces compile shader code with new Function().
    csp = (
        "default-src 'none'; "
        f"script-src 'unsafe-inline' 'unsafe-eval' {cdn}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "worker-src blob:; base-uri 'none'; form-action 'none'"
    )
    env = _environment()
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    template = env.get_template("page.html.j2")
    return template.render(
        lang=language.tag,
        direction=language.direction,
        div=DIV_ID,
        heading=timeline.title if title is None else title,
        description=timeline.description,
        facts=header["facts"],
        total=total,
        first_year=header["first_year"],
        last_year=header["last_year"],
        categories=categories,
        actors=header["actors"],
        entries=entries,
        capped=total > len(shown),
        page_size=PAGE_SIZE,
        rest_packed=_trusted(rest_text) if rest_text is not None else None,
        csp=csp,
        css=_trusted(_asset("assets/page.css")),
        script=_trusted(_asset("assets/page.js")),
        figure_json=_trusted(FIGURE_SLOT),
        figure_packed=total > len(shown),
        config_json=_trusted(json.dumps(_config(language), sort_keys=True)),
        number=language.format_number,
        plotly_code=_trusted(code),
        plotly_url=url,
        plotly_integrity=integrity,
        version=_version("eventline"),
    )
