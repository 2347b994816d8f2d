"""Writers never leave a half-written file."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventline import io


def test_atomic_write_replaces_the_file(tmp_path):
    """The target ends with exactly the new bytes and no temporary file stays."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    io.atomic_write(target, "new ✓\n")
    assert target.read_bytes() == "new ✓\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    """Writing into a folder that does not exist names it."""
    with pytest.raises(io.WriteError, match="does not exist"):
        io.atomic_write(tmp_path / "no" / "out.txt", "x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_is_a_clear_error(tmp_path):
    """A read-only folder gives WriteError and leaves the old file."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(io.WriteError, match="cannot write"):
            io.atomic_write(target, "new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_text() == "old"


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    """If the disk fills mid-write, the old file stays and the temporary file is removed."""
    target = tmp_path / "out.txt"
    target.write_text("old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(io.WriteError, match="No space left on device"):
        io.atomic_write(target, "new" * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_bom_is_accepted_when_reading(tmp_path):
    """A UTF-8 byte order mark does not stop decoding (validate asks fmt to remove it)."""
    path = tmp_path / "e.json"
    path.write_bytes(b'\xef\xbb\xbf{"title": "x", "events": []}')
    doc, problems = io.read_document(path)
    assert (doc, problems) == ({"title": "x", "events": []}, [])


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
        ),
        max_leaves=25,
    )
)
def test_canonical_writer_matches_json_dumps(value):
    """The fast canonical writer gives exactly json.dumps(indent=2, ensure_ascii=False) + newline."""
    assert io.dumps_json(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"
