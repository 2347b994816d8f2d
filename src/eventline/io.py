"""Reading and writing data files: strict JSON in, canonical JSON out, atomically."""

from __future__ import annotations

import contextlib
import json
import operator
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # the standard library path works the same, slower
    _orjson = None  # type: ignore[assignment]

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

from eventline.dates import EventDate
from eventline.model import Actor, Category, Citation, Event, InOrder, Source, Timeline
from eventline.problems import Problem

__all__ = [
    "WriteError",
    "atomic_write",
    "canonical_bytes",
    "canonical_document",
    "default_data_path",
    "dumps",
    "dumps_json",
    "event_documents",
    "locked",
    "packaged_data_path",
    "read_document",
    "timeline_from_canonical_json",
    "timeline_from_json",
    "timeline_to_json",
]

# Key order of the canonical form; it is also the order of the JSON Schema.
TOP_KEYS = ("$schema", "title", "description", "categories", "actors", "sources", "events")
CATEGORY_KEYS = ("id", "label", "color")
ACTOR_KEYS = ("id", "name", "kind", "role", "wikidata")
SOURCE_KEYS = ("id", "title", "publisher", "published", "url")
EVENT_KEYS = (
    "id",
    "title",
    "date",
    "category",
    "summary",
    "actors",
    "places",
    "tags",
    "citations",
)
CITATION_KEYS = ("source", "quote")


class WriteError(OSError):
    """A file could not be written; the old file, if any, is untouched."""


class NonFinite:
    """Stands in decoded data for ``NaN``, ``Infinity`` or ``-Infinity``.

    Plain ``json`` turns them into floats although JSON has no such values;
    keeping a marker lets validation say where they are.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class DuplicateKeys(dict[str, Any]):
    """A decoded JSON object that had the same key more than once.

    Plain ``json`` silently keeps the last value; validation reports these.
    """

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    dupes: list[str] = []
    for key, _ in pairs:
        if key in seen and key not in dupes:
            dupes.append(key)
        seen.add(key)
    marked = DuplicateKeys(obj)
    marked.duplicates = tuple(dupes)
    return marked


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(object_pairs_hook=_object, parse_constant=NonFinite)


def read_document(
    path: str | os.PathLike[str], name: str | None = None
) -> tuple[Any, list[Problem]]:
    """Read a JSON file strictly.

    Args:
        path: the file.
        name: how problems name the file (default: ``path`` as given).

    Returns:
        The decoded document (None when it could not be decoded) and the
        problems that stopped decoding. Duplicate keys and non-finite numbers
        do not stop decoding; they stay marked for :mod:`eventline.validate`.
    """
    label = str(path) if name is None else name
    raw, problems = read_bytes(path, label)
    if raw is None:
        return None, problems
    return decode_document(raw, label)


def read_bytes(path: str | os.PathLike[str], label: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a file, or a problem that says why it cannot be read."""
    try:
        return Path(path).read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(label, "no such file; check the path")]
    except IsADirectoryError:
        return None, [Problem(label, "is a directory, not a data file; name a .json file")]
    except PermissionError:
        return None, [Problem(label, "cannot be read: permission denied")]
    except OSError as error:
        return None, [Problem(label, f"cannot be read: {error.strerror or error}")]


