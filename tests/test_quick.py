"""The fast path for large files agrees with the precise checker, and splits correctly."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import eventline
from eventline import io, quick
from eventline.validate import check_canonical, check_document

from .test_hardening import near_valid_documents, timelines


def _precise(raw: bytes) -> bool:
    doc, problems = io.decode_document(raw, "x")
    if problems:
        return False
    return not check_document(doc, "x") and not check_canonical(doc, raw, "x")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid_documents())
def test_fast_path_never_accepts_what_the_precise_checker_rejects(doc):
    """On canonical-looking text of near-valid documents, "valid" from the fast
    path always means valid to the precise checker, and it misses no valid file."""
    raw = io.dumps_json(doc).encode("utf-8", "surrogatepass")
    assert quick.is_valid_and_canonical(raw) == _precise(raw)


@settings(max_examples=100, deadline=None)
@given(timelines())
def test_fast_path_accepts_every_valid_canonical_file(timeline):
    """Valid timelines, written canonically, pass the fast path."""
    assert quick.is_valid_and_canonical(io.dumps(timeline).encode("utf-8"))


@pytest.fixture
def split_everything(monkeypatch):
    """Make even small files take the two-process path."""
    monkeypatch.setattr(quick, "PARALLEL_BYTES", 0)


def _doc(count: int) -> dict:
    return {
        "title": "Split",
        "categories": [{"id": "c", "label": "C"}],
        "sources": [{"id": "s", "title": "S"}],
        "events": [
            {
                "id": f"e{i:04d}",
                "title": "T",
                "date": f"2000-01-{1 + i // 10:02d}",
                "category": "c",
                "citations": [{"source": "s"}],
            }
            for i in range(count)
        ],
    }


@pytest.mark.parametrize(
    "bad",
    ["a\x00b", "a--b", "-a", "a-", "", "A", "a b", "é"],
)
@pytest.mark.parametrize("field", ["id", "tags"])
def test_fast_path_proves_no_id_or_tag_that_is_not_a_slug(field, bad):
    """Ids and tags outside the slug grammar (a NUL inside too) leave the precise checker to say."""
    doc = _doc(3)
    doc["events"][1][field] = bad if field == "id" else ["ok", bad]
    raw = io.dumps_json(doc).encode("utf-8")
    assert not _precise(raw)
    assert not quick.is_valid_and_canonical(raw)


@pytest.mark.parametrize(
    ("field", "text", "valid"),
    [
        ("title", "Tab\there", False),
        ("title", "Line\nbreak", False),
        ("title", "Delete\x7fhere", False),
        ("title", "Café and NUL\x00", False),
        ("title", "Plain ASCII title", True),
        ("summary", "Two lines\nof summary", True),
        ("summary", "Carriage\r\nreturn", False),
        ("summary", "Bell\x07", False),
        ("quote", "Quoted\nacross lines", True),
        ("quote", "Escape\x1b[0m", False),
    ],
)
def test_fast_path_agrees_on_control_characters_in_text(field, text, valid):
    """Control characters in ASCII and other text: line breaks only where a
    field allows them, as the precise checker says."""
    doc = _doc(3)
    if field == "quote":
        doc["events"][1]["citations"] = [{"source": "s", "quote": text}]
    else:
        doc["events"][1][field] = text
    raw = io.dumps_json(io.canonical_document(doc)).encode("utf-8")
    assert _precise(raw) is valid
    assert quick.is_valid_and_canonical(raw) is valid


@pytest.mark.parametrize(
    ("date", "valid"),
    [
        ("2000-01-02/2000-01-05", True),
        ("2000-01-02/2000-01-02", True),
        ("2000-01-05/2000-01-02", False),
        ("2000-02-30/2000-03-01", False),
        ("2000-01-02/2000-13-01", False),
        ("0000-01-01/2000-01-01", False),
        ("2000-01-02/2000-01-0x", False),
    ],
)
def test_fast_path_agrees_on_intervals_of_days(date, valid):
    """An interval of two days is a date only if both days exist and it does not end before it starts."""
    doc = _doc(3)
    doc["events"][-1]["date"] = date  # the last: any of these days sorts last
    raw = io.dumps_json(doc).encode("utf-8")
    assert _precise(raw) is valid
    assert quick.is_valid_and_canonical(raw) is valid


def test_two_halves_accept_a_valid_file(split_everything):
    """The split path says valid for a valid canonical file."""
    assert quick.is_valid_and_canonical(io.dumps_json(_doc(40)).encode())


def test_two_halves_catch_an_id_repeated_across_the_cut(split_everything):
    """An id in both halves is caught, and the precise checker then names it."""
    doc = _doc(40)
    doc["events"][39]["id"] = "e0000"
    doc["events"][39]["date"] = "2000-01-04"
    raw = io.dumps_json(doc).encode()
    assert not quick.is_valid_and_canonical(raw)
    assert not _precise(raw)


def test_two_halves_catch_order_broken_at_the_cut(split_everything):
    """Events out of order exactly across the cut are caught."""
    doc = _doc(40)
    doc["events"][20:] = [dict(e, date="1999-12-31") for e in doc["events"][20:]]
    raw = io.dumps_json(doc).encode()
    assert not quick.is_valid_and_canonical(raw)


def test_validate_of_a_large_valid_file_uses_no_precise_path(
    tmp_path, split_everything, monkeypatch
):
    """A valid canonical file never reaches the precise checker (which is the slow one)."""
    path = tmp_path / "events.json"
    path.write_text(io.dumps_json(_doc(40)))

    def fail(*args, **kwargs):
        raise AssertionError("the precise path ran")

    monkeypatch.setattr(sys.modules["eventline.validate"], "check_document", fail)
    assert eventline.validate(path) == []


def test_fast_path_without_orjson_gives_the_same_answers(monkeypatch):
    """The standard-library writer stands in for orjson byte for byte."""
    raw = io.dumps_json(_doc(10)).encode()
    monkeypatch.setattr(io, "_orjson", None)
    assert quick.is_valid_and_canonical(raw)
    assert io.canonical_bytes(json.loads(raw)) == raw


def test_csv_export_in_two_halves_matches_the_single_pass(split_everything, tmp_path):
    """Large-file CSV export (two processes) gives the same bytes, filtered or not."""
    from eventline.export import export, export_file

    path = tmp_path / "events.json"
    path.write_text(io.dumps_json(_doc(40)))
    whole = export(eventline.load(path), "csv")
    spools = set(Path(tempfile.gettempdir()).glob("eventline-export-*"))
    pieces, count = export_file(path, "csv")
    assert (b"".join(pieces), count) == (whole.encode(), 40)
    assert set(Path(tempfile.gettempdir()).glob("eventline-export-*")) == spools
    pieces, count = export_file(
        path, "csv", lambda tl: tl.filter(start="2000-01-02", end="2000-01-03")
    )
    assert count == 20
    filtered = eventline.load(path).filter(start="2000-01-02", end="2000-01-03")
    assert b"".join(pieces) == export(filtered, "csv").encode()


def test_csv_export_of_an_invalid_large_file_raises(split_everything, tmp_path):
    """An id repeated across the cut stops the export with the precise problems."""
    from eventline.export import export_file

    doc = _doc(40)
    doc["events"][39]["id"] = "e0000"
    doc["events"][39]["date"] = "2000-01-04"
    path = tmp_path / "events.json"
    path.write_text(io.dumps_json(doc))
    with pytest.raises(eventline.InvalidDataError, match="id is already used by events"):
        export_file(path, "csv")


# The forking load is not tried beside other threads, and a test session has
# some (the browser's, Spark's): its tests run in a fresh interpreter.
_FRESH = """
import json, sys, threading
import eventline
from eventline import io, quick

