"""Writers that take a timeline elsewhere: JSON, CSV, iCalendar and TimelineJS.

Each writer is a function from a :class:`~eventline.model.Timeline` to text;
the same timeline always gives the same text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from eventline.export import csv, ics, timelinejs
from eventline.i18n import ENGLISH

if TYPE_CHECKING:
    from eventline.i18n import Language
    from eventline.model import Timeline

__all__ = ["FORMATS", "export", "export_file", "export_to"]


def _timelinejs_text(timeline: Timeline, lang: Language = ENGLISH) -> str:
    from eventline import io

    # The bytes of json.dumps(doc, indent=2, ensure_ascii=False) + "\n", faster.
    return io.canonical_bytes(timelinejs.to_timelinejs(timeline, lang=lang)).decode("utf-8")


def _json_text(timeline: Timeline, lang: Language = ENGLISH) -> str:
    # The data format is the data itself: no text in it is eventline's to translate.
    import attrs

    from eventline import io

    # The $schema reference is relative to the data file; it would not
    # resolve from wherever the export is written.
    return io.dumps(attrs.evolve(timeline.used(), schema=None))


_BATCH = 10_000

#: Writer of each format: ``writer(timeline, lang=...)`` gives its text.
FORMATS: dict[str, Callable[..., str]] = {
    "json": _json_text,
    "csv": csv.to_csv,
    "ics": ics.to_ics,
    "timelinejs": _timelinejs_text,
}


# --- large files: the same text, a batch of events at a time ------------------------
#
# A format that can be written a batch at a time has a _Stream: the UTF-8
# text of a batch (and a note about it, which must pickle), what goes between
# two batches, and, once every note is in, the text before the first batch and
# after the last, each in the language asked for. Joined, they are byte for
# byte the text of FORMATS, encoded.

_OPEN = b'{\n  "events": [\n'
_CLOSE = b"\n  ]\n}\n"
# iCalendar's DTSTAMP is the latest date of all the events. Without a filter
# it is known before the first batch (see _stamp_ahead); with one, only at the
# end: batches carry this stand-in (same length, never in valid data) until then.
_STAMP = "\x00" * 16
_EVENTS_KEY = b'\n  "events": [\n'
_PIECE = 1 << 22


@attrs.frozen
class _Stream:
    # The text and note of a batch of canonical event documents (all to be
    # written), names and labels looked up in the tables of a Timeline; the
    # last argument is iCalendar's DTSTAMP value (or its stand-in).
    body: Callable[[Timeline, list[dict[str, Any]], Language, str], tuple[bytes, Any]]
    separator: bytes
    head: Callable[[Timeline, list[Any], Language], str]
    tail: Callable[[Timeline, list[Any]], str]


def _events_json(doc: Any) -> bytes:
    """The text of ``doc["events"]``'s items as they sit, two levels deep, in a document."""
    from eventline import io

    return io.canonical_bytes(doc)[len(_OPEN) : -len(_CLOSE)]


def _without_events(text: str) -> str:
    """A document's text whose last key is an empty ``"events"``, cut before its items."""
    assert text.endswith('"events": []\n}\n')
    return text[: -len("]\n}\n")] + "\n"


def _json_body(
    tables: Timeline, events: list[dict[str, Any]], lang: Language, stamp: str
) -> tuple[bytes, Any]:
    # A canonical file's event documents are already the export's.
    return _events_json({"events": events}), _names_used(events)


def _names_used(events: list[dict[str, Any]]) -> tuple[set[str], set[str], set[str]]:
    """The ids of the categories, actors and sources that ``events`` refer to."""
    return (
        {e["category"] for e in events},
        {a for e in events if "actors" in e for a in e["actors"]},
        {c["source"] for e in events for c in e["citations"]},
    )


def _json_head(header: Timeline, notes: list[Any], lang: Language) -> str:
    from eventline import io

    cats: set[str] = set().union(*(n[0] for n in notes))
    acts: set[str] = set().union(*(n[1] for n in notes))
    srcs: set[str] = set().union(*(n[2] for n in notes))
    used = attrs.evolve(
        header,
        schema=None,
        categories={k: v for k, v in header.categories.items() if k in cats},
        actors={k: v for k, v in header.actors.items() if k in acts},
        sources={k: v for k, v in header.sources.items() if k in srcs},
    )
    return _without_events(io.dumps(used))


