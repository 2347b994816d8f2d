"""A fast proof that a data file is valid and canonical, for large files.

Most files that CI checks are fine. This path decodes with the C JSON
decoder (garbage collection paused: decoding millions of objects otherwise
spends about half its time in the collector), checks every rule with
compiled patterns and set look-ups, and compares the file with its
canonical serialisation. It answers only "valid and canonical" or "not
sure"; on "not sure", :mod:`eventline.validate` runs the precise checker,
which locates and words each problem. So the two can never disagree about
a file's validity, only about speed.

Duplicate keys need no hook here: the decoder keeps one value, so the
canonical text of a file with a duplicate key differs from the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import json
import mmap
import multiprocessing
import operator
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import orjson

from eventline import io
from eventline.dates import DateError, EventDate
from eventline.validate import (
    ACTOR_KINDS,
    BIDI_CONTROLS,
    COLOR_RE,
    CONTROL_BUT_NEWLINE_RE,
    CONTROL_RE,
    ID_RE,
    MAX_LINE,
    MAX_QUOTE,
    MAX_TEXT,
    PLACEHOLDER_SOURCE,
    URL_RE,
    WIKIDATA_RE,
)

__all__ = [
    "Beside",
    "in_halves",
    "is_valid_and_canonical",
    "paused_gc",
    "valid_canonical_document",
]

# One line of text: no control characters or lone surrogates, no space at either end.
_C = "\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff" + BIDI_CONTROLS
_LINE = re.compile(f"[^\\s{_C}](?:[^{_C}]*[^\\s{_C}])?")
_TEXT = re.compile(
    f"[^\\s{_C}](?:[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff{BIDI_CONTROLS}]*[^\\s{_C}])?"
)


def _orders(required: tuple[str, ...], order: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Every key tuple a canonical record can have: the required keys and any
    of the optional ones, in schema order."""
    optional = [k for k in order if k not in required]
    found = set()
    for mask in range(1 << len(optional)):
        chosen = {k for i, k in enumerate(optional) if mask >> i & 1} | set(required)
        found.add(tuple(k for k in order if k in chosen))
    return frozenset(found)


_TOP = _orders(("title", "events"), io.TOP_KEYS)
_CATEGORY = _orders(("id", "label"), io.CATEGORY_KEYS)
_ACTOR = _orders(("id", "name", "kind"), io.ACTOR_KEYS)
_SOURCE = _orders(("id", "title"), io.SOURCE_KEYS)
_EVENT = _orders(("id", "title", "date", "category", "citations"), io.EVENT_KEYS)
_CITATION = _orders(("source",), io.CITATION_KEYS)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building millions of acyclic objects
    otherwise triggers it again and again for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _settle()
            gc.enable()


def _settle() -> None:
    """Move every object the collector tracks out of its young generations.

    Objects made while it was paused are all young: the first allocation
    after it resumes would start a pass over every one of them (0.3 s for
    200,000 loaded events), and later passes would walk them again as they
    age. Frozen and unfrozen (two list splices), they join the oldest
    generation at once, left to its rare full passes. Objects someone has
    frozen (``gc.freeze``, as the CLI does while a command runs) stay frozen.
    """
    frozen = gc.get_freeze_count()
    gc.freeze()
    if not frozen:
        gc.unfreeze()


def _line(value: Any, limit: int = MAX_LINE) -> bool:
    return type(value) is str and len(value) <= limit and _LINE.fullmatch(value) is not None


def _text(value: Any, limit: int = MAX_TEXT) -> bool:
    return type(value) is str and len(value) <= limit and _TEXT.fullmatch(value) is not None


def _slug(value: Any) -> bool:
    return type(value) is str and ID_RE.fullmatch(value) is not None


