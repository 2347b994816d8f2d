"""Problems found in a data file: errors as data, turned into text at the edge."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

import attrs

__all__ = ["InvalidDataError", "Problem", "show_value"]

_MAX_VALUE_CHARS = 80


@attrs.frozen
class Problem:
    """One thing wrong with a data file, and where it is.

    ``str(problem)`` is the line ``eventline validate`` prints, location first:
    ``events.json: events[3] (id "trump-putin-call"): date "2025-02-30": day is out of range``.

    Attributes:
        file: the file as the user named it.
        message: what is wrong, and where it helps, what to do instead.
        location: the record (``events[3]``), a JSON position
            (``line 4, column 7``), a top-level key, or ``""`` for the whole file.
        id: the record's id, when it has a readable one.
        field: the key inside the record (``date``, ``citations[0].source``).
        value: the offending value as JSON text, shortened; None when there is none.
    """

    file: str
    message: str
    location: str = ""
    id: str | None = None
    field: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.location:
            parts.append(
                self.location if self.id is None else f"{self.location} (id {_q(self.id)})"
            )
        if self.field is not None:
            parts.append(self.field if self.value is None else f"{self.field} {self.value}")
        return ": ".join([*parts, self.message])


def _q(text: str) -> str:
    return show_value(text)


def show_value(value: object) -> str:
    """JSON text of ``value`` for a message: cut to a readable length, and with
    invisible or direction-changing characters escaped so the line reads true."""
    size = ""
    if isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
        size = f" ({len(value):,} characters)"
        value = value[:_MAX_VALUE_CHARS] + "…"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    if len(text) > _MAX_VALUE_CHARS * 2:
        text = text[: _MAX_VALUE_CHARS * 2] + "…"
    return "".join(_visible(c) for c in text) + size


def _visible(char: str) -> str:
    if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"}:
        return f"\\u{ord(char):04x}"
    return char


class InvalidDataError(ValueError):
    """A data file could not be loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"… and {len(self.problems) - 20} more")
        super().__init__("\n".join(lines))
