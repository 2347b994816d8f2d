"""The shipped dataset: complete where it must be, exact, sourced, canonical."""

from __future__ import annotations

import json
import re
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
        ("crimean-referendum", "2014-03-16"),
        ("unga-resolution-68-262", "2014-03-27"),
        ("trump-kim-dmz-meeting", "2019-06-30"),
        ("unga-resolution-es-11-2", "2022-03-24"),
        ("unga-resolution-es-11-3", "2022-04-07"),
        ("russia-annexes-four-regions", "2022-09-30"),
        ("ukraine-nato-application", "2022-09-30"),
        ("unga-resolution-es-11-4", "2022-10-12"),
        ("unga-resolution-es-11-5", "2022-11-14"),
        ("unga-resolution-es-11-6", "2023-02-23"),
        ("putin-ceasefire-terms", "2024-06-14"),
        ("nato-washington-summit-declaration", "2024-07-10"),
        ("trump-rare-earths-oval-office", "2025-02-03"),
        ("trump-resources-for-aid", "2025-02-10"),
        ("herbst-ambassador-to-ukraine", "2003-09/2006-05"),
        ("mcfaul-ambassador-to-russia", "2012-01/2014-02"),
        ("trump-first-term", "2017-01-20/2021-01-20"),
        ("landsbergis-foreign-minister", "2020-12-11/2024-12-11"),
        ("cleverly-foreign-secretary", "2022-09-06/2023-11-13"),
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


# Background the article does not itself mention: cited from public sources only,
# because a quote of the article would not support them.
NOT_IN_THE_ARTICLE = {
    "crimean-referendum",
    "unga-resolution-68-262",
    "russia-annexes-four-regions",
    "trump-rare-earths-oval-office",
}


def test_every_event_cites_the_article_or_a_dated_public_source():
    """Each event the article refers to cites it; the background it does not
    mention is exactly the listed set; events the article dates only loosely
    also cite a second source with a URL."""
    citing_the_article = {
        event.id for event in TL if any(c.source == "concessions-article" for c in event.citations)
    }
    assert {event.id for event in TL} - citing_the_article == NOT_IN_THE_ARTICLE
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


def test_categories_have_matching_ids_and_labels():
    """Each category's id names what its label says, in lane order."""
    assert [(c.id, c.label) for c in TL.categories.values()] == [
        ("diplomacy", "Diplomacy"),
        ("military", "Military"),
        ("politics", "Politics"),
        ("economy", "Economy"),
        ("law", "International law"),
        ("commentary", "Commentary"),
        ("reporting", "Reporting"),
    ]


@pytest.mark.parametrize(
    ("event_id", "category"),
    [
        ("crimean-referendum", "politics"),
        ("unga-resolution-es-11-2", "law"),
        ("unga-resolution-es-11-3", "law"),
        ("unga-resolution-es-11-5", "law"),
        ("russia-annexes-four-regions", "politics"),
        ("ukraine-nato-application", "diplomacy"),
        ("putin-ceasefire-terms", "diplomacy"),
        ("nato-washington-summit-declaration", "diplomacy"),
        ("trump-rare-earths-oval-office", "economy"),
        ("trump-resources-for-aid", "economy"),
        ("herbst-ambassador-to-ukraine", "politics"),
        ("mcfaul-ambassador-to-russia", "politics"),
        ("trump-first-term", "politics"),
        ("landsbergis-foreign-minister", "politics"),
        ("cleverly-foreign-secretary", "politics"),
        ("concessions-article-published", "reporting"),
    ],
)
def test_background_events_sit_in_their_lanes(event_id, category):
    """The background events land in the category a reader would look in."""
    event = TL.get(event_id)
    assert event is not None, event_id
    assert event.category == category


def test_every_declared_actor_category_and_source_is_used():
    """Nothing is declared that no event refers to."""
    assert set(TL.actors) == {a for event in TL for a in event.actors}
    assert set(TL.categories) == {event.category for event in TL}
    assert set(TL.sources) == {c.source for event in TL for c in event.citations}


def test_new_background_cites_a_public_source_with_a_url():
    """Every background event added from the public record names a source one can open."""
    for event_id in (
        "crimean-referendum",
        "unga-resolution-es-11-2",
        "unga-resolution-es-11-3",
        "unga-resolution-es-11-5",
        "russia-annexes-four-regions",
        "ukraine-nato-application",
        "putin-ceasefire-terms",
        "nato-washington-summit-declaration",
        "trump-rare-earths-oval-office",
        "herbst-ambassador-to-ukraine",
        "mcfaul-ambassador-to-russia",
        "trump-first-term",
        "landsbergis-foreign-minister",
        "cleverly-foreign-secretary",
    ):
        event = TL.get(event_id)
        assert event is not None, event_id
        urls = [TL.sources[c.source].url for c in event.citations]
        assert any(url and url.startswith("https://") for url in urls), event_id


def _words(text: str) -> list[str]:
    """Lower-case words, typographic quotes and dashes folded to plain ones."""
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("—", " "), ("–", " ")):
        text = text.replace(fancy, plain)
    return re.findall(r"[a-z0-9%$]+(?:['.][a-z0-9]+)*", text.lower())


def _runs(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_run_finder_sees_a_repeated_run_of_eight_words():
    """The word-run check counts eight shared words across punctuation and quote styles."""
    article = _runs(_words("He said: “You never give up anything to them, for free.”"), 8)
    assert _runs(_words("You never give up anything to them for free"), 8) & article
    assert not _runs(_words("You never give up anything to them lightly"), 8) & article


@pytest.mark.skipif(not SEED.is_file(), reason="the article's text is not on this machine")
def test_titles_and_summaries_are_our_own_words():
    """No title, summary, actor role or description repeats eight consecutive words of the article."""
    article = _runs(_words(SEED.read_text("utf-8")), 8)
    texts = {"description": TL.description or ""}
    texts.update({f"actors[{a.id}].role": a.role or "" for a in TL.actors.values()})
    for event in TL:
        texts[f"{event.id}.title"] = event.title
        texts[f"{event.id}.summary"] = event.summary or ""
    copied = {where: sorted(_runs(_words(text), 8) & article) for where, text in texts.items()}
    assert {where: runs for where, runs in copied.items() if runs} == {}


def test_packaged_copy_is_the_repository_file():
    """In an editable install the packaged dataset is data/events.json itself."""
    assert Path(io.packaged_data_path()).read_bytes() == DATA.read_bytes()