def _table(rows: Any, orders: frozenset[tuple[str, ...]]) -> set[str] | None:
    """The ids of a table whose rows have canonical keys and unique slug ids; None if not."""
    if type(rows) is not list:
        return None
    ids: set[str] = set()
    for row in rows:
        if type(row) is not dict or tuple(row) not in orders:
            return None
        rid = row["id"]
        if not _slug(rid) or rid in ids:
            return None
        ids.add(rid)
    return ids


def _tables(doc: dict[str, Any]) -> tuple[set[str], set[str], set[str]] | None:
    categories = _table(doc.get("categories", []), _CATEGORY)
    actors = _table(doc.get("actors", []), _ACTOR)
    sources = _table(doc.get("sources", []), _SOURCE)
    if categories is None or actors is None or sources is None:
        return None
    for category in doc.get("categories", ()):
        if not _line(category["label"]):
            return None
        if "color" in category and not (
            type(category["color"]) is str and COLOR_RE.fullmatch(category["color"])
        ):
            return None
    for actor in doc.get("actors", ()):
        if not _line(actor["name"]) or actor["kind"] not in ACTOR_KINDS:
            return None
        if "role" in actor and not _line(actor["role"]):
            return None
        if "wikidata" in actor and not (
            type(actor["wikidata"]) is str and WIKIDATA_RE.fullmatch(actor["wikidata"])
        ):
            return None
    for source in doc.get("sources", ()):
        if not _line(source["title"]):
            return None
        if "publisher" in source and not _line(source["publisher"]):
            return None
        if "published" in source and _date(source["published"]) is None:
            return None
        if "url" in source and not (type(source["url"]) is str and URL_RE.fullmatch(source["url"])):
            return None
    # A citation of the placeholder source is a problem only validate words:
    # leaving it out of the known ids makes any such citation "not sure".
    sources.discard(PLACEHOLDER_SOURCE)
    return categories, actors, sources


def _sort_key(text: str) -> tuple[dt.date, dt.date] | None:
    """The sort key of a date string, or None if it is not a date of the grammar.

    Plain days and intervals of plain days, most of any dataset, skip the full parser.
    """
    if len(text) == 10 and _is_plain_day(text):
        day = _plain_day(text)
        return None if day is None else (day, day)
    if (
        len(text) == 21
        and text[10] == "/"
        and _is_plain_day(text[:10])
        and _is_plain_day(text[11:])
    ):
        start, end = _plain_day(text[:10]), _plain_day(text[11:])
        if start is None or end is None or start > end:  # no such day, or ends before it starts
            return None
        return (start, end)
    date = _date(text)
    return None if date is None else date.sort_key


def _is_plain_day(text: str) -> bool:
    """``text`` (10 characters) has the shape of ``YYYY-MM-DD`` with a month that starts 0 or 1."""
    return (
        text.isascii()
        and text[4] == "-"
        and text[7] == "-"
        and (text[:4] + text[5:7] + text[8:]).isdigit()
        and text[5] in "01"
    )


def _plain_day(text: str) -> dt.date | None:
    """The day a ``YYYY-MM-DD`` string names, or None if there is no such day."""
    try:
        return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


def _date(value: Any) -> EventDate | None:
    if type(value) is not str:
        return None
    try:
        return EventDate.parse(value)
    except DateError:
        return None


# Whole columns are checked at once, with C-level loops: types, lengths, no
# space at either end (strip changes nothing), and no control character
# (isprintable answers for most text; the regex settles the rest).
_SLUG_CHARACTERS = re.compile("[a-z0-9\\x00-]*")


