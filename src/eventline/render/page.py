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
from importlib import resources
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any, Literal

import orjson

from eventline.bidi import isolate_join
from eventline.i18n import display_date, plotly_locale
from eventline.model import Event, Timeline
from eventline.render.chart import facts, figure_dict
from eventline.render.text import ENGLISH, Language, colors

if TYPE_CHECKING:
    import jinja2

__all__ = ["CHRONOLOGY_LIMIT", "DIV_ID", "PlotlyJS", "to_html"]

DIV_ID = "eventline-timeline"
CHRONOLOGY_LIMIT = 1000  # the page lists at most this many events
PlotlyJS = Literal["embed", "cdn"]

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
    fig = figure_dict(timeline, title=title, webgl=webgl, language=language, page=True)
    palette = colors(timeline)
    events = list(timeline)
    shown = events[:CHRONOLOGY_LIMIT]
    first = min((e.date.lower for e in events), default=None)
    last = max((e.date.upper or e.date.lower for e in events), default=None)
    used = {e.category for e in events}
    categories = [
        {"id": cid, "label": cat.label, "color": palette[cid]}
        for cid, cat in timeline.categories.items()
        if cid in used
    ]
    actor_ids = {a for e in events for a in e.actors}
    actors = sorted(
        (
            {"id": aid, "name": timeline.actors[aid].name if aid in timeline.actors else aid}
            for aid in actor_ids
        ),
        key=lambda a: (a["name"].casefold(), a["id"]),
    )
    # Events past the chronology's limit travel as a compact table that the search,
    # permalinks and cluster lists read: [id, title, EDTF date, category, actor ids].
    # (EDTF, not display(): shorter, and the page stays within a quarter of the data.)
    category_index = {c["id"]: i for i, c in enumerate(categories)}
    rest = [
        [e.id, e.title, str(e.date), category_index.get(e.category, -1), " ".join(e.actors)]
        for e in events[len(shown) :]
    ]
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
        facts=facts(timeline, language),
        total=len(events),
        first_year=first.year if first else None,
        last_year=last.year if last else None,
        categories=categories,
        actors=actors,
        entries=[_entry(timeline, e, palette, language) for e in shown],
        capped=len(events) > len(shown),
        rest_json=_trusted(script_json({"categories": categories, "events": rest}))
        if rest
        else None,
        csp=csp,
        css=_trusted(_asset("assets/page.css")),
        script=_trusted(_asset("assets/page.js")),
        figure_json=_trusted(script_json(fig)),
        config_json=_trusted(json.dumps(_config(language), sort_keys=True)),
        number=language.format_number,
        plotly_code=_trusted(code),
        plotly_url=url,
        plotly_integrity=integrity,
        version=_version("eventline"),
    )
