"""Text for the figure and the page: Plotly-safe escaping, shortening, colours, and
the interface language.

Interface text (headings, hints, counts) goes through the gettext catalogue of
an :class:`eventline.i18n.Language` (English by default), so that a translated
page needs only a catalogue, never a change here. Data text goes through
:func:`ptext` before it reaches Plotly, whose labels understand a few HTML tags.
"""

from __future__ import annotations

import textwrap

from eventline.bidi import FSI, PDI
from eventline.i18n import ENGLISH, Language
from eventline.model import Timeline

__all__ = [
    "ENGLISH",
    "LABEL_CHARS",
    "PALETTE",
    "Language",
    "colors",
    "ptext",
    "rgba",
    "short",
    "wrap",
]

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
LABEL_CHARS = 64


def ptext(text: str) -> str:
    """Text for Plotly labels: its pseudo-HTML then shows tags as text.

    Only & < > are escaped: Plotly decodes those (and numeric entities) but
    shows ``&quot;`` literally, and without ``<`` no tag can form.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, width: int = 72) -> str:
    """``text`` escaped for Plotly and wrapped at ``width`` characters with ``<br>``.

    A value isolated by :mod:`eventline.bidi` that a line break cuts in two
    is closed (PDI) at the end of its first line and opened again (FSI) at
    the start of the next, so each line, which Plotly draws as a text chunk of
    its own, keeps every part of the value isolated.
    """
    if len(text) <= width and not text[-1:].isspace() and _BREAKS.isdisjoint(text):
        # What textwrap would return for a text that fits (the figure wraps hundreds).
        wrapped = [text]
    else:
        wrapped = textwrap.wrap(text, width) or [""]
    lines, carried = [], 0
    for line in wrapped:
        line = FSI * carried + line
        carried = 0
        if FSI in line:  # else a PDI has nothing to close: nothing carries
            for c in line:
                if c == FSI:
                    carried += 1
                elif c == PDI and carried:
                    carried -= 1
        lines.append(ptext(line + PDI * carried))
    return "<br>".join(lines)


# The whitespace textwrap turns into spaces (its replace_whitespace), besides the space.
_BREAKS = frozenset("\t\n\x0b\x0c\r")


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def colors(timeline: Timeline) -> dict[str, str]:
    """Category id to ``#rrggbb``: the category's own colour or the palette's next."""
    return {
        cid: cat.color or PALETTE[i % len(PALETTE)]
        for i, (cid, cat) in enumerate(timeline.categories.items())
    }


def rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