def loaded(path):
    try:
        return io.dumps(eventline.load(path))
    except eventline.InvalidDataError as error:
        return [str(p) for p in error.problems]

assert threading.active_count() == 1
"""


def _fresh(code: str) -> object:
    """Run ``code`` after :data:`_FRESH` in a new interpreter; what it prints, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", _FRESH + code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


_CASES = Path(__file__).parent / "cases"
_CASE_FILES = sorted((_CASES / "valid").glob("*.json")) + sorted(
    (_CASES / "invalid").glob("*.json")
)


def test_loading_while_proving_gives_what_the_one_process_path_gives():
    """A large file's records, built while forked processes prove it valid, equal
    the records of the one-process path (every case file); an invalid file gives
    the same problems, and every valid canonical case took the forking path."""
    paths = _CASE_FILES
    results = _fresh(
        f"""
paths = {[str(p) for p in paths]!r}
one = [loaded(p) for p in paths]
quick.PARALLEL_BYTES = 0
proved = [quick.built_while_proved(open(p, "rb").read(), len) for p in paths]
print(json.dumps({{"one": one, "forked": [loaded(p) for p in paths],
                  "proved": [r is not None and r[0] for r in proved]}}))
"""
    )
    assert results["forked"] == results["one"]
    valid = [i for i, p in enumerate(paths) if p.parent.name == "valid"]
    assert valid
    assert all(results["proved"][i] for i in valid)
    assert not any(results["proved"][i] for i, p in enumerate(paths) if p.parent.name == "invalid")


