"""Hardening: hostile input never crashes, interrupted or failed writes lose nothing."""

from __future__ import annotations

import contextlib
import csv
import io as stdio
import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eventline
from eventline import io
from eventline.validate import validate_text

from .conftest import write_json
from .test_dates import event_dates

# --- any input: problems or success, never an exception ----------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
KEYS = [
    "title",
    "events",
    "categories",
    "actors",
    "sources",
    "id",
    "date",
    "category",
    "citations",
    "source",
    "quote",
    "label",
    "name",
    "kind",
    "url",
    "wikidata",
    "summary",
    "tags",
    "actors",
]


@st.composite
def near_valid_documents(draw: st.DrawFn) -> object:
    """A valid small document with random parts replaced by random JSON."""
    doc = {
        "title": "T",
        "categories": [{"id": "c", "label": "C"}],
        "actors": [{"id": "a", "name": "A", "kind": "person"}],
        "sources": [{"id": "s", "title": "S", "url": "https://example.org"}],
        "events": [
            {
                "id": "e",
                "title": "E",
                "date": "2025",
                "category": "c",
                "actors": ["a"],
                "citations": [{"source": "s", "quote": "q"}],
            }
        ],
    }
    for _ in range(draw(st.integers(1, 4))):
        node: object = doc
        path = draw(st.lists(st.sampled_from([*KEYS, 0, 1]), min_size=1, max_size=4))
        for key in path[:-1]:
            if (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and key < len(node)
            ):
                node = node[key]
        last = path[-1]
        value = draw(json_values)
        if (isinstance(node, dict) and isinstance(last, str)) or (
            isinstance(node, list) and isinstance(last, int) and last < len(node)
        ):
            node[last] = value
    return doc


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values | near_valid_documents())
def test_any_json_value_gives_problems_or_success(value):
    """validate never raises, whatever JSON it is given; each problem renders as one line."""
    problems = validate_text(json.dumps(value).encode("utf-8"), "x.json")
    for problem in problems:
        assert "\n" not in str(problem)
        assert str(problem).startswith("x.json")


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_give_problems_or_success(raw):
    """Arbitrary bytes (not UTF-8, truncated, junk) never raise."""
    assert isinstance(validate_text(raw, "x.json"), list)


# --- valid data survives a round trip -----------------------------------------

slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
lines = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"),
        # The bidirectional controls that validate rejects (Trojan Source).
        blacklist_characters="".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])),
    ),
    min_size=1,
    max_size=30,
)


@st.composite
def timelines(draw: st.DrawFn) -> eventline.Timeline:
    cats = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    srcs = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    acts = draw(st.lists(slugs, max_size=3, unique=True))
    events = []
    for event_id in draw(st.lists(slugs, min_size=0, max_size=6, unique=True)):
        events.append(
            eventline.Event(
                id=event_id,
                title=draw(lines),
                date=draw(event_dates()),
                category=draw(st.sampled_from(cats)),
                summary=draw(st.none() | lines),
                actors=tuple(draw(st.lists(st.sampled_from(acts), unique=True))) if acts else (),
                places=tuple(draw(st.lists(lines, max_size=2, unique=True))),
                tags=tuple(draw(st.lists(slugs, max_size=2, unique=True))),
                citations=(
                    eventline.Citation(draw(st.sampled_from(srcs)), draw(st.none() | lines)),
                ),
            )
        )
    return eventline.Timeline(
        title=draw(lines),
        description=draw(st.none() | lines),
        categories={
            c: eventline.Category(c, draw(lines), draw(st.none() | st.just("#aabbcc")))
            for c in cats
        },
        actors={
            a: eventline.Actor(
                a, draw(lines), draw(st.sampled_from(["person", "state", "organization"]))
            )
            for a in acts
        },
        sources={
            s: eventline.Source(
                s, draw(lines), url=draw(st.none() | st.just("https://example.org/x"))
            )
            for s in srcs
        },
        events=tuple(events),
    )


@settings(max_examples=150, deadline=None)
@given(timelines())
def test_valid_data_survives_load_dump_load(tmp_path_factory, timeline):
    """dump → validate → load gives the same timeline, and dumping again the same bytes."""
    path = tmp_path_factory.mktemp("rt") / "events.json"
    text = io.dumps(timeline)
    path.write_text(text, encoding="utf-8")
    assert eventline.validate(path) == []
    loaded = eventline.load(path)
    assert loaded == timeline
    assert io.dumps(loaded) == text


# --- writes that fail or are interrupted lose nothing --------------------------


