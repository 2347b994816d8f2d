"""Bidirectional isolation of data values (UAX #9 isolates)."""

from __future__ import annotations

import pytest

from eventline.bidi import FSI, PDI, isolate, isolate_join, needs_isolation, unisolate


@pytest.mark.parametrize(
    "text",
    ["Vladimir Putin", "Zürich", "Kyiv – Київ", "Ukraine’s", "zero\u200bwidth", "left\u200emark"],
)
def test_left_to_right_text_is_left_as_it_is(text):
    """Latin, Cyrillic and neutral text needs no isolate, so its bytes stay."""
    assert not needs_isolation(text)
    assert isolate(text) == text


@pytest.mark.parametrize(
    "text",
    ["موسكو", "ירושלים", "Moscow \u200f", "١٢٣", "evil\u202eeunev", "a\u2067b\u2069"],
)
def test_text_that_can_reorder_its_neighbours_is_isolated(text):
    """Right-to-left letters, Arabic numbers, RLM and explicit controls get FSI…PDI."""
    assert isolate(text) == f"{FSI}{text}{PDI}"


def test_each_value_is_isolated_on_its_own():
    """A list of names keeps each name's direction to itself."""
    assert isolate_join(["Trump", "بوتين", "Zelenskiy"]) == f"Trump, {FSI}بوتين{PDI}, Zelenskiy"


@pytest.mark.parametrize(
    "values", [["موسكو"], ["Putin", "نتنياهو", "ירושלים\u200f"], ["١٢٣", "Zürich"]]
)
def test_unisolate_gives_back_what_isolate_join_was_given(values):
    """Reading an export back: the isolates eventline wrote come off, the values stay."""
    assert unisolate(isolate_join(values)) == ", ".join(values)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("x\u2069\u202eY", "x\u2069\u202eY"),  # a PDI with no initiator stays
        (f"{FSI}a\u2067b{PDI}", f"{FSI}ab"),  # the PDI closes the nearer RLI only
        (f"{FSI}\u202eabc{PDI}", "\u202eabc"),  # an override stays for validate
    ],
)
def test_unisolate_keeps_every_control_it_cannot_match(text, bare):
    """Unmatched isolates and overrides are left for `eventline validate` to report."""
    assert unisolate(text) == bare