def _column(values: list[Any], limit: int, *, newlines: bool = False) -> bool:
    """Every value is a non-blank string of at most ``limit`` characters with no
    space at either end and no control character (line breaks where ``newlines``)."""
    if not values:
        return True
    # Each pass over millions of strings costs more than the test it makes:
    # joining checks the types too (only strings join).
    try:
        joined = "".join(values)
    except TypeError:
        return False
    lengths = list(map(len, values))
    if max(lengths) > limit or min(lengths) == 0:
        return False
    if sum(map(len, map(str.strip, values))) != len(joined):
        return False
    if joined.isascii():
        # In ASCII the control characters are C0 and DEL: what is left once
        # the printable characters are deleted.
        rest = joined.encode("ascii").translate(None, _PRINTABLE_ASCII)
        return not rest or (newlines and rest.count(b"\n") == len(rest))
    if joined.isprintable():
        return True
    return (CONTROL_BUT_NEWLINE_RE if newlines else CONTROL_RE).search(joined) is None


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _slugs(values: list[Any]) -> bool:
    if not values:
        return True
    if set(map(type, values)) != {str} or max(map(len, values)) > MAX_LINE:
        return False
    # Slugs (ID_RE) between NULs: only [a-z0-9-], and no hyphen next to a
    # NUL or another hyphen, nor an empty slug. A character class is one fast
    # scan where the grammar's own pattern backtracks at every hyphen.
    joined = "\x00" + "\x00".join(values) + "\x00"
    return (
        _SLUG_CHARACTERS.fullmatch(joined) is not None
        and joined.count("\x00") == len(values) + 1
        and "\x00\x00" not in joined
        and "\x00-" not in joined
        and "-\x00" not in joined
        and "--" not in joined
    )


def _lists(lists: list[Any]) -> bool:
    """Non-empty lists (the canonical form drops empty ones) without repeated items."""
    if not lists:
        return True
    if set(map(type, lists)) != {list}:
        return False
    lengths = list(map(len, lists))
    return min(lengths) > 0 and sum(map(len, map(set, lists))) == sum(lengths)


def _flat(lists: list[list[Any]]) -> list[Any]:
    return [item for items in lists for item in items]


Key = tuple[dt.date, dt.date, str]
_Summary = tuple[list[str], Key | None, Key | None]  # ids, first and last sort keys


def _events(
    events: Any, categories: set[str], actors: set[str], sources: set[str]
) -> _Summary | None:
    """Check a list of events; their ids and first and last sort keys, or None if unsure."""
    if type(events) is not list:
        return None
    # One pass gathers every column: each event dict is visited once, which
    # matters more than anything else with millions of them in memory.
    ids: list[Any] = []
    titles: list[Any] = []
    dates: list[Any] = []
    cats: list[Any] = []
    summaries: list[Any] = []
    actor_lists: list[Any] = []
    place_lists: list[Any] = []
    tag_lists: list[Any] = []
    citation_lists: list[Any] = []
    key_sets: set[tuple[str, ...]] = set()
    for event in events:
        if type(event) is not dict:
            return None
        keys = tuple(event)
        key_sets.add(keys)
        ids.append(event["id"])
        titles.append(event["title"])
        dates.append(event["date"])
        cats.append(event["category"])
        citation_lists.append(event["citations"])
        if len(keys) > 5:
            if "summary" in event:
                summaries.append(event["summary"])
            if "actors" in event:
                actor_lists.append(event["actors"])
            if "places" in event:
                place_lists.append(event["places"])
            if "tags" in event:
                tag_lists.append(event["tags"])
    if not key_sets <= _EVENT:
        return None
    if not _slugs(ids) or len(set(ids)) != len(ids):
        return None
    if not _column(titles, MAX_LINE) or not set(cats) <= categories:
        return None
    if set(map(type, dates)) - {str}:
        return None
    parsed = {}
    for text in set(dates):
        key = _sort_key(text)
        if key is None:
            return None
        parsed[text] = key
    # (sort key, id) pairs order as (earliest, latest, id) would; checking
    # neighbours needs no sorted copy.
    order = list(zip(map(parsed.__getitem__, dates), ids, strict=True))
    if not all(map(operator.le, order, itertools.islice(order, 1, None))):
        return None
    if not _column(summaries, MAX_TEXT, newlines=True):
        return None
    if not (_lists(actor_lists) and _lists(place_lists) and _lists(tag_lists)):
        return None
    named = _flat(actor_lists)
    if set(map(type, named)) - {str} or not set(named) <= actors:
        return None
    # Tags repeat: each distinct one is checked once.
    if not _column(_flat(place_lists), MAX_LINE) or not _slugs(list(set(_flat(tag_lists)))):
        return None
    if citation_lists and (
        set(map(type, citation_lists)) != {list} or min(map(len, citation_lists)) == 0
    ):
        return None
    cited: list[Any] = []
    quotes: list[Any] = []
    for citations in citation_lists:
        for citation in citations:
            if type(citation) is not dict:
                return None
            keys = tuple(citation)
            if keys not in _CITATION:
                return None
            cited.append(citation["source"])
            if len(keys) == 2:
                quotes.append(citation["quote"])
    if set(map(type, cited)) - {str} or not set(cited) <= sources:
        return None
    if not _column(quotes, MAX_QUOTE, newlines=True):
        return None
    if not order:
        return ids, None, None
    (first, first_id), (last, last_id) = order[0], order[-1]
    return ids, (*first, first_id), (*last, last_id)


