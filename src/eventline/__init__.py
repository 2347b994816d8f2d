"""eventline: a curated, sourced timeline dataset and the tools to keep it valid and publish it.

>>> import eventline
>>> tl = eventline.load()                      # the packaged dataset
>>> tl.get("inauguration").date.display()
'20 January 2025'
"""

from __future__ import annotations

import os
from typing import Any

from eventline import io
from eventline.dates import AmbiguousDateError, DateError, DatePoint, EventDate
from eventline.model import Actor, Category, Citation, Event, Source, Timeline
from eventline.problems import InvalidDataError, Problem
from eventline.validate import check_document, validate

__all__ = [
    "Actor",
    "AmbiguousDateError",
    "Category",
    "Citation",
    "DateError",
    "DatePoint",
    "Event",
    "EventDate",
    "InvalidDataError",
    "Problem",
    "Source",
    "Timeline",
    "__version__",
    "load",
    "validate",
]

__version__: str  # read from the installed distribution on first use; see __getattr__


def __getattr__(name: str) -> Any:
    """``eventline.__version__``, looked up when first asked for: importing
    importlib.metadata is a third of the time ``import eventline`` takes."""
    if name == "__version__":
        from importlib.metadata import version

        globals()["__version__"] = value = version("eventline")
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(path: str | os.PathLike[str] | None = None) -> Timeline:
    """Load a data file as a :class:`Timeline`, events in canonical order.

    Args:
        path: the data file; None loads the dataset that ships with eventline.

    Raises:
        InvalidDataError: the file cannot be read or breaks a rule; its
            ``problems`` lists everything wrong. Nothing is half-loaded.
            (Canonical formatting is not required to load; ``validate`` checks it.)
    """
    from eventline import quick

    target = io.packaged_data_path() if path is None else path
    raw, problems = io.read_bytes(target, str(target))
    if raw is None:
        raise InvalidDataError(problems)
    with quick.paused_gc():
        # A large file's records are built while other processes prove it valid.
        parallel = quick.built_while_proved(raw, io.timeline_from_canonical_json)
        if parallel is not None and parallel[1] is not None:
            return parallel[1]
        doc = quick.valid_canonical_document(raw) if parallel is None else None
        if doc is None:
            doc, problems = io.decode_document(raw, str(target))
            if not problems:
                problems = check_document(doc, str(target))
            if problems:
                raise InvalidDataError(problems)
        return io.timeline_from_json(doc)
