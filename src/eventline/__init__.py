"""eventline: a curated, sourced timeline dataset and the tools to keep it valid and publish it.

>>> import eventline
>>> tl = eventline.load()                      # the packaged dataset
>>> tl.get("inauguration").date.display()
'20 January 2025'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from eventline import io
from eventline.dates import AmbiguousDateError, DateError, DatePoint, EventDate
from eventline.model import Actor, Category, Citation, Event, Source, Timeline
from eventline.problems import InvalidDataError, Problem
from eventline.validate import check_document, validate

if TYPE_CHECKING:
    from eventline import quick

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
    "load_then",
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

    raw, where = _read(path)
    with quick.paused_gc():
        # A large file's records are built while other processes prove it valid.
        parallel = quick.built_while_proved(raw, io.timeline_from_canonical_json)
        if parallel is not None and parallel[1] is not None:
            return parallel[1]
        return _loaded(raw, where, tried=parallel is not None)


T = TypeVar("T")


def load_then(
    path: str | os.PathLike[str] | None, then: Callable[[Timeline], T]
) -> tuple[Timeline, T]:
    """``(timeline, then(timeline))``: what :func:`load` gives, and what
    ``then`` makes of it, e.g. a page (``eventline render``).

    For a large file (64 MB and more, where the platform can fork), ``then``
    runs while a forked process proves the file valid, so the two take
    about as long as the longer of them rather than their sum. ``then`` may
    therefore see the records of a file that later fails the proof: it must
    not write or send anything (return what it makes; act on it afterwards).
    What it made of a file that fails is dropped, and the file is loaded as
    :func:`load` does, with its problems raised.

    Raises:
        InvalidDataError: as :func:`load`.
        Exception: whatever ``then`` raises on a valid file.
    """
    return _load_then(path, then)


def _load_then(
    path: str | os.PathLike[str] | None,
    then: Callable[[Timeline], T],
    keep: list[Any] | None = None,
    beside: quick.Beside | None = None,
) -> tuple[Timeline, T]:
    """:func:`load_then`; a large file's decoded document is appended to
    ``keep`` rather than freed (the CLI, which then ends without freeing),
    and ``beside`` runs in the process that proves it (``then`` can wait for
    its result: :class:`eventline.quick.Beside`)."""
    from eventline import quick

    raw, where = _read(path)

    def build(doc: Any) -> tuple[Timeline, T]:
        timeline = io.timeline_from_canonical_json(doc)
        return timeline, then(timeline)

    with quick.paused_gc():
        # The other process proves all of the file but its first event (or
        # ``beside``'s share): this one decodes, builds the records and runs ``then``.
        share = 0 if beside is None else beside.own_share
        parallel = quick.built_while_proved(raw, build, share, keep=keep, beside=beside)
        if parallel is not None and parallel[1] is not None:
            return parallel[1]
        timeline = _loaded(raw, where, tried=parallel is not None)
    return timeline, then(timeline)


def _read(path: str | os.PathLike[str] | None) -> tuple[bytes, str]:
    """The bytes of the data file at ``path`` (None: the packaged dataset) and
    its name in problems. Raises InvalidDataError when it cannot be read."""
    target = io.packaged_data_path() if path is None else path
    raw, problems = io.read_bytes(target, str(target))
    if raw is None:
        raise InvalidDataError(problems)
    return raw, str(target)


def _loaded(raw: bytes, where: str, *, tried: bool) -> Timeline:
    """The timeline of the data file ``raw`` (named ``where`` in problems),
    checked by the fast proof unless ``tried`` (it already failed), else by
    the precise checker. Raises InvalidDataError."""
    from eventline import quick

    with quick.paused_gc():
        doc = None if tried else quick.valid_canonical_document(raw)
        if doc is None:
            doc, problems = io.decode_document(raw, where)
            if not problems:
                problems = check_document(doc, where)
            if problems:
                raise InvalidDataError(problems)
        return io.timeline_from_json(doc)