def test_loading_while_proving_is_refused_for_a_non_canonical_file(tmp_path):
    """A valid file that is not canonical is not proved, and still loads (the precise path)."""
    path = tmp_path / "loose.json"
    path.write_text(json.dumps(_doc(30)), encoding="utf-8")  # one line: not canonical
    assert _fresh(
        f"""
quick.PARALLEL_BYTES = 0
raw = open({str(path)!r}, "rb").read()
print(json.dumps([quick.built_while_proved(raw, io.timeline_from_json), len(eventline.load({str(path)!r}))]))
"""
    ) == [[False, None], 30]


def test_loading_while_proving_builds_the_proved_document(tmp_path):
    """What the builder gets for a proved file is the decoded document itself;
    a file under PARALLEL_BYTES is left to the one-process path."""
    path = tmp_path / "canonical.json"
    path.write_bytes(io.dumps_json(_doc(40)).encode("utf-8"))
    proved, small = _fresh(
        f"""
raw = open({str(path)!r}, "rb").read()
quick.PARALLEL_BYTES = 0
proved = quick.built_while_proved(raw, lambda doc: [e["id"] for e in doc["events"]])
quick.PARALLEL_BYTES = len(raw) + 1
print(json.dumps([proved, quick.built_while_proved(raw, len)]))
"""
    )
    assert proved == [True, [f"e{i:04d}" for i in range(40)]]
    assert small is None


def test_loading_while_proving_is_not_tried_beside_other_threads(tmp_path):
    """With another thread running (a notebook's, a server's), no process is forked."""
    path = tmp_path / "canonical.json"
    path.write_bytes(io.dumps_json(_doc(5)).encode("utf-8"))
    assert _fresh(
        f"""
raw = open({str(path)!r}, "rb").read()
quick.PARALLEL_BYTES = 0
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
count = lambda doc: len(doc["events"])
beside = quick.built_while_proved(raw, count)
stop.set()
other.join()
print(json.dumps([beside, quick.built_while_proved(raw, count)]))
"""
    ) == [None, [True, 5]]


def _cut_index(raw: bytes, share: int = quick.OWN_SHARE) -> int:
    """How many events the loading process proves itself (the rest go to the other)."""
    _, lo, middle, _ = quick._split(raw, share)
    return raw.count(quick._BETWEEN, lo, middle) + 1


def _faulty_raws(share: int = quick.OWN_SHARE) -> dict[str, bytes]:
    raw = io.dumps_json(_doc(40)).encode("utf-8")
    cut = _cut_index(raw, share)
    assert 0 < cut < 40
    repeated = _doc(40)
    for event in repeated["events"][cut:]:  # later than any before the cut: order holds
        event["date"] = "2000-02-01"
    repeated["events"][cut]["id"] = "e0000"
    disorder = _doc(40)
    for event in disorder["events"][cut:]:
        event["date"] = "1999-12-31"
    undeclared = _doc(40)
    undeclared["events"][39]["category"] = "nope"
    first = raw.index(b'      "title": "T",\n')
    last = raw.rindex(b'      "title": "T",\n')
    return {
        "id repeated across the cut": io.dumps_json(repeated).encode(),
        "order broken at the cut": io.dumps_json(disorder).encode(),
        "undeclared category after the cut": io.dumps_json(undeclared).encode(),
        "duplicate key before the cut": raw[:first] + b'      "title": "U",\n' + raw[first:],
        "not canonical before the cut": raw.replace(b'"title": "T"', b'"title":  "T"', 1),
        "lone surrogate escape after the cut": raw[:last]
        + b'      "title": "\\ud800",\n'
        + raw[last + len(b'      "title": "T",\n') :],
    }


