"""Bidirectional isolation of data text, after the Unicode Bidirectional
Algorithm (UAX #9, section 2.7, "Explicit Directional Isolates").

A name written right to left ("موسكو") or a stray mark inside one value must
not change how the values around it read ("Actors: A, B, C"). Outputs that
put several data values on one line wrap each such value in FIRST STRONG
ISOLATE (U+2068) ... POP DIRECTIONAL ISOLATE (U+2069): the value keeps its own
direction and its neighbours keep theirs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_ASCII = frozenset(map(chr, range(128)))

__all__ = ["FSI", "PDI", "isolate", "isolate_join", "needs_isolation", "unisolate"]

FSI = "\u2068"
PDI = "\u2069"

# Bidi classes that can reorder neighbouring text: strong right-to-left letters
# (R, AL), Arabic-Indic numbers (AN), and the explicit embeddings, overrides and
# isolates (which `eventline validate` rejects, but a writer must not trust).
_REORDERING = frozenset(
    {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
)


def needs_isolation(text: str) -> bool:
    """True when ``text`` holds a character whose bidi class (UAX #9, Table 4)
    could change how the text next to it reads."""
    if text.isascii():
        return False
    # Each distinct character once: a long summary with a few curly quotes
    # costs one pass in C, not a Python call per character.
    return any(unicodedata.bidirectional(c) in _REORDERING for c in set(text).difference(_ASCII))


def isolate(text: str) -> str:
    """``text`` wrapped in FSI ... PDI when :func:`needs_isolation`, else unchanged.

    Left-to-right text is returned as it is, so outputs of Latin-script data
    keep their bytes.
    """
    if text.isascii():  # most text: settled without another call
        return text
    return f"{FSI}{text}{PDI}" if needs_isolation(text) else text


def isolate_join(values: Iterable[str], separator: str = ", ") -> str:
    """The values, each isolated on its own, joined by ``separator``."""
    values = tuple(values)
    joined = separator.join(values)
    if joined.isascii():  # no value can need isolating: one check for all
        return joined
    return separator.join(isolate(v) for v in values)


# Isolate initiators (LRI, RLI, FSI), closed by PDI (UAX #9, section 2.4-2.7).
_INITIATORS = frozenset("\u2066\u2067\u2068")


def unisolate(text: str) -> str:
    """``text`` without its matched isolate pairs: each LRI, RLI or FSI
    (U+2066-U+2068) together with the PDI (U+2069) that closes it (UAX #9,
    BD9), nested or not. Their content stays.

    This undoes :func:`isolate` and :func:`isolate_join` (a TimelineJS export
    read back in): a matched pair confines its content and cannot change how
    the text around it reads. Unmatched isolate marks and the embeddings and
    overrides (U+202A-U+202E) are kept, so that ``eventline validate`` still
    reports them.
    """
    if "\u2069" not in text:
        return text
    drop: set[int] = set()
    open_at: list[int] = []
    for i, c in enumerate(text):
        if c in _INITIATORS:
            open_at.append(i)
        elif c == "\u2069" and open_at:
            drop.update((open_at.pop(), i))
    return "".join(c for i, c in enumerate(text) if i not in drop)