def _ics_body(
    tables: Timeline, events: list[dict[str, Any]], lang: Language, stamp: str
) -> tuple[bytes, Any]:
    from eventline.dates import EventDate

    # Events come in order (a canonical file's, checked), and the order
    # begins with the earliest day: the last event has the latest one.
    latest = EventDate.parse(events[-1]["date"]).lower
    return ics.vevents_utf8(tables, stamp, events=events, lang=lang), latest


_STREAMS: dict[str, _Stream] = {
    "csv": _Stream(
        body=lambda tables, events, lang, stamp: (
            csv.rows_text(tables, events, lang=lang).encode("utf-8"),
            None,
        ),
        separator=b"",
        head=lambda header, notes, lang: csv.header_row(),
        tail=lambda header, notes: "",
    ),
    "json": _Stream(
        body=_json_body,
        separator=b",\n",
        head=_json_head,
        tail=lambda header, notes: _CLOSE.decode(),
    ),
    "timelinejs": _Stream(
        body=lambda tables, events, lang, stamp: (
            _events_json({"events": timelinejs.slides(tables, events, lang)}),
            None,
        ),
        separator=b",\n",
        head=lambda header, notes, lang: _without_events(_timelinejs_text(header, lang)),
        tail=lambda header, notes: _CLOSE.decode(),
    ),
    "ics": _Stream(
        body=_ics_body,
        separator=b"",
        head=lambda header, notes, lang: ics.calendar_head(header),
        tail=lambda header, notes: ics.CALENDAR_TAIL,
    ),
}


def export_file(
    path: str | os.PathLike[str],
    format: str,
    select: Callable[[Timeline], Timeline] | None = None,
    *,
    bom: bool = False,
    lang: Language = ENGLISH,
) -> tuple[Iterator[bytes], int]:
    """Export a data file: the UTF-8 text, as pieces of bytes to write one
    after the other, and the number of events in it.

    Args:
        path: the data file.
        format: one of :data:`FORMATS`.
        select: picks the events to export (e.g. ``lambda tl: tl.filter(...)``);
            None exports every event (and lets a large file's export skip
            building records).
        bom: start CSV text with a byte-order mark (:data:`csv.BOM`), so that
            spreadsheet programs read it as UTF-8 rather than Windows-1252.
        lang: the language of display dates and labels (:func:`eventline.i18n.language`).

    Large files (64 MB and more) are proved valid and exported in two halves
    by two processes; each writes its text, a batch of events at a time, to
    a temporary file that the pieces then read back (and remove), so no
    process holds the whole export in memory. Joined, the pieces are byte
    for byte the UTF-8 encoding of the text :func:`export` gives.

    Raises:
        eventline.InvalidDataError: the file is not valid; nothing is exported.
        ValueError: ``bom`` with a format other than ``"csv"``.
    """
    if bom and format != "csv":
        raise ValueError(f"a byte-order mark is for CSV, not {format}")
    pieces, count = _export_file(path, format, select, lang)
    assert pieces is not None
    return (itertools.chain([csv.BOM.encode("utf-8")], pieces) if bom else pieces), count


