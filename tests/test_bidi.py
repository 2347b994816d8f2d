"""Bidirectional isolation of data values (UAX #9 isolates)."""

from __future__ import annotations

import pytest

from eventline.bidi import FSI, PDI, isolate, isolate_join, needs_isolation


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