def decode_document(raw: bytes, label: str) -> tuple[Any, list[Problem]]:
    """Decode the bytes of a data file; see :func:`read_document`."""
    # A UTF-8 byte order mark is accepted (some Windows editors add one);
    # `eventline fmt` removes it, and `validate` asks for that.
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith(b"PAR1"):  # Parquet's magic number: one file of a dataset
        return None, [
            Problem(
                label,
                "is a Parquet file, not a JSON data file; a Parquet dataset is read"
                " whole: give its folder (the one holding timeline.parquet and events/)",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [
            Problem(
                label,
                f"byte 0x{raw[error.start]:02x} at offset {error.start} is not UTF-8; "
                "save the file as UTF-8",
                location=f"line {line}",
            )
        ]
    if not text.strip():
        return None, [Problem(label, "is empty; a data file is one JSON object")]
    try:
        return _decoder().decode(text), []
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        return None, [Problem(label, f"invalid JSON: {error.msg}", location=where)]
    except RecursionError:
        return None, [Problem(label, "JSON is nested too deeply to read")]


_DATE_TEXT = operator.itemgetter("date")


def timeline_from_json(doc: dict[str, Any]) -> Timeline:
    """Build a :class:`Timeline` from a decoded document that validates."""
    return _timeline(doc, in_order=False)


def timeline_from_canonical_json(doc: dict[str, Any]) -> Timeline:
    """:func:`timeline_from_json` for a document whose events are known to be
    in canonical order (a file proved canonical): they are not sorted again."""
    return _timeline(doc, in_order=True)


def _timeline(doc: dict[str, Any], *, in_order: bool) -> Timeline:
    categories = {
        c["id"]: Category(id=c["id"], label=c["label"], color=c.get("color"))
        for c in doc.get("categories", ())
    }
    actors = {
        a["id"]: Actor(
            id=a["id"],
            name=a["name"],
            kind=a["kind"],
            role=a.get("role"),
            wikidata=a.get("wikidata"),
        )
        for a in doc.get("actors", ())
    }
    sources = {
        s["id"]: Source(
            id=s["id"],
            title=s["title"],
            publisher=s.get("publisher"),
            published=EventDate.parse(s["published"]) if "published" in s else None,
            url=s.get("url"),
        )
        for s in doc.get("sources", ())
    }
    rows = doc["events"]
    # Large files repeat dates: each distinct string is parsed once. The
    # records are built by position, the fastest call attrs offers.
    dates = {text: EventDate.parse(text) for text in set(map(_DATE_TEXT, rows))}
    get = dict.get
    events = [
        Event(
            e["id"],
            e["title"],
            dates[e["date"]],
            e["category"],
            get(e, "summary"),
            tuple(get(e, "actors") or ()),
            tuple(get(e, "places") or ()),
            tuple(get(e, "tags") or ()),
            tuple([Citation(c["source"], get(c, "quote")) for c in e["citations"]]),
        )
        for e in rows
    ]
    return Timeline(
        title=doc["title"],
        description=doc.get("description"),
        categories=categories,
        actors=actors,
        sources=sources,
        events=InOrder(events) if in_order else tuple(events),
        schema=doc.get("$schema"),
    )


def _compact(pairs: dict[str, Any]) -> dict[str, Any]:
    """Drop absent optional values and empty lists: the canonical form leaves them out."""
    return {k: v for k, v in pairs.items() if v is not None and v != ()}


def timeline_to_json(timeline: Timeline) -> dict[str, Any]:
    """The canonical JSON document of a timeline, keys in schema order."""
    return _compact(
        {
            "$schema": timeline.schema,
            "title": timeline.title,
            "description": timeline.description,
            "categories": [
                _compact({"id": c.id, "label": c.label, "color": c.color})
                for c in timeline.categories.values()
            ]
            or None,
            "actors": [
                _compact(
                    {
                        "id": a.id,
                        "name": a.name,
                        "kind": a.kind,
                        "role": a.role,
                        "wikidata": a.wikidata,
                    }
                )
                for a in timeline.actors.values()
            ]
            or None,
            "sources": [
                _compact(
                    {
                        "id": s.id,
                        "title": s.title,
                        "publisher": s.publisher,
                        "published": None if s.published is None else str(s.published),
                        "url": s.url,
                    }
                )
                for s in timeline.sources.values()
            ]
            or None,
            "events": [_event_to_json(e) for e in timeline.events],
        }
    )


def event_documents(timeline: Timeline) -> Iterator[dict[str, Any]]:
    """The canonical JSON document of each event, in order: as a valid
    canonical data file holds it, which is what the export writers read."""
    return map(_event_to_json, timeline.events)


def _event_to_json(event: Event) -> dict[str, Any]:
    return _compact(
        {
            "id": event.id,
            "title": event.title,
            "date": str(event.date),
            "category": event.category,
            "summary": event.summary,
            "actors": list(event.actors) or None,
            "places": list(event.places) or None,
            "tags": list(event.tags) or None,
            "citations": [
                _compact({"source": c.source, "quote": c.quote}) for c in event.citations
            ],
        }
    )


def dumps(timeline: Timeline) -> str:
    """The canonical text of a timeline: 2-space indent, schema key order, trailing newline."""
    return dumps_json(timeline_to_json(timeline))


def canonical_bytes(doc: Any) -> bytes:
    """The canonical bytes of a document whose keys are already in canonical order.

    orjson, when installed, writes the same bytes about twenty times faster
    than the standard library's indenting encoder (a test holds the two
    equal); anything orjson refuses goes the standard way.
    """
    if _orjson is not None:
        try:
            return bytes(_orjson.dumps(doc, option=_orjson.OPT_INDENT_2)) + b"\n"
        except TypeError:
            pass
    return dumps_json(doc).encode("utf-8")


def canonical_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of a valid document, without building records:
    keys in schema order, empty optional lists dropped, events sorted."""
    from eventline.dates import EventDate

    def ordered(record: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {k: record[k] for k in keys if k in record and record[k] != []}

    out: dict[str, Any] = ordered(doc, TOP_KEYS)
    for table, keys in (
        ("categories", CATEGORY_KEYS),
        ("actors", ACTOR_KEYS),
        ("sources", SOURCE_KEYS),
    ):
        if table in out:
            out[table] = [ordered(row, keys) for row in out[table]]
    events = [ordered(e, EVENT_KEYS) for e in doc["events"]]
    for event in events:
        event["citations"] = [ordered(c, CITATION_KEYS) for c in event["citations"]]
    events.sort(key=lambda e: (*EventDate.parse(e["date"]).sort_key, e["id"]))
    out["events"] = events
    return out


_encode_string = json.encoder.encode_basestring  # the C version where available


def dumps_json(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"``, byte for byte, faster.

    With an indent, the standard library falls back to its pure-Python encoder;
    this writer keeps string escaping in C and builds the layout itself.
    """
    parts: list[str] = []
    _write(value, parts, "\n")
    parts.append("\n")
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str) -> None:
    if isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        parts.append("{")
        first = True
        for key, item in value.items():
            parts.append(inner if first else "," + inner)
            first = False
            parts.append(_encode_string(key))
            parts.append(": ")
            _write(item, parts, inner)
        parts.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        parts.append("[")
        for i, item in enumerate(value):
            parts.append(inner if i == 0 else "," + inner)
            _write(item, parts, inner)
        parts.append(newline + "]")
    else:
        parts.append(json.dumps(value))


def write_target(path: str | os.PathLike[str], *, make_parents: bool = False) -> Path:
    """Where a writer puts ``path``'s new contents: the file a symbolic link
    points to (the link stays a link), checked to be writable as a file.

    With ``make_parents``, missing folders are created.

    Raises:
        WriteError: ``path`` is a folder, or its folder is missing (and
            ``make_parents`` is false) or cannot be created; the message
            names the file.
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    if target.is_dir():
        raise WriteError(f"{given}: cannot write: it is a folder")
    if target.parent.exists() and not target.parent.is_dir():
        raise WriteError(f"{given}: cannot write: {target.parent} is not a folder")
    if make_parents:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise WriteError(
                f"{given}: cannot write: cannot create folder {target.parent}: {reason}"
            ) from error
    if not target.parent.is_dir():
        raise WriteError(f"{given}: cannot write: folder {target.parent} does not exist")
    return target


def is_special(target: Path) -> bool:
    """``target`` exists and is not a regular file (a device such as /dev/null,
    a named pipe, a socket): written into as it is, never replaced."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def temporary_beside(target: Path) -> tuple[int, Path]:
    """A new empty temporary file (mode 0600) in ``target``'s folder, named
    after it: its open descriptor and path, for a writer to fill and then
    :func:`rename_over` the target. Raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, Path(tmp)


def rename_over(tmp: Path, target: Path) -> None:
    """Rename the written and flushed file ``tmp`` over ``target`` (same
    folder: atomic), with the permissions of the file it replaces, or the
    umask's for a new one (mkstemp makes it 0600). Raises OSError."""
    if target.exists():
        tmp.chmod(target.stat().st_mode & 0o7777)
    else:
        tmp.chmod(0o666 & ~_umask())
    tmp.replace(target)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[tuple[int, Path]]:
    fd, tmp_path = temporary_beside(target)
    try:
        yield fd, tmp_path
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def atomic_write(
    path: str | os.PathLike[str],
    data: str | bytes | Iterable[str] | Iterable[bytes],
    *,
    make_parents: bool = False,
) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The data (text, bytes, or pieces of text or bytes written in order) goes to a
    temporary file in the same folder, is flushed to disk, and is renamed over
    the target. Text is written as UTF-8, line ends as given. A symbolic link
    keeps pointing where it did: the file it points to is replaced. A device
    or a named pipe (``/dev/stdout``, a FIFO) is written into, not replaced.

    Raises:
        WriteError: ``path`` is a folder, its folder is missing (and
            ``make_parents`` is false) or read-only, the disk is full, ...;
            the message names the file and the target is left as it was.
    """
    given = Path(path)
    if isinstance(data, str):
        chunks: Iterable[bytes] = [data.encode("utf-8")]
    elif isinstance(data, bytes):
        chunks = [data]
    else:
        chunks = (p if isinstance(p, bytes) else p.encode("utf-8") for p in data)
    target = write_target(given, make_parents=make_parents)
    if is_special(target):
        try:
            with target.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as error:
            raise WriteError(f"{given}: cannot write: {error.strerror or error}") from error
        return
    try:
        with _temporary_beside(target) as (fd, tmp):
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            rename_over(tmp, target)
    except OSError as error:
        reason = error.strerror or str(error)
        raise WriteError(f"{given}: cannot write: {reason}") from error


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (on ``path.lock`` beside it) while the block runs.

    The lock file stays: removing it would let two writers lock different files.
    """
    lock_path = Path(f"{os.fspath(path)}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise WriteError(f"{lock_path}: cannot create the lock file: {error.strerror}") from error
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def packaged_data_path() -> Path:
    """The dataset that ships with eventline.

    In a wheel it is ``eventline/data/events.json``; in an editable install
    or a source checkout it is the repository's ``data/events.json``.
    """
    shipped = resources.files("eventline") / "data" / "events.json"
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "data" / "events.json"


def default_data_path() -> Path:
    """``./data/events.json`` when it exists, else the packaged dataset."""
    local = Path("data") / "events.json"
    return local if local.is_file() else packaged_data_path()