def export_to(
    path: str | os.PathLike[str],
    format: str,
    output: str | os.PathLike[str],
    select: Callable[[Timeline], Timeline] | None = None,
    *,
    bom: bool = False,
    lang: Language = ENGLISH,
) -> int:
    """Export a data file into the file ``output``; the number of events exported.

    The bytes are those of :func:`export_file`, written as
    :func:`eventline.io.atomic_write` writes: to a temporary file beside
    ``output``, flushed to disk and renamed over it, so readers see the old
    file or the new one (a link's file replaced, a device or pipe written
    into; missing folders made). A large file's export is assembled there
    directly (the second half copied by the kernel), not read back piece by
    piece.

    Raises:
        eventline.InvalidDataError: the file is not valid; ``output`` is left as it was.
        eventline.io.WriteError: ``output`` cannot be written (as ``atomic_write``).
        ValueError: ``bom`` with a format other than ``"csv"``.
    """
    from eventline import io

    if bom and format != "csv":
        raise ValueError(f"a byte-order mark is for CSV, not {format}")
    target = io.write_target(output, make_parents=True)
    prefix = csv.BOM.encode("utf-8") if bom else b""
    tmp = None
    if not io.is_special(target):  # a device or a pipe is written into as the export comes
        with contextlib.suppress(OSError):  # then atomic_write says what is wrong
            fd, tmp = io.temporary_beside(target)
            os.close(fd)
    if tmp is None:
        stream, count = export_file(path, format, select, bom=bom, lang=lang)
        io.atomic_write(target, stream)
        return count
    try:
        pieces, count = _export_file(path, format, select, lang, _Into(tmp, prefix))
        with tmp.open("r+b", buffering=0) as out:
            out.seek(0, os.SEEK_END)
            for piece in [] if pieces is None else itertools.chain([prefix], pieces):
                _write_all(out, piece)
            os.fsync(out.fileno())
        io.rename_over(tmp, target)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise io.WriteError(f"{output}: cannot write: {error.strerror or error}") from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _export_file(
    path: str | os.PathLike[str],
    format: str,
    select: Callable[[Timeline], Timeline] | None,
    lang: Language,
    into: _Into | None = None,
) -> tuple[Iterator[bytes] | None, int]:
    # With ``into``, a large file's export may be written there whole (then
    # the pieces are None); when they are not None, ``into``'s file is empty.
    import eventline
    from eventline import io
    from eventline.quick import PARALLEL_BYTES

    stream = _STREAMS.get(format)
    if stream is not None:
        raw, _ = io.read_bytes(path, str(path))
        if raw is not None and len(raw) >= PARALLEL_BYTES:
            streamed = _streamed(raw, stream, select, lang, into)
            del raw
            if streamed is not None:
                return streamed
    timeline = eventline.load(path)
    if select is not None:
        timeline = select(timeline)
    return iter([export(timeline, format, lang).encode("utf-8")]), len(timeline)