def test_loading_while_proving_shares_the_proof_and_rejects_faults_on_either_side():
    """A large file's proof is shared at a cut between the loading process and
    another; a valid file is proved, and a fault on either side of the cut or
    across it is not (the precise checker then words it)."""
    raws = {"valid": io.dumps_json(_doc(40)).encode("utf-8"), **_faulty_raws()}
    for raw in raws.values():
        assert _precise(raw) is (raw is raws["valid"])
    results = _fresh(
        f"""
quick.PARALLEL_BYTES = 0
raws = {raws!r}
print(json.dumps({{name: quick.built_while_proved(raw, lambda doc: len(doc["events"]))
                  for name, raw in raws.items()}}))
"""
    )
    assert results == {name: [True, 40] if name == "valid" else [False, None] for name in raws}


def test_load_then_gives_what_load_gives_and_what_then_makes_of_it():
    """eventline.load_then (a page made while forked processes prove the file): for
    every case file the records or problems load gives, ``then``'s result only for a
    valid file, the forking path taken for each valid one, and an exception of
    ``then`` on a valid file reaches the caller."""
    paths = _CASE_FILES
    results = _fresh(
        f"""
paths = {[str(p) for p in paths]!r}
one = [loaded(p) for p in paths]
quick.PARALLEL_BYTES = 0
ids = lambda timeline: [event.id for event in timeline]
def then_of(path):
    try:
        timeline, made = eventline.load_then(path, ids)
        return [io.dumps(timeline), made]
    except eventline.InvalidDataError as error:
        return [str(p) for p in error.problems]
proved = [quick.built_while_proved(open(p, "rb").read(), len, own_share=0) for p in paths]
def fails(timeline):
    raise LookupError("then failed")
try:
    eventline.load_then(paths[0], fails)
    raised = None
except LookupError as error:
    raised = str(error)
print(json.dumps({{"one": one, "then": [then_of(p) for p in paths], "raised": raised,
                  "proved": [r is not None and r[0] for r in proved]}}))
"""
    )
    for path, one, then, proved in zip(
        paths, results["one"], results["then"], results["proved"], strict=True
    ):
        if isinstance(one, str):  # loads (some invalid cases break only validate's rules)
            assert then == [one, [event["id"] for event in json.loads(one)["events"]]]
        else:
            assert then == one
        assert proved is (path.parent.name == "valid")
    assert results["raised"] == "then failed"


def test_render_while_proving_gives_what_the_one_process_path_gives(tmp_path):
    """`eventline render` makes a large file's page while the file is proved (the
    proving process making the later events' table) and writes it only once the
    file is known to load: for a valid file and for faults on either side of the
    proof's cut, the same exit status, output and page as the one-process path; a
    fault that stops loading leaves no page."""
    from eventline.cli import RENDER_SHARE

    raws = {"valid": io.dumps_json(_doc(40)).encode("utf-8"), **_faulty_raws(RENDER_SHARE)}
    results = _fresh(
        f"""
import os
from click.testing import CliRunner
from eventline.cli import cli
from eventline.render import page
page.CHRONOLOGY_LIMIT = 7  # a table of the later events, as a large file has
tables = []
with_table = page.to_html_with
page.to_html_with = lambda later, *a, **k: tables.append(1) or with_table(later, *a, **k)
path, out = {str(tmp_path / "data.json")!r}, {str(tmp_path / "page.html")!r}
def rendered(raw):
    open(path, "wb").write(raw)
    if os.path.exists(out):
        os.remove(out)
    done = CliRunner().invoke(cli, ["render", "--data", path, "-o", out])
    return [done.exit_code, done.output, open(out).read() if os.path.exists(out) else None]
raws = {raws!r}
one = {{name: rendered(raw) for name, raw in raws.items()}}
quick.PARALLEL_BYTES = 0
forked = {{}}
for name, raw in raws.items():
    del tables[:]
    forked[name] = [*rendered(raw), bool(tables)]
print(json.dumps({{"one": one, "forked": forked}}))
"""
    )
    # The proving process made the valid file's table (and those of faults found late).
    assert results["forked"]["valid"][3] is True
    assert {name: page[:3] for name, page in results["forked"].items()} == results["one"]
    assert "eventline-timeline-rest" in results["one"]["valid"][2]
    assert results["one"]["valid"][:2] == [0, f"{tmp_path / 'page.html'}: 40 events drawn\n"]
    for name in ("id repeated across the cut", "undeclared category after the cut"):
        code, output, page = results["one"][name]
        assert (code, page) == (1, None)
        assert output.startswith(f"{tmp_path / 'data.json'}: events[")