def _header(doc: Any) -> tuple[set[str], set[str], set[str]] | None:
    """Check everything but the events; the declared ids, or None if unsure."""
    if type(doc) is not dict or tuple(doc) not in _TOP:
        return None
    if not _line(doc["title"]) or ("$schema" in doc and not _line(doc["$schema"])):
        return None
    if "description" in doc and not _text(doc["description"]):
        return None
    # Empty tables are left out of the canonical form.
    if any(doc.get(t) == [] for t in ("categories", "actors", "sources")):
        return None
    return _tables(doc)


Progress = Callable[[float], None]


def _ignore(_: float) -> None:
    return None


def is_valid_and_canonical(raw: bytes, progress: Progress | None = None) -> bool:
    """True only if ``raw`` is a valid data file in canonical form; False means "not sure".

    A large file is checked in two halves by two processes where the
    platform can fork, since the work is CPU-bound and the machine may
    have a second core. ``progress`` is told the fraction done, now and then.
    """
    report = progress or _ignore
    if raw.startswith(b"\xef\xbb\xbf"):
        return False
    with paused_gc():
        try:
            if len(raw) >= PARALLEL_BYTES and _FORK is not None:
                result = _in_two(raw, report)
                if result is not None:
                    return result
            return valid_canonical_document(raw, report) is not None
        except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
            return False


PARALLEL_BYTES = 64 * 1024 * 1024
_FORK = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else None
)
_BATCH = 5000
T = TypeVar("T")
_OPEN = b'{\n  "events": [\n'
_CLOSE = b"\n  ]\n}\n"
_EVENTS_KEY = b'\n  "events": [\n'
_BETWEEN = b"\n    },\n    {\n"