def _streamed(
    raw: bytes,
    stream: _Stream,
    select: Callable[[Timeline], Timeline] | None,
    lang: Language,
    into: _Into | None = None,
) -> tuple[Iterator[bytes] | None, int] | None:
    """The export of a valid canonical file in two halves; None when not sure it is one.

    With ``into``, an export without a filter is written into its file
    (then the pieces are None): the first half's text goes straight there,
    after the head, and the second half's spool is copied after it by the
    kernel, so the export is never read back through this process.
    Otherwise (and whenever None is returned) ``into``'s file is left empty.
    """
    from eventline import io
    from eventline.quick import in_halves, paused_gc

    # Without a filter, a JSON export's events are the file's own text (the
    # proof compares it with their canonical text byte for byte): the halves
    # only note the names the events use, and the events are read from the file.
    verbatim = stream is _STREAMS["json"] and select is None
    guess = _stamp_ahead(raw) if stream is _STREAMS["ics"] and select is None else None
    # The first half's text goes straight into the export when its head is
    # known before the proof: it names no event (CSV, TimelineJS, and
    # iCalendar once DTSTAMP is known).
    direct = None
    if into is not None and select is None and not verbatim:
        direct = _head_ahead(raw, stream, guess, lang)
    folder = None if verbatim else Path(tempfile.mkdtemp(prefix="eventline-export-"))
    parent = os.getpid()
    if direct is not None and into is not None:
        try:
            into.path.write_bytes(into.prefix + direct)
        except BaseException:
            _remove(folder)
            raise

    def used_names(header: dict[str, Any], events: list[Any]) -> tuple[None, int, list[Any]]:
        return None, len(events), [_names_used(events)]

    def half(header: dict[str, Any], events: list[Any]) -> tuple[str | None, int, list[Any]]:
        # A batch of events at a time, each batch's documents let go once
        # its text is on disk: memory stays near the file's own. Without a
        # filter the writers read the decoded documents as they are; with
        # one, the kept records are turned back into documents.
        tables = io.timeline_from_json({**header, "events": []})
        stamp = _STAMP if guess is None else _stamp_text(tables, guess)
        if direct is not None and into is not None and os.getpid() == parent:
            spool, out = str(into.path), into.path.open("ab")
        else:
            fd, spool = tempfile.mkstemp(suffix=".txt", dir=folder)
            out = os.fdopen(fd, "wb")
        count, notes = 0, []
        with out:
            while events:
                chunk, names = events[:_BATCH], tables
                if select is not None:
                    names = select(io.timeline_from_json({**header, "events": chunk}))
                    chunk = list(io.event_documents(names))
                size = len(chunk)
                text, note = stream.body(names, chunk, lang, stamp) if size else (b"", None)
                del events[:_BATCH], chunk
                if size:
                    if count:
                        out.write(stream.separator)
                    out.write(text)
                    notes.append(note)
                    count += size
        return spool, count, notes

    header_doc = None
    try:
        with paused_gc():
            halves = in_halves(raw, used_names if verbatim else half)
        if isinstance(halves, tuple):
            head_end = raw.find(_EVENTS_KEY)
            header_doc = json.loads(raw[:head_end] + b'\n  "events": []\n}')
    except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
        halves = None  # not sure: the precise path says what is wrong
    except BaseException:  # e.g. a full disk: no spool is left behind
        _remove(folder)
        raise
    if not isinstance(halves, tuple) or header_doc is None:
        _remove(folder, into)
        return None
    header = io.timeline_from_json(header_doc)
    if select is not None:
        header = select(header)
    (first, n1, notes1), (second, n2, notes2) = halves
    notes = notes1 + notes2
    if n1 + n2 == 0:
        _remove(folder, into)
        return iter([export(header, _format_of(stream), lang).encode("utf-8")]), 0
    head = stream.head(header, notes, lang).encode("utf-8")
    tail = stream.tail(header, notes).encode("utf-8")
    if verbatim:
        lo = raw.find(_EVENTS_KEY) + len(_EVENTS_KEY)
        hi = len(raw) - len(_CLOSE)
        if into is None:
            return _verbatim(head, raw, lo, hi, tail), n1 + n2
        with into.path.open("wb", buffering=0) as out:
            for part in (into.prefix, head, memoryview(raw)[lo:hi], tail):
                _write_all(out, part)
        return None, n1 + n2
    assert folder is not None
    replace = None
    if stream is _STREAMS["ics"]:
        stamp = ics.stamp(header, notes)
        if guess is None:
            replace = (_STAMP.encode("ascii"), stamp.encode("ascii"))
        elif _stamp_text(header, guess) != stamp:  # cannot be, for a file the proof accepts
            _remove(folder, into)
            return None
    if direct is not None and into is not None:
        # The parent proves and writes the first half; the head is the header's.
        if first != str(into.path) or second == first or direct != head:  # cannot be
            _remove(folder, into)
            return None
        try:
            with into.path.open("r+b", buffering=0) as out:
                out.seek(0, os.SEEK_END)
                if n2:
                    _write_all(out, stream.separator if n1 else b"")
                    _append(out, Path(second))
                _write_all(out, tail)
        finally:
            _remove(folder)
        return None, n1 + n2
    spools = [spool for spool, n in ((first, n1), (second, n2)) if n and spool is not None]
    return _spooled(head, folder, spools, stream.separator, tail, replace), n1 + n2


@attrs.frozen
class _Into:
    """An empty temporary file that an export may be written into, and the
    bytes it then starts with (a byte-order mark, or none)."""

    path: Path
    prefix: bytes


def _head_ahead(raw: bytes, stream: _Stream, guess: dt.date | None, lang: Language) -> bytes | None:
    """The head of a format whose head names no event, from the file's
    header before it is proved; None for other formats, or when unsure."""
    from eventline import io

    if stream is _STREAMS["json"] or (stream is _STREAMS["ics"] and guess is None):
        return None
    try:
        header_doc = json.loads(raw[: raw.find(_EVENTS_KEY)] + b'\n  "events": []\n}')
        return stream.head(io.timeline_from_json(header_doc), [], lang).encode("utf-8")
    except Exception:  # not sure: the spooled path runs, and the proof decides
        return None


