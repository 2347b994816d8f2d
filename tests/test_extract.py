"""eventline extract: every dated mention of an article, resolved against its publication."""

from __future__ import annotations

import json

import pytest

from eventline.dates import EventDate
from eventline.extract import extract

from .conftest import REPO

PUBLISHED = "2025-02-13"  # a Thursday
SEED = REPO.parent / "shared" / "seeds" / "article-2025-02-ukraine-peace-talks.txt"


def _sentences() -> list[dict]:
    cases: list[dict] = []
    path = REPO / "tests" / "cases" / "freetext" / "sentences.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("\t"):
            cases[-1]["mentions"].append(line[1:].split("\t"))
        else:
            published, text = line.split("\t")
            cases.append({"published": published, "text": text, "mentions": []})
    return cases


SENTENCES = _sentences()


def found(text: str, published: str = PUBLISHED) -> list[tuple[str, str, str]]:
    return [(m.text, str(m.date), m.rule) for m in extract(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Talks opened on March 3, 2025 in Riyadh.",
            [("March 3, 2025", "2025-03-03", "absolute-date")],
        ),
        ("It began on 24 February 2022.", [("24 February 2022", "2022-02-24", "absolute-date")]),
        ("Filed 2024-11-05 in court.", [("2024-11-05", "2024-11-05", "absolute-date")]),
        (
            "They met Feb 14-16, 2025.",
            [("Feb 14-16, 2025", "2025-02-14/2025-02-16", "absolute-range")],
        ),
        (
            "They met 14–16 February 2025.",
            [("14–16 February 2025", "2025-02-14/2025-02-16", "absolute-range")],
        ),
        ("The war began in February 2022.", [("February 2022", "2022-02", "month-year")]),
        ("He took office on January 20.", [("January 20", "2025-01-20", "month-day")]),
        ("A vote is due on December 28.", [("December 28", "2024-12-28", "month-day")]),
        ("Elections come on March 1.", [("March 1", "2025-03-01", "month-day")]),
        ("The calls came on Wednesday.", [("on Wednesday", "2025-02-12", "weekday")]),
        ("The report came out on Thursday.", [("on Thursday", "2025-02-13", "weekday")]),
        ("They meet next Tuesday.", [("next Tuesday", "2025-02-18", "next-weekday")]),
        ("They met last Thursday.", [("last Thursday", "2025-02-06", "last-weekday")]),
        ("Last Friday was quiet.", [("Last Friday", "2025-02-07", "last-weekday")]),
        ("It happened yesterday.", [("yesterday", "2025-02-12", "relative")]),
        ("It happens today.", [("today", "2025-02-13", "relative")]),
        ("It happens tomorrow.", [("tomorrow", "2025-02-14", "relative")]),
        (
            "Delegates meet later this week.",
            [("later this week", "2025-02-14/2025-02-16", "relative")],
        ),
        ("Delegates met this week.", [("this week", "2025-02-10/2025-02-16", "relative")]),
        ("Delegates met last week.", [("last week", "2025-02-03/2025-02-09", "relative")]),
        ("Delegates meet next week.", [("next week", "2025-02-17/2025-02-23", "relative")]),
        ("Prices rose last month.", [("last month", "2025-01", "relative")]),
        ("Prices fall next month.", [("next month", "2025-03", "relative")]),
        ("Growth slowed last year.", [("last year", "2024", "relative")]),
        ("Growth is slow this year.", [("this year", "2025", "relative")]),
        ("Borders as in 2014 are gone.", [("2014", "2014", "year")]),
        ("A return to pre-2014 borders.", [("pre-2014", "2014", "year")]),
        ("Tension has grown since 2014.", [("2014", "2014", "year")]),
    ],
)
def test_each_rule(text, expected):
    """Each rule finds its phrase and resolves it against a Thursday, 13 February 2025."""
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The nearly three-year-long war goes on.",
        "He served for 20 years.",
        "Russia holds roughly 20% of the land.",
        "It cost $2014 and 1,2014 units.",
        "The 1500-page report and 3000 troops.",
        "There is no date on February 30, 2025 here.",
    ],
)
def test_durations_amounts_and_impossible_days_are_not_dates(text):
    """Durations, ages, percentages, amounts and non-existent days give no mention."""
    assert found(text) == []


def test_the_sentence_corpus_is_large():
    """At least 40 sentences, among them ones with no date at all."""
    assert len(SENTENCES) >= 40
    assert sum(not case["mentions"] for case in SENTENCES) >= 5


@pytest.mark.parametrize("case", SENTENCES, ids=lambda case: case["text"][:50])
def test_sentence_corpus(case):
    """Each sentence gives exactly its mentions: phrase, date and rule."""
    assert [list(m) for m in found(case["text"], case["published"])] == case["mentions"]


def test_one_mention_for_a_day_written_with_the_and_of():
    """ "the 24th of February, 2022" is one mention, 2022-02-24, with no separate year."""
    assert found("The war began on the 24th of February, 2022.") == [
        ("the 24th of February, 2022", "2022-02-24", "absolute-date")
    ]