@contextlib.contextmanager
def _tmpfs(where: Path, options: str):
    """A small tmpfs mounted at ``where`` (root only); skips the test where mounting is not allowed."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_leaves_the_old_file(run, tmp_path, small_doc):
    """On a full disk, fmt exits 1 with the reason and the old file is intact, no debris."""
    with _tmpfs(tmp_path / "small", "size=64k") as folder:
        small_doc["description"] = "x" * 4000
        small_doc["events"].reverse()
        path = folder / "events.json"
        path.write_text(json.dumps(small_doc, indent=20))
        filler = folder / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            handle.write(b"\0" * 200_000)
        before = path.read_bytes()
        result = run("fmt", str(path))
        assert result.exit_code == 1
        assert result.stdout == f"{path}: cannot write: No space left on device\n"
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["events.json", "filler"]


def test_read_only_folder_fails_cleanly(run, tmp_path, small_file):
    """Exports and renders into a read-only folder: exit 1, a clear reason, nothing written."""
    with _tmpfs(tmp_path / "ro", "size=1m") as folder:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        for args in (["export", "--format", "csv"], ["render"]):
            target = folder / "out.file"
            result = run(*args, "--data", str(small_file), "-o", str(target))
            assert result.exit_code == 1
            said = result.stderr if args[0] == "export" else result.stdout
            assert said == f"{target}: cannot write: Read-only file system\n"
        assert list(folder.iterdir()) == []


def test_export_makes_missing_folders_and_names_what_is_in_the_way(run, tmp_path, small_file):
    """export -o into folders that do not exist makes them (as render does); a file
    where a folder should be, or a folder as the output, is a clear error (exit 1)."""
    for fmt in ("csv", "ics", "xlsx"):
        target = tmp_path / "new" / fmt / f"out.{fmt}"
        result = run("export", "--format", fmt, "--data", str(small_file), "-o", str(target))
        assert (result.exit_code, result.stderr) == (0, f"{target}: 5 events exported as {fmt}\n")
        assert target.stat().st_size > 0
    in_the_way = small_file / "out.csv"
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", str(in_the_way))
    assert result.exit_code == 1
    assert result.stderr == f"{in_the_way}: cannot write: {small_file} is not a folder\n"
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", str(tmp_path))
    assert (result.exit_code, result.stderr) == (1, f"{tmp_path}: cannot write: it is a folder\n")


def test_export_writes_into_a_pipe_or_device_and_through_a_link(run, tmp_path, small_file):
    """-o onto a device (/dev/null), a named pipe or a symbolic link: the device and the
    pipe are written into, never replaced by a file; the link stays a link to its file,
    which gets the export; - is standard output."""
    expected = run("export", "--format", "csv", "--data", str(small_file)).stdout_bytes
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", "/dev/null")
    assert result.exit_code == 0
    assert Path("/dev/null").is_char_device()
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n")
    link.symlink_to(real)
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", str(link))
    assert result.exit_code == 0
    assert link.is_symlink()
    assert real.read_bytes() == expected
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received == [expected]
    result = run("export", "--format", "csv", "--data", str(small_file), "-o", "-")
    assert result.stdout_bytes == expected


def _big_shuffled(path: Path, count: int) -> None:
    rng = random.Random(7)
    events = [
        {
            "id": f"e{i:06d}",
            "title": f"Event number {i} with a title of ordinary length",
            "date": f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "category": "c",
            "summary": ("A summary sentence of ordinary length for the event. " * 2).strip(),
            "citations": [{"source": "s"}],
        }
        for i in range(count)
    ]
    rng.shuffle(events)
    doc = {
        "title": "Big",
        "categories": [{"id": "c", "label": "C"}],
        "sources": [{"id": "s", "title": "S"}],
        "events": events,
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_kill_during_fmt_leaves_old_or_new_never_broken(tmp_path):
    """kill -9 at many moments of `eventline fmt` on a large file: the file is always
    byte for byte the old one or the new one."""
    path = tmp_path / "events.json"
    _big_shuffled(path, 25_000)
    old = path.read_bytes()
    expected = io.dumps(eventline.load(path)).encode("utf-8")
    command = [sys.executable, "-m", "eventline", "fmt", str(path)]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started
    assert path.read_bytes() == expected
    outcomes = set()
    for fraction in (0.1, 0.5, 0.8, 0.9, 1.0, 1.3):
        path.write_bytes(old)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = path.read_bytes()
        assert now in (old, expected), f"broken file after a kill at {fraction:.0%}"
        outcomes.add(now == expected)
    assert False in outcomes, "no kill landed before the rename; the file is too small to test"


# --- hostile content stays text in every output --------------------------------

HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '=HYPERLINK("http://x")',
    "right\u200fto\u200eleft \u0645\u0648\u0633\u0643\u0648 (Moscow)",
    "zero\u200bwidth\u200djoin",
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_hostile_titles_come_back_verbatim_from_csv_ics_and_json(tmp_path, small_doc, hostile):
    """CSV and iCalendar readers get the text back as text (CSV defused), JSON exactly."""
    from eventline.bidi import isolate
    from eventline.export import ics

    small_doc["events"][3]["title"] = hostile
    tl = eventline.load(write_json(tmp_path / "e.json", small_doc))
    rows = {r["id"]: r for r in csv.DictReader(stdio.StringIO(tl.to_csv(), newline=""))}
    # A right-to-left title comes back isolated (eventline.bidi), otherwise as typed.
    assert rows["call"]["title"] == ("'" + hostile if hostile.startswith("=") else isolate(hostile))
    summaries = {
        str(e["UID"]): str(e["SUMMARY"])
        for e in icalendar.Calendar.from_ical(tl.to_ics()).walk("VEVENT")
    }
    # A right-to-left title comes back isolated (eventline.bidi), otherwise as typed.
    assert summaries[ics.uid("Small", "call")] == isolate(hostile)
    assert json.loads(tl.to_json())["events"][3]["title"] == hostile


def test_a_full_standard_output_is_a_message_not_a_traceback(tmp_path, small_file):
    """`export > file` on a full disk (here /dev/full): exit 1, the reason on stderr."""
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "eventline",
                "export",
                "--format",
                "csv",
                "--data",
                str(small_file),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == "standard output: cannot write: No space left on device\n"
