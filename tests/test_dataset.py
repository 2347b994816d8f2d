"""The shipped dataset: complete where it must be, exact, sourced, canonical."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import eventline
from eventline import io

from .conftest import REPO

DATA = REPO / "data" / "events.json"
SEED = REPO.parent / "shared" / "seeds" / "article-2025-02-ukraine-peace-talks.txt"
TL = eventline.load(DATA)


def test_dataset_is_valid_and_canonical():
    """validate finds no problem: rules, references and canonical form."""
    assert eventline.validate(DATA) == []


def test_dataset_passes_the_json_schema():
    """An independent validator accepts it against the shipped schema."""
    schema = json.loads((REPO / "src/eventline/schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads(DATA.read_text("utf-8")), schema)


@pytest.mark.parametrize(
    ("event_id", "date"),
    [
        ("crimea-annexation", "2014-03-18"),
        ("full-scale-invasion", "2022-02-24"),
        ("russia-ukraine-war", "2022-02-24/.."),
        ("inauguration", "2025-01-20"),
        ("trump-putin-call", "2025-02-12"),
        ("trump-zelenskiy-call", "2025-02-12"),
        ("trump-orders-talks", "2025-02-12"),
        ("hegseth-brussels-remarks", "2025-02-12"),
        ("kremlin-announces-summit-plan", "2025-02-12"),
        ("bessent-kyiv-visit", "2025-02-12"),
        ("munich-security-conference", "2025-02-14/2025-02-16"),
        ("icc-putin-arrest-warrant", "2023-03-17"),
        ("trump-kim-singapore-summit", "2018-06-12"),
        ("trump-kim-hanoi-summit", "2019-02-27/2019-02-28"),
        ("unga-resolution-es-11-1", "2022-03-02"),
        ("concessions-article-published", "2025-02-13"),
    ],
)
def test_key_events_are_present_and_dated_by_the_public_record(event_id, date):
    """The founding events and the article's other datable events carry their record dates."""
    event = TL.get(event_id)
    assert event is not None, event_id
    assert str(event.date) == date


def test_every_event_has_a_summary_and_a_citation():
    """No event is unsourced or unexplained."""
    for event in TL:
        assert event.summary, event.id
        assert event.citations, event.id


def test_every_event_cites_the_article_or_a_dated_public_source():
    """Each event leads back to the article, and events the article dates
    only loosely also cite a second source with a URL."""
    for event in TL:
        sources = [TL.sources[c.source] for c in event.citations]
        assert any(s.id == "concessions-article" for s in sources), event.id
    for event in TL:
        if event.category == "commentary" or event.id == "concessions-article-published":
            continue
        assert any(TL.sources[c.source].url for c in event.citations), event.id


def test_article_quotes_are_present_and_short():
    """Citations of the article quote it, briefly."""
    for event in TL:
        for citation in event.citations:
            if citation.source == "concessions-article":
                assert citation.quote, event.id
                assert len(citation.quote) <= 300


def test_commentators_are_all_there():
    """Every commentator the article quotes has an actor and a dated statement."""
    for actor in ("mcfaul", "wertheim", "landsbergis", "cleverly", "bruen", "herbst"):
        assert actor in TL.actors
        assert TL.filter(actors=[actor], categories=["commentary"]), actor


def test_the_article_is_declared_as_a_source():
    """The article is a source with title, publisher and publication date."""
    article = TL.sources["concessions-article"]
    assert article.title.startswith("Trump’s Early Concessions to Russia")
    assert str(article.published) == "2025-02-13"
    assert article.publisher


@pytest.mark.skipif(not SEED.is_file(), reason="the article's text is not on this machine")
def test_quotes_appear_in_the_article():
    """Every quote citing the article is in its text (checked where CI has the text)."""
    problems = eventline.validate(DATA, {"concessions-article": SEED.read_text("utf-8")})
    assert [str(p) for p in problems] == []


def test_the_article_text_is_not_in_the_repository():
    """The article is not ours: no long run of it is committed anywhere."""
    if not SEED.is_file():
        pytest.skip("the article's text is not on this machine")
    text = SEED.read_text("utf-8")
    sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.strip()) > 120]
    for path in REPO.rglob("*"):
        if ".git" in path.parts or ".venv" in path.parts or not path.is_file():
            continue
        if path.suffix not in {
            ".json",
            ".md",
            ".py",
            ".txt",
            ".html",
            ".cff",
            ".yaml",
            ".yml",
            ".toml",
        }:
            continue
        content = path.read_text("utf-8", errors="replace")
        for sentence in sentences:
            assert sentence not in content, f"{path} holds a sentence of the article"


def test_packaged_copy_is_the_repository_file():
    """In an editable install the packaged dataset is data/events.json itself."""
    assert Path(io.packaged_data_path()).read_bytes() == DATA.read_bytes()
