"""eventline add: free-text dates, validated before writing, never losing a file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import eventline


def _ids(path):
    return [e["id"] for e in json.loads(path.read_text("utf-8"))["events"]]


def test_add_puts_the_event_in_canonical_place(run, small_file):
    """The new event lands sorted, with its free-text date in the grammar; the file stays valid."""
    result = run(
        "add",
        "--data",
        str(small_file),
        "--title",
        "Trump and Putin agree to meet",
        "--date",
        "Feb 13, 2025",
        "--category",
        "diplomacy",
        "--actor",
        "trump",
        "--actor",
        "putin",
        "--place",
        "Moscow",
        "--tag",
        "summit",
        "--source",
        "article",
        "--quote",
        "agreed to meet",
        "--summary",
        "They agreed to meet.",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{small_file}: added trump-and-putin-agree-to-meet (2025-02-13)\n"
    assert _ids(small_file) == [
        "annexation",
        "invasion",
        "war",
        "call",
        "trump-and-putin-agree-to-meet",
        "conference",
    ]
    assert eventline.validate(small_file) == []
    event = eventline.load(small_file).get("trump-and-putin-agree-to-meet")
    assert event is not None
    assert (event.actors, event.places, event.tags) == (
        ("trump", "putin"),
        ("Moscow",),
        ("summit",),
    )
    assert event.citations[0].quote == "agreed to meet"


@pytest.mark.parametrize(
    ("date", "stored"),
    [
        ("February 2022", "2022-02"),
        ("since February 24, 2022", "2022-02-24/.."),
        ("14–16 February 2025", "2025-02-14/2025-02-16"),
        ("circa 2014", "2014~"),
    ],
)
def test_add_keeps_the_precision_of_the_text(run, small_file, date, stored):
    """A month stays a month, a range a range, circa an approximation."""
    result = run(
        "add",
        "--data",
        str(small_file),
        "--title",
        "X",
        "--date",
        date,
        "--category",
        "military",
        "--source",
        "article",
    )
    assert result.exit_code == 0, result.output
    assert str(eventline.load(small_file).get("x").date) == stored


def test_default_id_is_made_unique(run, small_file):
    """A second event with the same title gets -2."""
    for _ in range(2):
        run(
            "add",
            "--data",
            str(small_file),
            "--title",
            "Call",
            "--date",
            "2025-02-20",
            "--category",
            "diplomacy",
            "--source",
            "article",
        )
    assert "call-2" in _ids(small_file)
    assert "call-3" in _ids(small_file)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--date", "02/03/2025"],
            2,
            "'02/03/2025' is ambiguous (day first or month first?); write 2025-03-02 or "
            "2025-02-03, or say which with --dayfirst or --monthfirst",
        ),
        (["--date", "February 30, 2025"], 2, "'February 30, 2025' does not exist"),
        (["--date", "no date here"], 2, "'no date here': no date found"),
        (["--date", "Wednesday"], 2, "'Wednesday' names a weekday, not a date"),
        (
            ["--date", "2025-02-12", "--category", "nope"],
            1,
            'category "nope": no category has this id',
        ),
        (
            ["--date", "2025-02-12", "--source", "nope"],
            1,
            'citations[0].source "nope": no source has this id',
        ),
        (
            ["--date", "2025-02-12", "--actor", "nobody"],
            1,
            'actors[0] "nobody": no actor has this id',
        ),
        (["--date", "2025-02-12", "--id", "call"], 1, "an event with the id 'call' exists already"),
        (["--date", "2025-02-12", "--id", "Bad Id"], 1, 'id "Bad Id": is not a slug'),
        (
            ["--date", "2025-02-12", "--quote", "x" * 301],
            1,
            "is 301 characters long; the limit is 300",
        ),
    ],
)
def test_refusals_leave_the_file_unchanged(run, small_file, args, code, message):
    """Anything wrong: exit 1 or 2, a message that says what is wrong, the file byte for byte as before."""
    before = small_file.read_bytes()
    base = {"--title": "A new event", "--category": "diplomacy", "--source": "article"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    result = run("add", "--data", str(small_file), *flat)
    assert result.exit_code == code
    assert message in result.output
    assert small_file.read_bytes() == before


def test_dayfirst_settles_a_numeric_date(run, small_file):
    """--dayfirst reads 02/03/2025 as 2 March."""
    result = run(
        "add",
        "--data",
        str(small_file),
        "--title",
        "X",
        "--date",
        "02/03/2025",
        "--dayfirst",
        "--category",
        "diplomacy",
        "--source",
        "article",
    )
    assert result.exit_code == 0
    assert str(eventline.load(small_file).get("x").date) == "2025-03-02"


def test_an_invalid_file_is_not_touched(run, tmp_path, small_doc):
    """add refuses to write into a file that is already invalid, and says why."""
    small_doc["events"][0]["date"] = "2014-13"
    path = tmp_path / "events.json"
    path.write_text(json.dumps(small_doc))
    before = path.read_bytes()
    result = run(
        "add",
        "--data",
        str(path),
        "--title",
        "X",
        "--date",
        "2025",
        "--category",
        "diplomacy",
        "--source",
        "article",
    )
    assert result.exit_code == 1
    assert "month 13 does not exist" in result.stdout
    assert path.read_bytes() == before


def test_concurrent_adds_all_land(small_file):
    """Many `eventline add` processes at once on one file: every event is there afterwards."""
    count = 12
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "eventline",
                "add",
                "--data",
                str(small_file),
                "--title",
                f"Parallel {i}",
                "--date",
                f"2025-03-{i + 1:02d}",
                "--category",
                "diplomacy",
                "--source",
                "article",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(count)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    ids = _ids(small_file)
    assert {f"parallel-{i}" for i in range(count)} <= set(ids)
    assert len(ids) == 5 + count
    assert eventline.validate(small_file) == []