def test_objects_made_while_the_collector_is_paused_do_not_wait_for_a_young_pass():
    """After paused_gc, what was built (records, a page) is not all young: the
    next allocations do not start a collector pass over every object."""
    import gc

    passes: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    with quick.paused_gc():
        made = [[i] for i in range(100_000)]
        gc.callbacks.append(note)
    try:
        after = [[i] for i in range(100)]
    finally:
        gc.callbacks.remove(note)
    assert gc.isenabled()
    assert passes == []
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # cycles are still collected afterwards
    assert len(made) + len(after) == 100_100


def test_what_was_frozen_before_paused_gc_stays_frozen():
    """The CLI freezes the loaded records while a command runs; a later
    paused_gc (making the page) must not thaw them."""
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with quick.paused_gc():
            made = [[i] for i in range(1_000)]
        assert gc.get_freeze_count() >= frozen + len(made)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("name", ["every-field.json", "every-date-form.json"])
def test_a_kept_document_is_handed_over_rather_than_freed(name):
    """built_while_proved(keep=...) appends the decoded document (the CLI ends
    without freeing it) and builds what it builds without keep, with one event
    (a prover beside) or many (the file shared between the processes)."""
    valid = _CASES / "valid" / name
    results = _fresh(
        f"""
quick.PARALLEL_BYTES = 0
raw = open({str(valid)!r}, "rb").read()
count = lambda doc: len(doc["events"])
kept = []
print(json.dumps([
    quick.built_while_proved(raw, count, own_share=0, keep=kept),
    quick.built_while_proved(raw, count, own_share=0),
    [count(doc) for doc in kept],
]))
"""
    )
    events = len(json.loads(valid.read_text(encoding="utf-8"))["events"])
    assert results == [[True, events], [True, events], [events]]


def test_work_beside_the_proof_sees_every_event_and_reaches_the_build(tmp_path):
    """quick.Beside: the proving process runs the work on the header and every
    event of a valid file once its share is proved; build waits for the result
    while it runs (text through a temporary file, removed afterwards, also when
    the file is not proved); faults on either side of the cut are not proved."""
    raws = {"valid": io.dumps_json(_doc(40)).encode("utf-8"), **_faulty_raws(60)}
    spools = tmp_path / "spools"
    spools.mkdir()
    results = _fresh(
        f"""
import os, tempfile
tempfile.tempdir = {str(spools)!r}
quick.PARALLEL_BYTES = 0
raws = {raws!r}
def run(raw, work):
    beside = quick.Beside(work, 60)
    seen = []
    def build(doc):
        seen.append(beside.running)
        return beside.result()
    proved = quick.built_while_proved(raw, build, beside.own_share, beside=beside)
    return [proved, seen, beside.running, os.listdir(tempfile.tempdir)]
ids = lambda header, events: [header["title"], [e["id"] for e in events]]
text = lambda header, events: "\u2068" + " ".join(e["id"] for e in events)
print(json.dumps({{"ids": {{name: run(raw, ids) for name, raw in raws.items()}},
                  "text": {{name: run(raw, text) for name, raw in raws.items()}}}}))
"""
    )
    ids = [e["id"] for e in _doc(40)["events"]]
    assert results["ids"].pop("valid") == [[True, ["Split", ids]], [True], False, []]
    assert results["text"].pop("valid") == [[True, "\u2068" + " ".join(ids)], [True], False, []]
    for name, (proved, _seen, running, left) in [*results["ids"].items(), *results["text"].items()]:
        assert (name, proved, running, left) == (name, [False, None], False, [])


def test_a_helper_that_answered_does_not_hold_the_commands_output_open():
    """Once a forked helper has sent its answer it lets go of stdout and stderr, so a
    reader of the command's output (a CI runner) is not kept waiting while the
    helper ends (frees its memory): here a helper that sleeps after answering."""
    valid = _CASES / "valid" / "every-date-form.json"
    script = _FRESH + (
        "import os, time\n"
        "quick.PARALLEL_BYTES = 0\n"
        "end = os._exit\n"
        "def slow(code):  # how a forked process ends, here slowly\n"
        "    print('after answering', flush=True)\n"
        "    time.sleep(20)\n"
        "    end(code)\n"
        "os._exit = slow\n"
        f"raw = open({str(valid)!r}, 'rb').read()\n"
        'count = lambda doc: len(doc["events"])\n'
        "print(json.dumps(quick.built_while_proved(raw, count, own_share=0)), flush=True)\n"
        "end(0)  # as the CLI ends after a large file\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=10, check=True
    )
    assert (done.stdout, done.stderr) == ("[true, 16]\n", "")
