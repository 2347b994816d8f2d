"""Adding events to a data file safely: validated first, locked, written atomically."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import attrs

from eventline import io
from eventline.dates import EventDate
from eventline.model import Citation, Event
from eventline.problems import InvalidDataError, Problem
from eventline.validate import check_document

__all__ = ["add_event", "slugify"]

_MAX_SLUG = 60


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``"Trump and Putin speak"`` → ``trump-and-putin-speak``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug or "event"


def _unique(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def add_event(
    path: str | os.PathLike[str],
    *,
    title: str,
    date: EventDate,
    category: str,
    source: str,
    event_id: str | None = None,
    actors: Sequence[str] = (),
    places: Sequence[str] = (),
    tags: Sequence[str] = (),
    quote: str | None = None,
    summary: str | None = None,
) -> Event:
    """Add one event to a data file and write it back in canonical form.

    The file is locked for the whole read-modify-write (a ``.lock`` file
    beside it), so concurrent calls all land; the new file is validated as a
    whole before it is written, through a temporary file and a rename.

    Args:
        path: the data file.
        event_id: default: a slug of the title, made unique.
        (the others are the event's fields; ``source`` is cited, with ``quote``.)

    Returns:
        The event as written.

    Raises:
        InvalidDataError: the file is invalid already, or would be with the
            new event (an undeclared category, a taken id, ...). Nothing is written.
        io.WriteError: the file cannot be written. It is left as it was.
    """
    target = Path(path)
    name = str(path)
    with io.locked(target):
        doc, problems = io.read_document(target, name)
        if not problems:
            problems = check_document(doc, name)
        if problems:
            raise InvalidDataError(problems)
        timeline = io.timeline_from_json(doc)
        taken = {e.id for e in timeline}
        new_id = event_id if event_id is not None else _unique(slugify(title), taken)
        if new_id in taken:
            raise InvalidDataError(
                [
                    Problem(
                        name, f"an event with the id {new_id!r} exists already; choose another --id"
                    )
                ]
            )
        event = Event(
            id=new_id,
            title=title,
            date=date,
            category=category,
            summary=summary,
            actors=tuple(actors),
            places=tuple(places),
            tags=tuple(tags),
            citations=(Citation(source=source, quote=quote),),
        )
        updated = attrs.evolve(timeline, events=(*timeline.events, event))
        text = io.dumps(updated)
        # Judge the file as it will be written, so the rules are validate's own.
        new_doc, _ = io.decode_document(text.encode("utf-8"), name)
        problems = check_document(new_doc, name)
        if problems:
            raise InvalidDataError(problems)
        io.atomic_write(target, text)
    return event