def test_an_abbreviation_does_not_end_the_sentence():
    """ "Jan." and "U.S." keep their sentence whole."""
    text = "Talks resumed on JAN. 27, 2017, officials said. The U.S. envoy left on Monday."
    first, second = extract(text, PUBLISHED)
    assert first.sentence == "Talks resumed on JAN. 27, 2017, officials said."
    assert str(first.date) == "2017-01-27"
    assert second.sentence == "The U.S. envoy left on Monday."


def test_a_closing_quote_stays_with_its_sentence():
    """'He said "talks end Friday."' keeps its closing quote; the next sentence starts after it."""
    first, second = extract('He said "talks end Friday." Then he left on Saturday.', PUBLISHED)
    assert first.sentence == 'He said "talks end Friday."'
    assert second.sentence == "Then he left on Saturday."


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("He will travel to Riyadh on Wednesday.", "2025-02-19"),
        ("He'll travel to Riyadh on Wednesday.", "2025-02-19"),
        ("The talks are set for Wednesday.", "2025-02-19"),
        ("The talks are due to resume on Thursday.", "2025-02-20"),
        ("He travelled to Riyadh on Wednesday.", "2025-02-12"),
        ("The report came out on Thursday.", "2025-02-13"),
        ("On Friday, he will sign it.", "2025-02-14"),
    ],
)
def test_weekday_tense(text, date):
    """A future marker picks the first such day after publication; else the latest on or before."""
    ((_, resolved, _),) = found(text)
    assert resolved == date


def test_offsets_and_sentences(tmp_path):
    """start/end slice the phrase out of the text; sentence is the one it stands in."""
    text = "First sentence here. The summit ended on Wednesday. A third one."
    (mention,) = extract(text, PUBLISHED)
    assert text[mention.start : mention.end] == mention.text == "on Wednesday"
    assert mention.sentence == "The summit ended on Wednesday."


def test_cli_json_output(run, tmp_path):
    """--format json gives objects with text, date, sentence, start, end and rule."""
    article = tmp_path / "a.txt"
    article.write_text("Officials met on Monday. A deal may come next month.\n", encoding="utf-8")
    result = run("extract", str(article), "--published", "2025-02-13", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "text": "on Monday",
            "date": "2025-02-10",
            "start": 14,
            "end": 23,
            "rule": "weekday",
            "sentence": "Officials met on Monday.",
        },
        {
            "text": "next month",
            "date": "2025-03",
            "start": 41,
            "end": 51,
            "rule": "relative",
            "sentence": "A deal may come next month.",
        },
    ]


def test_cli_table_and_free_text_publication_date(run, tmp_path):
    """The table names offset, phrase, date and rule; --published takes free text too."""
    article = tmp_path / "a.txt"
    article.write_text("They spoke yesterday.", encoding="utf-8")
    result = run("extract", str(article), "--published", "February 13, 2025")
    assert result.stdout == (
        "OFFSET  TEXT       DATE        RULE\n11      yesterday  2025-02-12  relative\n"
    )
    assert result.stderr == "1 date mentions\n"


def test_publication_must_be_a_day(run, tmp_path):
    """A month is not a publication day: exit 2 with the reason."""
    article = tmp_path / "a.txt"
    article.write_text("Yesterday.", encoding="utf-8")
    result = run("extract", str(article), "--published", "2025-02")
    assert result.exit_code == 2
    assert "the publication date must be a single day, not 2025-02" in result.stderr


@pytest.mark.skipif(not SEED.is_file(), reason="the article's text is not on this machine")
def test_every_mention_of_the_seed_article_is_found_and_resolved():
    """On the story's article, published Thursday 13 February 2025, each dated mention resolves."""
    mentions = extract(SEED.read_text(encoding="utf-8"), PUBLISHED)
    assert [(m.text, str(m.date), m.rule) for m in mentions] == [
        ("January 20", "2025-01-20", "month-day"),
        ("on Wednesday", "2025-02-12", "weekday"),
        ("pre-2014", "2014", "year"),
        ("February 2022", "2022-02", "month-year"),
        ("on Wednesday", "2025-02-12", "weekday"),
        ("later this week", "2025-02-14/2025-02-16", "relative"),
    ]


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
def test_mentions_beyond_the_calendar_are_left_out_not_a_crash(published):
    """Relative to a day at the calendar's edge, a day outside years 1-9999 is no mention."""
    text = (
        "He will come on Wednesday. It rained last month. He left last Friday. "
        "Not yesterday. Next year, maybe."
    )
    found = {m.text: str(m.date) for m in extract(text, EventDate.parse(published))}
    assert (
        found
        == {
            "0001-01-01": {"on Wednesday": "0001-01-03", "Next year": "0002"},
            "9999-12-31": {
                "last month": "9999-11",
                "last Friday": "9999-12-24",
                "yesterday": "9999-12-30",
            },
        }[published]
    )
