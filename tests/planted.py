"""Planted faults every engine must report alike (issue 16), and how to compare them."""

from __future__ import annotations

import re
from typing import Any

from eventline import rules
from eventline.problems import Problem


def planted_faults() -> dict[str, Any]:
    """A data file with one of each fault: a duplicate id, a dangling category, actor
    and source, a 30 February, a reversed interval, a missing citation, a
    ``javascript:`` url, a bidi control, and nulls where a value is required
    (a title, a list item, a citation's source). Events whose date is valid come first,
    in canonical order, so row numbers agree between the data file and the dataset."""
    return {
        "title": "Planted faults",
        "categories": [{"id": "diplomacy", "label": "Diplomacy"}],
        "actors": [{"id": "putin", "name": "Vladimir Putin", "kind": "person"}],
        "sources": [{"id": "article", "title": "An article", "url": "javascript:alert(1)"}],
        "events": [
            {
                "id": "call",
                "title": "Call",
                "date": "2025-02-12",
                "category": "diplomcy",
                "actors": ["putin", "trump"],
                "citations": [{"source": "article"}, {"source": "reuters"}],
            },
            {
                "id": "call",
                "title": "Second call",
                "date": "2025-02-13",
                "category": "diplomacy",
                "citations": [{"source": "article"}],
            },
            {
                "id": "unsourced",
                "title": "Unsourced",
                "date": "2025-02-14",
                "category": "diplomacy",
                "citations": [],
            },
            {
                "id": "override",
                "title": "Talks \u202eevenue",
                "date": "2025-02-15",
                "category": "diplomacy",
                "citations": [{"source": "article", "quote": "a quote"}],
            },
            {
                "id": "untitled",
                "title": None,
                "date": "2025-02-15",
                "category": "diplomacy",
                "actors": [None],
                "citations": [{"source": None}],
            },
            {
                "id": "feb-30",
                "title": "No such day",
                "date": "2025-02-30",
                "category": "diplomacy",
                "citations": [{"source": "article"}],
            },
            {
                "id": "reversed",
                "title": "Backwards",
                "date": "2025-02-16/2025-02-14",
                "category": "diplomacy",
                "citations": [{"source": "article"}],
            },
        ],
    }


PLANTED_PROBLEMS = [
    'sources (id "article"): url "javascript:alert(1)": javascript: links are not allowed; use an http:// or https:// address',
    'events (id "call"): id is already used by another event; ids must be unique',
    'events (id "feb-30"): date "2025-02-30": day is out of range for month (February 2025 has 28 days)',
    'events (id "override"): title "Talks \\u202eevenue": contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE), which can change how the text around it reads (Trojan Source); remove it',
    'events (id "reversed"): date "2025-02-16/2025-02-14": the interval ends before it starts (2025-02-14 is before 2025-02-16)',
    'events (id "unsourced"): citations: is empty; give at least one',
    'events (id "untitled"): title null: must be a string, not null',
    'events (id "untitled"): actors[0] null: must be a string, not null',
    'events (id "untitled"): citations[0].source null: must be a string, not null',
    'events (id "call"): category "diplomcy": no category has this id; did you mean "diplomacy"?',
    'events (id "call"): actors[1] "trump": no actor has this id; declare it in "actors"',
    'events (id "call"): citations[1].source "reuters": no source has this id; declare it in "sources"',
]
"""What the SQL engines print for :func:`planted_faults` (after ``FILE: ``), in order:
by table, then id, then the references between tables."""


def comparable(problem: Problem) -> tuple[str, str | None, str | None, str | None, str]:
    """A problem without its row index: the table, id, field, value and message.
    The JSON validator locates by ``events[3]``, the SQL engines by table and id;
    a duplicate id names the first holder's index in a file, not in a dataset."""
    table = problem.location.split("[")[0]
    message = re.sub(
        r"^id is already used by \w+\[\d+\]",
        f"id is already used by another {_ONE.get(table, table)}",
        problem.message,
    )
    return (table, problem.id, problem.field, problem.value, message)


_ONE = {"events": "event", "categories": "category", "actors": "actor", "sources": "source"}


_NULL = "must be a string, not null"


def as_in_a_table(problem: Problem) -> tuple[str, str | None, str | None, str | None, str] | None:
    """:func:`comparable` of a JSON validator's problem as a dataset holds it, or None
    when a dataset cannot hold it. A table has a null where a data file has a
    missing key or a ``null``: a required one is worded as validate.py words
    ``null``; an optional one is simply absent."""
    table, record_id, field, value, message = comparable(problem)
    if message.startswith("missing required key "):
        key = message.removeprefix("missing required key ").strip('"')
        return (table, record_id, f"{field}.{key}" if field else key, "null", _NULL)
    if message == _NULL:
        key = (field or "").rsplit(".", 1)[-1]
        required = (*rules.REQUIRED.get(table or "timeline", ()), "source")
        if not key.endswith("]") and key not in required:
            return None
    return (table, record_id, field, value, message)
