"""Every rule of a data file, with every problem reported at once."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventline import io
from eventline.dates import DateError, EventDate
from eventline.io import DuplicateKeys, NonFinite
from eventline.problems import Problem, show_value

__all__ = [
    "canonical_form",
    "check_canonical",
    "check_document",
    "check_line",
    "check_placeholders",
    "check_quotes",
    "validate",
    "validate_text",
]

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*")
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
URL_RE = re.compile(r"https?://[^\s/?#@]+[^\s]*")
ACTOR_KINDS = ("person", "state", "organization")
MAX_LINE = 500
MAX_TEXT = 5000
MAX_QUOTE = 300

_Check = Callable[[Any], "str | None"]


def _type_name(value: Any) -> str:
    if isinstance(value, NonFinite):
        return f"{value.text} (not a JSON value)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _string(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_type_name(value)}"
    return None


# Unicode category Cc (C0 and C1 controls, DEL), lone surrogates, which a
# JSON escape such as "\ud800" can produce but no UTF-8 file can hold, and the
# bidirectional embedding, override and isolate controls U+202A-U+202E and
# U+2066-U+2069: the "Trojan Source" class (CVE-2021-42574), which can make the
# text around them read in another order than it is stored.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
CONTROL_RE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]")
CONTROL_BUT_NEWLINE_RE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]")


_BIDI_NAMES = {
    chr(code): unicodedata.name(chr(code))
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def _bad_char(text: str, *, newlines: bool) -> str | None:
    """What is wrong with the characters of ``text``: the first control character
    or line break, and every distinct bidirectional control (each by code point and
    name, so that one run of `validate` names them all); None if none."""
    found = dict.fromkeys((CONTROL_BUT_NEWLINE_RE if newlines else CONTROL_RE).findall(text))
    if not found:
        return None
    bidi = [c for c in found if c in _BIDI_NAMES]
    other = [c for c in found if c not in _BIDI_NAMES]
    said = []
    if other:
        char = other[0]
        if char in "\r\n":
            name = "a line break"
        elif "\ud800" <= char <= "\udfff":
            name = f"the unpaired surrogate U+{ord(char):04X}, which is not text"
        else:
            name = f"the control character U+{ord(char):04X}"
        said.append(f"contains {name}; remove it")
    if bidi:
        names = [f"U+{ord(c):04X} ({_BIDI_NAMES[c]})" for c in bidi]
        if len(names) == 1:
            said.append(
                f"contains the bidirectional control {names[0]}, "
                "which can change how the text around it reads (Trojan Source); remove it"
            )
        else:
            listed = ", ".join(names[:-1]) + " and " + names[-1]
            said.append(
                f"contains the bidirectional controls {listed}, "
                "which can change how the text around them reads (Trojan Source); remove them"
            )
    return "; ".join(said)


def _text(max_len: int, *, newlines: bool = False) -> _Check:
    def check(value: Any) -> str | None:
        if (problem := _string(value)) is not None:
            return problem
        if not value.strip():
            return "is blank; write some text or leave the key out"
        if value != value.strip():
            return "has spaces or line breaks at the start or end; remove them"
        if len(value) > max_len:
            return f"is {len(value):,} characters long; the limit is {max_len:,}"
        return _bad_char(value, newlines=newlines)

    return check


def _slug(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    if ID_RE.fullmatch(value) is None:
        return (
            "is not a slug: use lowercase letters a-z, digits and single hyphens, "
            'e.g. "trump-putin-call"'
        )
    return None


def _date(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    try:
        EventDate.parse(value)
    except DateError as error:
        return str(error)
    return None


def _url(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    if URL_RE.fullmatch(value) is None:
        if any(c.isspace() for c in value):
            return "contains spaces; write them as %20"
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if scheme and scheme not in ("http", "https"):
            return f"{scheme}: links are not allowed; use an http:// or https:// address"
        return "is not an http:// or https:// address with a host"
    return None


def _wikidata(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    if WIKIDATA_RE.fullmatch(value) is None:
        return 'is not a Wikidata item id; write "Q" and the number, e.g. "Q7747"'
    return None


def _color(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    if COLOR_RE.fullmatch(value) is None:
        return 'is not a colour of the form "#rrggbb", e.g. "#1f77b4"'
    return None


def _kind(value: Any) -> str | None:
    if (problem := _string(value)) is not None:
        return problem
    if value not in ACTOR_KINDS:
        return "must be one of " + ", ".join(f'"{k}"' for k in ACTOR_KINDS)
    return None


_LINE = _text(MAX_LINE)


def check_line(value: Any) -> str | None:
    """Why ``value`` is not a valid one-line text field (a title, a name), or None."""
    return _LINE(value)


_QUOTE = _text(MAX_QUOTE, newlines=True)

# For each record: key -> (required, check of a value). Lists are declared
# with _ListOf so each item is located on its own.


class _ListOf:
    def __init__(self, item: _Check | Mapping[str, tuple[bool, Any]], *, non_empty: bool) -> None:
        self.item = item
        self.non_empty = non_empty


_CATEGORY: dict[str, tuple[bool, Any]] = {
    "id": (True, _slug),
    "label": (True, _LINE),
    "color": (False, _color),
}
_ACTOR: dict[str, tuple[bool, Any]] = {
    "id": (True, _slug),
    "name": (True, _LINE),
    "kind": (True, _kind),
    "role": (False, _LINE),
    "wikidata": (False, _wikidata),
}
_SOURCE: dict[str, tuple[bool, Any]] = {
    "id": (True, _slug),
    "title": (True, _LINE),
    "publisher": (False, _LINE),
    "published": (False, _date),
    "url": (False, _url),
}
_CITATION: dict[str, tuple[bool, Any]] = {
    "source": (True, _slug),
    "quote": (False, _QUOTE),
}
_EVENT: dict[str, tuple[bool, Any]] = {
    "id": (True, _slug),
    "title": (True, _LINE),
    "date": (True, _date),
    "category": (True, _slug),
    "summary": (False, _text(MAX_TEXT, newlines=True)),
    "actors": (False, _ListOf(_slug, non_empty=False)),
    "places": (False, _ListOf(_LINE, non_empty=False)),
    "tags": (False, _ListOf(_slug, non_empty=False)),
    "citations": (True, _ListOf(_CITATION, non_empty=True)),
}
_TABLES: dict[str, dict[str, tuple[bool, Any]]] = {
    "categories": _CATEGORY,
    "actors": _ACTOR,
    "sources": _SOURCE,
    "events": _EVENT,
}
_TOP: dict[str, tuple[bool, Any]] = {
    "$schema": (False, _LINE),
    "title": (True, _LINE),
    "description": (False, _text(MAX_TEXT, newlines=True)),
    "categories": (False, None),
    "actors": (False, None),
    "sources": (False, None),
    "events": (True, None),
}


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        location: str = "",
        record_id: str | None = None,
        field: str | None = None,
        value: Any = None,
        *,
        show: bool = False,
    ) -> None:
        shown = show_value(value) if show else None
        self.problems.append(Problem(self.file, message, location, record_id, field, shown))


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else "; allowed: " + ", ".join(allowed)
    return f"unknown key {show_value(key)}{hint}"


def _check_object(
    out: _Collector,
    obj: dict[str, Any],
    spec: Mapping[str, tuple[bool, Any]],
    location: str,
    record_id: str | None,
    prefix: str = "",
) -> None:
    if isinstance(obj, DuplicateKeys):
        for key in obj.duplicates:
            out.add(
                f"key {show_value(key)} appears more than once; only one value would be kept",
                location,
                record_id,
                prefix.rstrip(".") or None,
            )
    for key in obj:
        if key not in spec:
            out.add(_unknown_key(key, list(spec)), location, record_id, prefix.rstrip(".") or None)
    for key, (required, check) in spec.items():
        field = prefix + key
        if key not in obj:
            if required:
                out.add(
                    f"missing required key {show_value(key)}",
                    location,
                    record_id,
                    prefix.rstrip(".") or None,
                )
            continue
        value = obj[key]
        if isinstance(check, _ListOf):
            _check_list(out, value, check, location, record_id, field)
        elif check is not None and (message := check(value)) is not None:
            out.add(message, location, record_id, field, value, show=True)


def _check_list(
    out: _Collector, value: Any, spec: _ListOf, location: str, record_id: str | None, field: str
) -> None:
    if not isinstance(value, list):
        out.add(f"must be an array, not {_type_name(value)}", location, record_id, field)
        return
    if spec.non_empty and not value:
        out.add("is empty; give at least one", location, record_id, field)
    seen: set[Any] = set()
    for i, item in enumerate(value):
        item_field = f"{field}[{i}]"
        if isinstance(spec.item, Mapping):
            if not isinstance(item, dict):
                out.add(
                    f"must be an object, not {_type_name(item)}", location, record_id, item_field
                )
            else:
                _check_object(out, item, spec.item, location, record_id, item_field + ".")
            continue
        if (message := spec.item(item)) is not None:
            out.add(message, location, record_id, item_field, item, show=True)
        elif item in seen:
            out.add("is listed twice; remove one", location, record_id, item_field, item, show=True)
        else:
            seen.add(item)


def _record_id(record: dict[str, Any]) -> str | None:
    rid = record.get("id")
    return rid if isinstance(rid, str) and ID_RE.fullmatch(rid) else None


def check_document(doc: Any, file: str) -> list[Problem]:
    """Every problem of a decoded data file, in file order, except canonical form.

    Args:
        doc: the document as :func:`eventline.io.read_document` returns it.
        file: how problems name the file.
    """
    out = _Collector(file)
    if not isinstance(doc, dict):
        out.add(f"the top level must be a JSON object, not {_type_name(doc)}")
        return out.problems
    _check_object(out, doc, _TOP, "", None)
    ids: dict[str, set[str]] = {}
    for table, spec in _TABLES.items():
        rows = doc.get(table, [])
        if not isinstance(rows, list):
            out.add(f"must be an array, not {_type_name(rows)}", table)
            ids[table] = set()
            continue
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            location = f"{table}[{i}]"
            if not isinstance(row, dict):
                out.add(f"must be an object, not {_type_name(row)}", location)
                continue
            rid = _record_id(row)
            _check_object(out, row, spec, location, rid)
            if rid is None:
                continue
            if rid in seen:
                out.add(
                    f"id is already used by {table}[{seen[rid]}]; ids must be unique",
                    location,
                    rid,
                )
            else:
                seen[rid] = i
        ids[table] = set(seen)
    events = doc.get("events")
    if isinstance(events, list):
        _check_references(out, events, ids)
    return out.problems


def _check_references(out: _Collector, events: list[Any], ids: dict[str, set[str]]) -> None:
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        location, rid = f"events[{i}]", _record_id(event)
        category = event.get("category")
        if (
            isinstance(category, str)
            and ID_RE.fullmatch(category)
            and category not in ids["categories"]
        ):
            out.add(
                _undeclared("category", "categories", ids["categories"], category),
                location,
                rid,
                "category",
                category,
                show=True,
            )
        actors = event.get("actors")
        for j, actor in enumerate(actors if isinstance(actors, list) else []):
            if isinstance(actor, str) and ID_RE.fullmatch(actor) and actor not in ids["actors"]:
                out.add(
                    _undeclared("actor", "actors", ids["actors"], actor),
                    location,
                    rid,
                    f"actors[{j}]",
                    actor,
                    show=True,
                )
        citations = event.get("citations")
        for j, citation in enumerate(citations if isinstance(citations, list) else []):
            source = citation.get("source") if isinstance(citation, dict) else None
            if isinstance(source, str) and ID_RE.fullmatch(source) and source not in ids["sources"]:
                out.add(
                    _undeclared("source", "sources", ids["sources"], source),
                    location,
                    rid,
                    f"citations[{j}].source",
                    source,
                    show=True,
                )


# The source "eventline import" cites for events whose file named none
# (TimelineJS has no sources); a file citing it is not done.
PLACEHOLDER_SOURCE = "source-needed"


def check_placeholders(doc: dict[str, Any], file: str) -> list[Problem]:
    """One problem for each citation of the placeholder source ``source-needed``.

    Call only for a document :func:`check_document` found no problem in. The
    rule lives apart from :func:`check_document` so that ``fmt``, ``add`` and
    ``import`` still work on a file that has placeholders left to fill in.
    """
    out = _Collector(file)
    for i, event in enumerate(doc["events"]):
        for j, citation in enumerate(event["citations"]):
            if citation["source"] == PLACEHOLDER_SOURCE:
                out.add(
                    'cites the placeholder source left by "eventline import"; '
                    "declare the real source and cite it instead",
                    f"events[{i}]",
                    event["id"],
                    f"citations[{j}].source",
                    PLACEHOLDER_SOURCE,
                    show=True,
                )
    return out.problems


def _undeclared(kind: str, table: str, known: set[str], value: str) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = f'; did you mean "{close[0]}"?' if close else f'; declare it in "{table}"'
    return f"no {kind} has this id{hint}"


def check_canonical(doc: dict[str, Any], raw: bytes, file: str) -> list[Problem]:
    """Problems with the form of a valid file: event order, then formatting.

    Call only for a document :func:`check_document` found no problem in.
    """
    fix = f'run "eventline fmt {file}" to fix'
    events = doc["events"]
    keys = [(EventDate.parse(e["date"]).sort_key, e["id"]) for e in events]
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            return [
                Problem(
                    file,
                    f"not in canonical order: it sorts before events[{i - 1}] "
                    f"(id {show_value(events[i - 1]['id'])}); {fix}",
                    f"events[{i}]",
                    events[i]["id"],
                )
            ]
    expected = io.canonical_bytes(io.canonical_document(doc))
    if raw.startswith(b"\xef\xbb\xbf"):
        return [Problem(file, f"starts with a UTF-8 byte order mark; {fix}")]
    if raw != expected:
        return [Problem(file, f"not in canonical format (key order, indentation, spacing); {fix}")]
    return []


_QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)


def normalise_quote_text(text: str) -> str:
    """Text with typographic quotes and dashes made plain and whitespace folded."""
    plain = unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)
    return " ".join(plain.split())


def check_quotes(doc: dict[str, Any], texts: Mapping[str, str], file: str) -> list[Problem]:
    """Problems for quotes that do not appear in the text of the source they cite.

    Args:
        doc: a document :func:`check_document` found no problem in.
        texts: source id -> the full text of that source.
        file: how problems name the file.
    """
    out = _Collector(file)
    haystacks = {sid: normalise_quote_text(text) for sid, text in texts.items()}
    for i, event in enumerate(doc["events"]):
        for j, citation in enumerate(event["citations"]):
            haystack = haystacks.get(citation["source"])
            quote = citation.get("quote")
            if haystack is None or quote is None:
                continue
            if normalise_quote_text(quote) not in haystack:
                out.add(
                    f"quote is not in the text of source {show_value(citation['source'])}; "
                    "copy it verbatim from the source",
                    f"events[{i}]",
                    event["id"],
                    f"citations[{j}].quote",
                    quote,
                    show=True,
                )
    return out.problems


def validate_text(
    raw: bytes,
    file: str,
    source_texts: Mapping[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[Problem]:
    """Every problem of a data file given as bytes; see :func:`validate`."""
    from eventline import quick

    if not source_texts and quick.is_valid_and_canonical(raw, progress):
        return []
    with quick.paused_gc():
        doc, problems = io.decode_document(raw, file)
    if problems:
        return problems
    problems = check_document(doc, file)
    if problems:
        return problems
    problems = check_placeholders(doc, file)
    if source_texts:
        problems += check_quotes(doc, source_texts, file)
    return problems + check_canonical(doc, raw, file)


def canonical_form(
    raw: bytes, file: str, progress: Callable[[float], None] | None = None
) -> tuple[bytes | None, list[Problem]]:
    """The canonical bytes of a data file (``raw`` itself when it is canonical),
    or None and the problems that stop it from having one."""
    from eventline import quick

    if quick.is_valid_and_canonical(raw, progress):
        return raw, []
    with quick.paused_gc():
        doc, problems = io.decode_document(raw, file)
        if not problems:
            problems = check_document(doc, file)
        if problems:
            return None, problems
        return io.canonical_bytes(io.canonical_document(doc)), []


def validate(
    path: str | os.PathLike[str],
    source_texts: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[Problem]:
    """Every problem of a data file; ``[]`` when it is valid and canonical.

    Args:
        path: the data file.
        source_texts: source id -> full text; quotes citing these sources
            must appear in that text.
        name: how problems name the file (default: ``path`` as given).
        progress: called now and then with the fraction done (large files).
    """
    label = str(path) if name is None else name
    raw, problems = io.read_bytes(path, label)
    if raw is None:
        return problems
    return validate_text(raw, label, source_texts, progress)