def built_while_proved(
    raw: bytes,
    build: Callable[[Any], T],
    own_share: int | None = None,
    *,
    keep: list[Any] | None = None,
    beside: Beside | None = None,
) -> tuple[bool, T | None] | None:
    """``build(document)`` for a large file, done while a forked process helps
    prove the file valid and canonical (as :func:`is_valid_and_canonical`).

    The document is decoded here, once, by orjson; this process proves the
    first :data:`OWN_SHARE` percent of the events on that document while the
    other process decodes and proves the rest, then this one builds. For a
    file the proof accepts, orjson gives the values
    :func:`valid_canonical_document` would (the text is the canonical
    serialisation of what was decoded; anything orjson refuses, such as a
    lone surrogate escape, is "not proved"). Returns ``(True, built)`` when
    proved, ``(False, None)`` when not proved (the precise checker must say
    why), and None when this cannot run: a file under
    :data:`PARALLEL_BYTES`, no ``fork``, or other threads running (a forked
    child could inherit a lock one of them holds, as in a notebook).
    ``own_share`` replaces :data:`OWN_SHARE` (0 to 100): a ``build`` that does
    more than build records (a whole page) leaves all of the proof, or
    nearly, to the other process. ``keep``: a list the decoded document is
    appended to rather than freed here (a process about to end skips the
    0.2 s that freeing 200,000 decoded events takes). ``beside``: work for
    the other process once its share is proved, on every event it decoded
    (it then decodes them all); ``build`` can wait for its result through
    ``beside`` (see :class:`Beside`).
    """
    if (
        _FORK is None
        or len(raw) < PARALLEL_BYTES
        or raw.startswith(b"\xef\xbb\xbf")
        or threading.active_count() > 1
    ):
        return None
    split = _split(raw, OWN_SHARE if own_share is None else own_share)
    if split is None:  # too few events to share: another process proves them all
        return _built_beside_proof(raw, build, keep)
    head_end, lo, middle, hi = split
    try:
        header = json.loads(raw[:head_end] + b'\n  "events": []\n}')
        tables = _header(header)
        if tables is None or io.canonical_bytes(header) != raw[:head_end] + _NO_EVENTS:
            return False, None
    except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
        return False, None
    # The other process decodes with orjson too: the records are built from
    # orjson's values, and it decodes faster, straight from bytes.
    after = middle + len(b",\n")  # where the other process's events start
    if beside is None:
        child: tuple[Any, ...] = (raw, after, hi, header, tables, _no_work, orjson.loads, (0, 0))
        return _built(raw, build, lo, middle, header, tables, child, keep, None)
    # The other process decodes every event, proves those after this
    # process's share, then works.
    skip = (raw.count(_BETWEEN, lo, middle) + 1, after)
    child = (raw, lo, hi, header, tables, beside.work, orjson.loads, skip)
    beside._start()
    try:
        return _built(raw, build, lo, middle, header, tables, child, keep, beside)
    finally:
        beside._end()


def _built(
    raw: bytes,
    build: Callable[[Any], T],
    lo: int,
    middle: int,
    header: dict[str, Any],
    tables: Any,
    child: tuple[Any, ...],
    keep: list[Any] | None,
    beside: Beside | None,
) -> tuple[bool, T | None]:
    """:func:`built_while_proved` once the file is cut: ``child`` is what the
    other process proves (the arguments of :func:`_child`)."""
    built: T | None = None
    with _beside(_child, *child) as other:
        answer: list[Any] = []

        def answered() -> Any:
            if not answer:
                try:
                    answer.append(other())
                except EOFError:  # the prover died (e.g. out of memory): not proved
                    answer.append(None)
            return answer[0]

        if beside is not None:
            beside.wait = lambda: None if answered() is None else answered()[1]
        with paused_gc():
            doc = None
            try:
                doc = orjson.loads(raw)
                mine = _first_part(doc, header, tables, raw, lo, middle)
                if mine is not None:
                    built = build(doc)
            except Exception:  # not valid: not proved
                mine = None
            if keep is not None and doc is not None:
                keep.append(doc)
            doc = None  # freed while the other process finishes (unless kept)
        if mine is None or built is None:
            return False, None
        theirs = answered()
    if theirs is None:
        return False, None
    (ids, _, last), rest = mine
    (other_ids, start, _), _ = theirs
    if (last is not None and start is not None and last > start) or rest != other_ids:
        return False, None
    if not set(ids).isdisjoint(other_ids):
        return False, None
    return True, built