def _write_all(out: Any, data: bytes | memoryview) -> None:
    """Write all of ``data`` to an unbuffered file (whose writes may be partial)."""
    view = memoryview(data)
    while view:
        view = view[out.write(view) :]


def _append(out: Any, spool: Path) -> None:
    """Append the file ``spool`` to the unbuffered file ``out`` (at its end),
    copied by the kernel (``copy_file_range``) where it can."""
    with spool.open("rb", buffering=0) as source:
        size = os.fstat(source.fileno()).st_size
        done = 0
        copy = getattr(os, "copy_file_range", None)
        try:
            while copy is not None and done < size:
                sent = copy(source.fileno(), out.fileno(), size - done)
                if sent == 0:
                    break
                done += sent
        except OSError:  # e.g. not supported between these file systems
            pass
        source.seek(done)
        out.seek(0, os.SEEK_END)
        while piece := source.read(_PIECE):
            _write_all(out, piece)


def _stamp_ahead(raw: bytes) -> dt.date | None:
    """The earliest day of the last event of a canonical file: the latest of
    all its events' earliest days, read without decoding the file; None if
    it cannot be read so (the file may then not be canonical).

    A guess until the file is proved valid and canonical: only the last
    event's ``date`` sits at depth three (its line indented six spaces)."""
    from eventline.dates import EventDate

    at = raw.rfind(b'\n      "date": "')
    end = raw.find(b'",\n', at)
    if at < 0 or end < 0:
        return None
    try:
        return EventDate.parse(json.loads(raw[at + len(b'\n      "date": ') : end + 1])).lower
    except Exception:  # anything unexpected: no guess, the stand-in is used
        return None


def _stamp_text(header: Timeline, latest: dt.date) -> str:
    """DTSTAMP's value (:func:`ics.stamp`) when the events' latest earliest day is ``latest``."""
    return ics.stamp(header, [latest])


def _remove(folder: Path | None, into: _Into | None = None) -> None:
    """Remove the spools' folder; empty ``into``'s file."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    if into is not None:
        into.path.write_bytes(b"")


def _verbatim(head: bytes, raw: bytes, lo: int, hi: int, tail: bytes) -> Iterator[bytes]:
    """``head``, ``raw[lo:hi]`` in pieces, then ``tail``."""
    yield head
    for start in range(lo, hi, _PIECE):
        yield raw[start : min(start + _PIECE, hi)]
    yield tail


def _format_of(stream: _Stream) -> str:
    return next(name for name, s in _STREAMS.items() if s is stream)


def _read(spool: Path, replace: tuple[bytes, bytes] | None) -> Iterator[bytes]:
    """The bytes of ``spool``, in pieces; with ``replace`` (old, new), each
    ``old`` replaced, read to whole lines so that none is cut in two."""
    with spool.open("rb") as handle:
        rest = b""
        while piece := handle.read(_PIECE):
            if replace is None:
                yield piece
                continue
            piece = rest + piece
            end = piece.rfind(b"\n") + 1
            rest = piece[end:]
            yield piece[:end].replace(*replace)
        if replace is not None and rest:
            yield rest.replace(*replace)


def _spooled(
    head: bytes,
    folder: Path,
    spools: list[str],
    separator: bytes,
    tail: bytes,
    replace: tuple[bytes, bytes] | None,
) -> Iterator[bytes]:
    """``head``, the bytes of each spool file in turn (``separator`` between
    them, ``replace`` done as in :func:`_read`), then ``tail``; the folder is removed after."""
    try:
        yield head
        for index, spool in enumerate(spools):
            if index:
                yield separator
            yield from _read(Path(spool), replace)
        yield tail
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def export(timeline: Timeline, format: str, lang: Language = ENGLISH) -> str:
    """The timeline as text in ``format`` (one of :data:`FORMATS`), dates and labels in ``lang``."""
    from eventline.quick import paused_gc

    # Writers build millions of short-lived strings and lists; the cyclic
    # collector would scan every record of a large timeline again and again.
    with paused_gc():
        return FORMATS[format](timeline, lang=lang)
