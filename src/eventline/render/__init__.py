"""The interactive timeline: a Plotly figure and a self-contained HTML page.

- :mod:`eventline.render.lanes`: where each event goes (spans, lanes, slots, clusters);
- :mod:`eventline.render.chart`: the Plotly figure (:func:`figure`);
- :mod:`eventline.render.page`: the HTML page from a Jinja2 template (:func:`to_html`);
- :mod:`eventline.render.text`: escaping for Plotly labels and the interface language.

Every text from the data is escaped before it reaches Plotly (which renders a
few tags in labels) or the page (Jinja2 autoescaping), and the figure's JSON is
written with ``<``, ``>`` and ``&`` escaped so no value can close a script tag.
"""

from __future__ import annotations

from eventline.render.chart import WEBGL_THRESHOLD, figure
from eventline.render.page import CHRONOLOGY_LIMIT, DIV_ID, PlotlyJS, to_html
from eventline.render.text import ENGLISH, Language

__all__ = [
    "CHRONOLOGY_LIMIT",
    "DIV_ID",
    "ENGLISH",
    "WEBGL_THRESHOLD",
    "Language",
    "PlotlyJS",
    "figure",
    "to_html",
]