class Beside:
    """Work for the process that proves a large file with
    :func:`built_while_proved`: ``work(header, events)`` on the document's
    header and every event, decoded there, once its share is proved
    (``eventline render`` makes the page around the figure so, beside the
    figure). What ``work`` returns must pickle; text and bytes travel through
    a temporary file (a pipe moves tens of megabytes 64 KB at a time, each
    turn waking the other process), removed when the build ends.

    While ``build`` runs, :meth:`result` waits for what ``work`` returned
    (None if the other process's share was not proved), and :attr:`running`
    is true; otherwise (a small file, no ``fork``) ``work`` does not run.
    """

    def __init__(self, work: Work, own_share: int) -> None:
        self.own_share = own_share
        """The percentage of the events the building process proves itself:
        as much as makes both processes finish together."""
        self.wait: Callable[[], Any] | None = None
        self._work = work
        self._spool: Path | None = None
        self._taken: list[Any] = []

    def work(self, header: dict[str, Any], events: list[Any]) -> Any:
        """Run the work (in the proving process); text and bytes go to the spool file."""
        made = self._work(header, events)
        if isinstance(made, (str, bytes)) and self._spool is not None:
            text = isinstance(made, str)
            self._spool.write_bytes(made.encode("utf-8") if isinstance(made, str) else made)
            return _Spooled(text)
        return made

    @property
    def running(self) -> bool:
        return self.wait is not None

    def result(self) -> Any:
        if self.wait is None:
            return None
        if not self._taken:
            made = self.wait()
            if isinstance(made, _Spooled) and self._spool is not None:
                made = _read_back(self._spool, made.text)
            self._taken.append(made)
        return self._taken[0]

    def _start(self) -> None:
        """Before the proving process starts: an empty spool file for its text."""
        try:
            fd, path = tempfile.mkstemp(prefix="eventline-", suffix=".txt")
        except OSError:  # text then comes through the pipe
            return
        os.close(fd)
        self._spool = Path(path)
        self._taken.clear()

    def _end(self) -> None:
        """Once the build is over: no more waiting, the spool file removed."""
        self.wait = None
        if self._spool is not None:
            self._spool.unlink(missing_ok=True)
            self._spool = None


def _read_back(spool: Path, text: bool) -> str | bytes | mmap.mmap:
    """What the proving process wrote to ``spool``: text, or bytes mapped from the file
    rather than read (tens of megabytes, often only to be written out again: the
    mapping lasts after the file is removed, and no one else writes to it)."""
    if text:
        return spool.read_bytes().decode("utf-8")
    with spool.open("rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # empty, or a file system that cannot map
            return handle.read()


class _Spooled(NamedTuple):
    """What the proving process sends for text or bytes it wrote to the spool file."""

    text: bool  # text, written as UTF-8; else bytes, as given


OWN_SHARE = 25
"""The percentage of the events :func:`built_while_proved` proves in its own
process, which also decodes and builds: with two cores, both finish together."""
_NO_EVENTS = b'\n  "events": []\n}\n'


def _first_part(
    doc: Any, header: dict[str, Any], tables: Any, raw: bytes, lo: int, middle: int
) -> tuple[_Summary, list[Any]] | None:
    """Prove the first events of ``doc``, those whose canonical text is
    ``raw[lo:middle]``, given that ``header`` was proved: their summary and
    the ids of the events after them, or None if unsure."""
    if type(doc) is not dict or {**doc, "events": []} != header:
        return None
    events = doc["events"]
    if type(events) is not list:
        return None
    # Canonical text has this line break between two events and nowhere
    # else (strings hold no raw line breaks); if the text is not canonical,
    # the comparison below fails.
    first = events[: raw.count(_BETWEEN, lo, middle) + 1]
    summary = _events(first, *tables)
    if summary is None or not _same_events(first, memoryview(raw)[lo:middle]):
        return None
    return summary, list(map(_EVENT_ID, events[len(first) :]))


_EVENT_ID = operator.itemgetter("id")


def _built_beside_proof(
    raw: bytes, build: Callable[[Any], T], keep: list[Any] | None
) -> tuple[bool, T | None]:
    """``build(document)`` while a forked process proves the whole file; the
    document is appended to ``keep`` if given."""
    built: T | None = None
    with _beside(_prove, raw) as proof:
        with paused_gc():
            try:
                doc = orjson.loads(raw)
                if keep is not None:
                    keep.append(doc)
                built = build(doc)
            except Exception:  # not valid: the proof fails too
                built = None
        try:
            proved = bool(proof())
        except EOFError:  # the prover died (e.g. out of memory): not proved
            proved = False
    return (True, built) if proved and built is not None else (False, None)


def _split(raw: bytes, percent: int) -> tuple[int, int, int, int] | None:
    """Where to cut the events of a canonical-looking file, near ``percent``
    percent of their text: the end of the header, the start of the events'
    text, the end of the last event before the cut, and the end of the
    events' text; None if the file has not that shape or too few events."""
    head_end = raw.find(_EVENTS_KEY)
    if head_end < 0 or not raw.endswith(_CLOSE):
        return None
    lo = head_end + len(_EVENTS_KEY)
    hi = len(raw) - len(_CLOSE)
    cut = raw.find(_BETWEEN, lo + (hi - lo) * percent // 100, hi)
    if cut < 0:
        return None
    return head_end, lo, cut + len(b"\n    }"), hi  # the first part ends with its last "}"


@contextmanager
def _beside(target: Callable[..., None], *args: Any) -> Iterator[Callable[[], Any]]:
    """Run ``target(*args, connection)`` in a forked process while the block runs.

    The block gets a function that waits for what the child sent on
    ``connection`` (EOFError if it ended without sending). A child that has
    answered is left to end by itself (freeing a large heap takes the kernel
    a while; multiprocessing reaps it when it next starts a process, or at
    exit); one that has not is stopped and reaped when the block ends, also
    when it raises.
    """
    assert _FORK is not None
    receive, send = _FORK.Pipe(duplex=False)
    worker = _FORK.Process(target=target, args=(*args, send))
    worker.start()
    send.close()
    answered = False

    def answer() -> Any:
        nonlocal answered
        value = receive.recv()
        answered = True
        return value

    try:
        yield answer
    finally:
        receive.close()
        if not answered:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _prove(raw: bytes, conn: Any) -> None:
    try:
        conn.send(is_valid_and_canonical(raw))
    finally:
        conn.close()
    answered()


def answered() -> None:
    """In a forked helper that has sent its answer and is about to end: let go of
    the standard streams it shares with the command.

    A process frees its memory before its open files when it ends, so a helper
    with gigabytes of decoded events would otherwise hold the command's output
    pipes open for a few tenths of a second after the command is done, and
    whatever reads them (a CI runner, ``subprocess.run(capture_output=True)``)
    would wait that long. What the helper writes afterwards is lost.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed: nothing to flush
            stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def valid_canonical_document(raw: bytes, progress: Progress = _ignore) -> dict[str, Any] | None:
    """The decoded document if ``raw`` is a valid data file in canonical form, else None.

    For readers that need the document itself (``load``); one process.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return None
    with paused_gc():
        try:
            doc = json.loads(raw)
            progress(0.4)
            tables = _header(doc)
            if tables is None or _events(doc["events"], *tables) is None:
                return None
            progress(0.6)
            events = doc["events"]
            head = io.canonical_bytes({**doc, "events": []})
            if not events:
                return doc if head == raw else None
            prefix = head[: -len(b"]\n}\n")] + b"\n"
            body = memoryview(raw)[len(prefix) : len(raw) - len(_CLOSE)]
            if (
                raw.startswith(prefix)
                and raw.endswith(_CLOSE)
                and _same_events(events, body, progress)
            ):
                return doc  # type: ignore[no-any-return]
        except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
            pass
    return None


def _same_events(events: list[Any], text: memoryview, progress: Progress = _ignore) -> bool:
    """``text`` is exactly the canonical lines of ``events`` (at depth two, joined by commas).

    Compared a batch at a time, so the canonical text is never held whole:
    serialised inside ``{"events": [...]}``, a batch sits at the same depth
    as in the file, so its lines are the file's lines.
    """
    pos = 0
    for start in range(0, len(events), _BATCH):
        chunk = io.canonical_bytes({"events": events[start : start + _BATCH]})
        inner = chunk[len(_OPEN) : -len(_CLOSE)]
        if start:
            inner = b",\n" + inner
        if text[pos : pos + len(inner)] != inner:
            return False
        pos += len(inner)
        progress(0.6 + 0.4 * (start + _BATCH) / len(events))
    return pos == len(text)


Work = Callable[[dict[str, Any], list[Any]], Any]


def _no_work(header: dict[str, Any], events: list[Any]) -> None:
    return None


def _half(
    raw: bytes,
    lo: int,
    hi: int,
    header: dict[str, Any],
    tables: tuple[set[str], set[str], set[str]],
    work: Work,
    progress: Progress = _ignore,
    keep: list[Any] | None = None,
    decode: Callable[[bytes], Any] = json.loads,
    skip: tuple[int, int] = (0, 0),
) -> tuple[_Summary, Any] | None:
    """Check the events whose canonical text is ``raw[lo:hi]``, then do ``work`` on them.

    The decoded events are appended to ``keep`` when given, so that freeing
    them can wait until the answer is sent. ``skip``: ``(count, offset)``,
    the first ``count`` events are proved elsewhere (``work`` still gets
    them); the others' text starts at ``offset``.
    """
    events = decode(b"".join((b"[", memoryview(raw)[lo:hi], b"]")))
    if keep is not None:
        keep.append(events)
    count, offset = skip
    proved, text = (
        (events[count:], memoryview(raw)[offset:hi]) if count else (events, memoryview(raw)[lo:hi])
    )
    progress(0.4)
    summary = _events(proved, *tables)
    progress(0.6)
    if summary is None or not _same_events(proved, text, progress):
        return None
    return summary, work(header, events)


def _child(
    raw: bytes,
    lo: int,
    hi: int,
    header: Any,
    tables: Any,
    work: Work,
    decode: Callable[[bytes], Any],
    skip: tuple[int, int],
    conn: Any,
) -> None:
    decoded: list[Any] = []  # freed after sending: the other process waits for the answer only
    with paused_gc():
        try:
            conn.send(
                _half(raw, lo, hi, header, tables, work, keep=decoded, decode=decode, skip=skip)
            )
        except (ValueError, RecursionError, TypeError, KeyError, UnicodeEncodeError):
            conn.send(None)
    conn.close()
    answered()


def _in_two(raw: bytes, progress: Progress) -> bool | None:
    """Check a canonical-looking file in two halves, one in a forked process.

    None when the file does not have the canonical shape this needs.
    """
    halves = in_halves(raw, _no_work, progress)
    return None if halves is None else halves is not False


def in_halves(
    raw: bytes, work: Work, progress: Progress = _ignore
) -> tuple[Any, Any] | bool | None:
    """Prove a large file valid and canonical in two halves, one in a forked
    process, and run ``work(header, events)`` on each half as it goes.

    ``work`` gets the document without its events, and a half of the events
    (in order); what it returns must pickle. Returns both results, False if
    the file is not valid and canonical, or None where this cannot be done
    (no fork, or not the canonical shape): then ask :func:`valid_canonical_document`.
    """
    split = _split(raw, 50)
    if _FORK is None or split is None:
        return None
    head_end, lo, middle, hi = split
    header = json.loads(raw[:head_end] + b'\n  "events": []\n}')
    tables = _header(header)
    if tables is None or io.canonical_bytes(header) != raw[:head_end] + _NO_EVENTS:
        return False
    # json, not orjson: orjson decodes these halves a little faster but
    # into about a third more memory (250 MB more at 200,000 events, over
    # both processes), and exports must stay within 1.5x the peak memory of
    # json.load (benchmarks/README.md).
    after = middle + len(b",\n")
    with _beside(_child, raw, after, hi, header, tables, work, json.loads, (0, 0)) as other:
        first = _half(raw, lo, middle, header, tables, work, progress)
        second = other()
    if first is None or second is None:
        return False
    (ids, _, last), first_result = first
    (other_ids, start, _), second_result = second
    if (last is not None and start is not None and last > start) or not set(ids).isdisjoint(
        other_ids
    ):
        return False
    return first_result, second_result
